import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { allocationOf, ConfigError, createDecider, type ForcedAllocation } from "../../src/index.js";

const artifact = JSON.parse(readFileSync(new URL("../../../../fixtures/artifacts/features.json", import.meta.url), "utf8"));
/** The hero A/B test: experience A below allocation 50, B from 50 on. */
const HERO = 1001;

function experienceOf(forcedAllocations: readonly ForcedAllocation[] | undefined, tntId: string): unknown {
  const decider = createDecider({ client: "acme", artifact, ...(forcedAllocations ? { forcedAllocations } : {}) });
  const response = decider.decide({ request: { id: { tntId }, execute: { mboxes: [{ name: "ab-hero", index: 1 }] } } }).response;
  return response.execute?.mboxes?.[0]?.options?.[0]?.responseTokens?.["experience.name"];
}

/** Visitors whose real allocation for the hero test falls on either side of 50. */
const visitorBelow50 = Array.from({ length: 100 }, (_, n) => `v-${n}`).find((id) => allocationOf("acme", HERO, id) < 50) as string;
const visitorAbove50 = Array.from({ length: 100 }, (_, n) => `v-${n}`).find((id) => allocationOf("acme", HERO, id) >= 50) as string;

describe("forced allocations (for tests)", () => {
  it("put one visitor where the forced allocation falls, and leave every other visitor where its hash puts it", () => {
    expect(experienceOf(undefined, visitorBelow50)).toBe("Experience A");
    const forced = [{ visitorId: visitorBelow50, activityId: HERO, allocation: 75 }];
    expect(experienceOf(forced, visitorBelow50)).toBe("Experience B");
    expect(experienceOf(forced, visitorAbove50)).toBe("Experience B");
    expect(experienceOf([{ visitorId: visitorAbove50, activityId: HERO, allocation: 10 }], visitorBelow50)).toBe("Experience A");
  });

  it("match a tntId without its cluster suffix, and an activity id given as text", () => {
    const forced = [{ visitorId: `${visitorBelow50}.28_0`, activityId: String(HERO), allocation: 99.99 }];
    expect(experienceOf(forced, `${visitorBelow50}.35_0`)).toBe("Experience B");
  });

  it("change only the named activity", () => {
    const forced = [{ visitorId: visitorBelow50, activityId: 999999, allocation: 75 }];
    expect(experienceOf(forced, visitorBelow50)).toBe("Experience A");
  });

  it.each<[unknown, string]>([
    ["not a list", "forcedAllocations"],
    [[null], "forcedAllocations[0]"],
    [[{ visitorId: "", activityId: 1, allocation: 1 }], "forcedAllocations[0].visitorId"],
    [[{ visitorId: "v", activityId: {}, allocation: 1 }], "forcedAllocations[0].activityId"],
    [[{ visitorId: "v", activityId: 1, allocation: 100 }], "forcedAllocations[0].allocation"],
    [[{ visitorId: "v", activityId: 1, allocation: -1 }], "forcedAllocations[0].allocation"],
  ])("are refused with a ConfigError naming the entry (%j)", (forcedAllocations, field) => {
    const attempt = () => createDecider({ client: "acme", artifact, forcedAllocations: forcedAllocations as never });
    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(expect.objectContaining({ field }));
  });
});
