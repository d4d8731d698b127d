import { createDecider, type Decider } from "@decisioning/engine";
import { artifact, frozenClock, visitorInExperience, when } from "@decisioning/testing";
import { describe, expect, it } from "vitest";

// The code under test: picks the checkout layout Target decides for a visitor.
function checkoutLayout(decider: Decider, visitorId: string, url: string): string {
  const { response } = decider.decide({
    request: { id: { tntId: visitorId }, context: { address: { url } }, execute: { mboxes: [{ name: "checkout", index: 1 }] } },
  });
  const content = response.execute?.mboxes?.[0]?.options?.[0]?.content as { layout?: string } | undefined;
  return content?.layout ?? "classic";
}

const rules = artifact()
  .activity("checkout-test")
  .mbox("checkout")
  .experience("A", 50, { json: { layout: "one-page" } })
  .experience("B", 50, { json: { layout: "steps" } })
  .audience(when.url.contains("/checkout"))
  .build();

const checkoutPage = "https://shop.example.com/checkout";

describe("checkoutLayout", () => {
  const decider = createDecider({ client: "acme", artifact: rules, platform: frozenClock("2026-01-30T12:00:00Z") });

  it.each([
    ["A", "one-page"],
    ["B", "steps"],
  ])("shows experience %s its layout", (experience, layout) => {
    const visitor = visitorInExperience(rules, { mbox: "checkout", experience }, { request: { context: { address: { url: checkoutPage } } } });
    expect(checkoutLayout(decider, visitor, checkoutPage)).toBe(layout);
  });

  it("keeps the classic layout off the checkout pages", () => {
    expect(checkoutLayout(decider, "visitor-1", "https://shop.example.com/")).toBe("classic");
  });
});
