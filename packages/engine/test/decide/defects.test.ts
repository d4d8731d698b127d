import { readFileSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { createDecider, type DeliveryRequest } from "../../src/index.js";

// The reference engine's known defects (decisioning.md section 7) that must not come back.
const artifact = JSON.parse(readFileSync(new URL("../../../../fixtures/artifacts/features.json", import.meta.url), "utf8"));
const decider = createDecider({ client: "acme", artifact, platform: { now: () => Date.UTC(2025, 5, 3, 19, 30) } });
const decide = (request: DeliveryRequest) => decider.decide({ request: { id: { tntId: "v-1" }, ...request } });

afterEach(() => {
  // Belt and braces: if a test polluted the prototype, clean up so others are not affected.
  delete (Object.prototype as Record<string, unknown>).polluted;
});

describe("mbox parameters that name prototypes", () => {
  it.each([
    ["__proto__.polluted", "yes"],
    ["constructor.prototype.polluted", "yes"],
    ["a.__proto__.polluted", "yes"],
    ["__proto__", "yes"],
    ["prototype", "yes"],
    ["constructor", "yes"],
  ])("leave Object.prototype untouched for %s", (key, value) => {
    const result = decide({ execute: { mboxes: [{ name: "flags", index: 1, parameters: { [key]: value } }] } });
    expect(result.response.execute?.mboxes?.[0]?.name).toBe("flags");
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getOwnPropertyNames(Object.prototype)).not.toContain("polluted");
  });

  it("still match conditions on ordinary dotted keys next to hostile ones", () => {
    const result = decide({
      execute: { mboxes: [{ name: "flags", index: 1, parameters: { "__proto__.polluted": "x", "profile.plan": "pro" } }] },
    });
    expect(result.response.execute?.mboxes?.[0]?.options?.[0]?.content).toEqual({ searchProviderId: 99 });
  });
});

describe("execute.views", () => {
  it("answers with the matched views merged by name instead of throwing", () => {
    const result = decide({ execute: { views: [{ name: "home" }] } });
    const views = result.response.execute?.views ?? [];
    expect(views).toHaveLength(1);
    expect(views[0]?.name).toBe("home");
    // Home A/B (one experience) plus the always-on extras activity.
    expect((views[0]?.options ?? []).length).toBeGreaterThanOrEqual(2);
    for (const option of views[0]?.options ?? []) expect(option.eventToken).toBeUndefined();
  });

  it("queues display notifications for executed views", () => {
    const result = decide({ execute: { views: [{ name: "home" }] } });
    const names = (result.notification?.request.notifications ?? []).map((n) => n.mbox?.name);
    expect(names).toContain("home");
  });
});

describe("responses", () => {
  it("never share objects with the artifact, so mutating one leaves later decisions intact", () => {
    const first = decide({ execute: { mboxes: [{ name: "flags", index: 1 }] } });
    const content = first.response.execute?.mboxes?.[0]?.options?.[0]?.content as Record<string, unknown>;
    content.searchProviderId = -1;
    first.response.execute!.mboxes![0]!.options!.push({ type: "json", content: "injected" });
    const second = decide({ execute: { mboxes: [{ name: "flags", index: 1 }] } });
    expect(second.response.execute?.mboxes?.[0]?.options).toHaveLength(1);
    expect(second.response.execute?.mboxes?.[0]?.options?.[0]?.content).toEqual({ searchProviderId: 143 });
  });

  it("omit undefined fields", () => {
    const result = decide({ prefetch: { views: [{ name: "home" }] } });
    expect(JSON.parse(JSON.stringify(result.response))).toEqual(result.response);
  });
});
