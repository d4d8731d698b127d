import { createDecider, validateArtifact } from "@decisioning/engine";
import { describe, expect, it } from "vitest";
import { artifact, TestingError, when } from "../src/index.js";

const decide = (built: unknown, request: any, client = "acme") =>
  createDecider({ client, artifact: built, telemetryEnabled: false }).decide({ request }).response;
const content = (response: any, index = 0) => response.execute?.mboxes?.[index]?.options?.[0]?.content;

describe("artifact()", () => {
  const checkout = () =>
    artifact()
      .activity("checkout-test")
      .mbox("checkout")
      .experience("A", 50, { json: { layout: "one-page" } })
      .experience("B", 50, { json: { layout: "steps" } })
      .audience(when.url.contains("/checkout"));

  it("builds an artifact the engine accepts, shaped like Target's", () => {
    const built = checkout().build();
    expect(validateArtifact(built)).toBe(built);
    expect(built).toMatchObject({ version: "1.0.0", meta: { clientCode: "acme", environment: "production" }, localMboxes: ["checkout"], remoteMboxes: [] });
    expect(built.rules.mboxes.checkout?.[0]).toMatchObject({
      ruleKey: "1001",
      meta: {
        "activity.id": 1001,
        "activity.name": "checkout-test",
        "activity.type": "ab",
        "experience.id": 0,
        "experience.name": "A",
        "location.name": "checkout",
        "location.type": "mbox",
      },
      condition: { and: [{ "<": [{ var: "allocation" }, 50] }, { in: ["/checkout", { var: "page.url_lc" }] }] },
      consequence: { name: "checkout", options: [{ type: "json", content: { layout: "one-page" }, eventToken: expect.any(String) }], metrics: [] },
    });
    expect(built.rules.mboxes.checkout?.[1]?.condition).toEqual({
      and: [{ and: [{ ">=": [{ var: "allocation" }, 50] }, { "<": [{ var: "allocation" }, 100] }] }, { in: ["/checkout", { var: "page.url_lc" }] }],
    });
  });

  it("splits visitors between the experiences as the engine allocates them", () => {
    const built = checkout().build();
    const seen = new Map<string, number>();
    for (let n = 0; n < 2000; n++) {
      const layout = content(
        decide(built, {
          id: { tntId: `v-${n}` },
          context: { address: { url: "https://shop.test/Checkout" } },
          execute: { mboxes: [{ name: "checkout", index: 1 }] },
        }),
      ).layout;
      seen.set(layout, (seen.get(layout) ?? 0) + 1);
    }
    expect(seen.get("one-page")).toBeGreaterThan(900);
    expect(seen.get("steps")).toBeGreaterThan(900);
  });

  it("serves nothing to visitors outside the audience", () => {
    const response = decide(checkout().build(), {
      id: { tntId: "v-1" },
      context: { address: { url: "https://shop.test/home" } },
      execute: { mboxes: [{ name: "checkout", index: 1 }] },
    });
    expect(response.execute?.mboxes?.[0]).toEqual({ name: "checkout", index: 1 });
  });

  it.each<[string, Record<string, string>, string]>([
    ["gold members", { tier: "GOLD" }, "gold"],
    ["everyone else", { tier: "silver" }, "default"],
  ])("picks experiences by their own audience for %s", (_name, parameters, expected) => {
    const built = artifact()
      .activity("flags", { type: "xt" })
      .mbox("flags")
      .experience("Gold", 100, { json: { plan: "gold" } }, { audience: when.param("tier").is("gold") })
      .experience("Default", 100, { json: { plan: "default" } })
      .build();
    expect(built.rules.mboxes.flags?.[1]?.condition).toBe(true);
    expect(content(decide(built, { id: { tntId: "v" }, execute: { mboxes: [{ name: "flags", index: 1, parameters }] } })).plan).toBe(expected);
  });

  it("runs an activity on views and the page load, with several options per experience", () => {
    const built = artifact({ client: "kit", globalMbox: "page" })
      .activity("spa", { id: 5 })
      .view("home")
      .pageLoad()
      .experience("Only", 100, [{ html: "<p>hi</p>" }, { actions: [{ type: "setHtml", selector: "h1", content: "Hi" }] }])
      .build();
    expect(built.globalMbox).toBe("page");
    expect(built.localViews).toEqual(["home"]);
    const response = decide(built, { id: { tntId: "v" }, execute: { pageLoad: {} }, prefetch: { views: [{ name: "home" }] } }, "kit");
    expect(response.execute?.pageLoad?.options?.map((o: any) => o.type)).toEqual(["html", "actions"]);
    expect(response.prefetch?.views?.[0]?.options?.map((o: any) => o.eventToken)).toEqual([expect.any(String), expect.any(String)]);
  });

  it("limits activities to at.js properties and lists remote names", () => {
    const built = artifact()
      .activity("scoped", { propertyTokens: ["prop-a"] })
      .mbox("m")
      .experience("A", 100, { json: 1 })
      .remoteMbox("server-only")
      .remoteView("checkout-view")
      .build();
    expect(built.rules.mboxes.m?.[0]?.propertyTokens).toEqual(["prop-a"]);
    expect(built).toMatchObject({ remoteMboxes: ["server-only"], remoteViews: ["checkout-view"] });
    expect(decide(built, { id: { tntId: "v" }, execute: { mboxes: [{ name: "server-only", index: 1 }] } }).status).toBe(206);
  });

  it("gives every option of every experience and location its own event token", () => {
    const built = artifact()
      .activity("a")
      .mbox("m1")
      .mbox("m2")
      .experience("A", 50, [{ json: 1 }, { json: 2 }])
      .experience("B", 50, { json: 3 })
      .build();
    const tokens = Object.values(built.rules.mboxes).flatMap((rules) => rules.flatMap((rule) => (rule.consequence.options ?? []).map((o) => o.eventToken)));
    expect(tokens).toHaveLength(6);
    expect(new Set(tokens).size).toBe(6);
  });

  it.each<[string, () => unknown, RegExp]>([
    ["an experience before any activity", () => artifact().experience("A", 50, { json: {} }), /start with \.activity\(name\)/],
    ["an activity without a location", () => artifact().activity("a").experience("A", 100, { json: {} }).build(), /activity "a" runs nowhere/],
    ["an activity without experiences", () => artifact().activity("a").mbox("m").build(), /activity "a" has no experience/],
    [
      "shares over 100%",
      () => artifact().activity("a").mbox("m").experience("A", 60, { json: {} }).experience("B", 50, { json: {} }).build(),
      /split shares add up to 110%, over 100%/,
    ],
    ["a share of 0", () => artifact().activity("a").mbox("m").experience("A", 0, { json: {} }), /share must be a percentage in \(0, 100\]/],
    [
      "an unknown offer type",
      () =>
        artifact()
          .activity("a")
          .mbox("m")
          .experience("A", 100, { text: "x" } as never),
      /an offer is \{json\}, \{html\}/,
    ],
    ["a reused activity id", () => artifact().activity("a", { id: 1 }).activity("b", { id: 1 }), /activity id 1 is used twice/],
    [
      "a repeated experience name",
      () => artifact().activity("a").mbox("m").experience("A", 50, { json: {} }).experience("A", 50, { json: {} }),
      /already has an experience "A"/,
    ],
  ])("refuses %s with a TestingError", (_name, build, message) => {
    expect(build).toThrow(TestingError);
    expect(build).toThrow(message);
  });
});
