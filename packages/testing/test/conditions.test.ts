import { createDecider } from "@decisioning/engine";
import { describe, expect, it } from "vitest";
import { artifact, when, type Condition } from "../src/index.js";

/** Whether the engine serves an activity with this audience to this request. */
function matches(condition: Condition, request: any, now = Date.UTC(2026, 0, 30, 19, 0)): boolean {
  const built = artifact()
    .activity("a")
    .mbox("m")
    .experience("A", 100, { json: { hit: true } })
    .audience(condition)
    .build();
  const decider = createDecider({ client: "acme", artifact: built, platform: { now: () => now }, telemetryEnabled: false });
  const response = decider.decide({ request: { id: { tntId: "v" }, ...request, execute: { mboxes: [{ name: "m", index: 1, ...request.item }] } } }).response;
  return (response.execute?.mboxes?.[0]?.options?.length ?? 0) > 0;
}

const page = (url: string) => ({ context: { address: { url } } });
const firefox = { context: { userAgent: "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:121.0) Gecko/20100101 Firefox/121.0" } };

describe("when", () => {
  it.each<[string, Condition, any, boolean]>([
    ["url contains, ignoring case", when.url.contains("CHECKOUT"), page("https://shop.test/Checkout/step-1"), true],
    ["url contains, missing", when.url.contains("checkout"), page("https://shop.test/cart"), false],
    ["path is", when.path.is("/cart"), page("https://shop.test/cart?x=1"), true],
    ["query contains", when.query.contains("sale"), page("https://shop.test/?SALE=1"), true],
    ["domain is", when.domain.is("example.co.uk"), page("https://www.shop.example.co.uk/"), true],
    ["subdomain is", when.subdomain.is("shop"), page("https://www.shop.example.co.uk/"), true],
    ["parameter is, ignoring case", when.param("tier").is("gold"), { item: { parameters: { tier: "Gold" } } }, true],
    ["parameter in a list", when.param("tier").in(["gold", "platinum"]), { item: { parameters: { tier: "PLATINUM" } } }, true],
    ["parameter exists", when.param("coupon").exists(), { item: { parameters: { coupon: "X1" } } }, true],
    ["parameter exists, missing", when.param("coupon").exists(), { item: {} }, false],
    ["browser is", when.browser.is("Firefox"), firefox, true],
    ["browser version at least", when.browserVersion.gte(120), firefox, true],
    ["platform is", when.platform.is("windows"), firefox, true],
    ["country is", when.geo.country.is("US"), { context: { geo: { countryCode: "US" } } }, true],
    ["time between", when.timeBetween("1800", "2359"), {}, true],
    ["day in (Friday)", when.dayIn([5]), {}, true],
    ["during a window", when.during("2026-01-01T00:00:00Z", "2026-02-01T00:00:00Z"), {}, true],
    ["after a window", when.during("2025-01-01T00:00:00Z", "2025-02-01T00:00:00Z"), {}, false],
    [
      "all of",
      when.all(when.url.contains("shop"), when.param("tier").is("gold")),
      { ...page("https://shop.test/"), item: { parameters: { tier: "gold" } } },
      true,
    ],
    ["any of", when.any(when.url.contains("nope"), when.param("tier").is("gold")), { item: { parameters: { tier: "gold" } } }, true],
    ["not", when.not(when.url.contains("admin")), page("https://shop.test/"), true],
    ["a nested value", when.value("mbox.cart.total").gt(100), { item: { parameters: { "cart.total": "150" } } }, true],
    ["hand-written logic", when.logic({ "==": [{ var: "page.fragment" }, "top"] }), page("https://shop.test/#top"), true],
  ])("%s", (_name, condition, request, expected) => {
    expect(matches(condition, request)).toBe(expected);
  });
});
