import { createDecider } from "@decisioning/engine";
import { describe, expect, it } from "vitest";
import { artifact, forceAllocation, forceExperience, TestingError, when } from "../src/index.js";

const built = artifact()
  .activity("hero", { id: 31 })
  .mbox("hero")
  .experience("A", 50, { json: { v: "a" } })
  .experience("B", 50, { json: { v: "b" } })
  .activity("other", { id: 32 })
  .mbox("other")
  .experience("X", 50, { json: { v: "x" } })
  .experience("Y", 50, { json: { v: "y" } })
  .audience(when.param("ok").is("yes"))
  .build();

function contents(forced: unknown, mbox: string, parameters: Record<string, string> = {}): Set<unknown> {
  const decider = createDecider({ client: "acme", artifact: forced });
  const seen = new Set<unknown>();
  for (let n = 0; n < 200; n++) {
    const response = decider.decide({ request: { id: { tntId: `v-${n}` }, execute: { mboxes: [{ name: mbox, index: 1, parameters }] } } }).response;
    seen.add(JSON.stringify(response.execute?.mboxes?.[0]?.options?.[0]?.content ?? null));
  }
  return seen;
}

describe("forceAllocation", () => {
  it.each<[number, string]>([
    [0, '{"v":"a"}'],
    [49.99, '{"v":"a"}'],
    [50, '{"v":"b"}'],
    [99.99, '{"v":"b"}'],
  ])("gives every visitor allocation %d", (allocation, expected) => {
    expect(contents(forceAllocation(built, allocation, { activity: "hero" }), "hero")).toEqual(new Set([expected]));
  });

  it("leaves other activities and the original artifact alone", () => {
    const forced = forceAllocation(built, 10, { activity: 31 });
    expect(contents(forced, "other", { ok: "yes" }).size).toBe(2);
    expect(JSON.stringify(built)).not.toContain('"<":[10,');
    expect(forced.rules.mboxes.hero?.[0]?.condition).toEqual({ "<": [10, 50] });
  });

  it("refuses an activity the artifact does not have and an impossible allocation", () => {
    expect(() => forceAllocation(built, 10, { activity: "nope" })).toThrow(TestingError);
    expect(() => forceAllocation(built, 100)).toThrow(/an allocation is in \[0, 100\)/);
  });
});

describe("forceExperience", () => {
  it.each<[string, string, string]>([
    ["hero", "A", '{"v":"a"}'],
    ["hero", "B", '{"v":"b"}'],
    ["other", "Y", '{"v":"y"}'],
  ])("always serves %s's experience %s", (activity, experience, expected) => {
    expect(contents(forceExperience(built, { activity, experience }), activity, { ok: "yes" })).toEqual(new Set([expected]));
  });

  it("still applies the activity's audience", () => {
    expect(contents(forceExperience(built, { activity: "other", experience: "X" }), "other", { ok: "no" })).toEqual(new Set(["null"]));
  });

  it("refuses an experience the activity does not have", () => {
    expect(() => forceExperience(built, { activity: "hero", experience: "C" })).toThrow(/activity "hero" has no experience "C"/);
  });
});
