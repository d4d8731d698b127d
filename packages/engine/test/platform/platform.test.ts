import { describe, expect, it } from "vitest";
import { platformOf, randomId } from "../../src/platform/platform.js";

describe("randomId", () => {
  it("gives 32 lower-case hex digits with the version-4 and variant bits set", () => {
    for (let i = 0; i < 1000; i++) {
      expect(randomId()).toMatch(/^[0-9a-f]{12}4[0-9a-f]{3}[89ab][0-9a-f]{15}$/);
    }
  });

  it("never repeats an id across many batches", () => {
    const seen = new Set<string>();
    for (let i = 0; i < 20_000; i++) seen.add(randomId());
    expect(seen.size).toBe(20_000);
  });

  it("spreads every hex digit over the random positions", () => {
    const counts = new Map<string, number>();
    for (let i = 0; i < 2000; i++) for (const digit of randomId().slice(0, 12)) counts.set(digit, (counts.get(digit) ?? 0) + 1);
    expect(counts.size).toBe(16);
    // 24,000 digits over 16 values: 1,500 each on average; a stuck or biased encoder falls far outside.
    for (const count of counts.values()) expect(count).toBeGreaterThan(1200);
  });
});

describe("platformOf", () => {
  it("uses the given pieces over the defaults", () => {
    const platform = platformOf({ now: () => 42, uuid: () => "fixed", random: () => 0.5 });
    expect([platform.now(), platform.uuid(), platform.random()]).toEqual([42, "fixed", 0.5]);
  });

  it("defaults to the wall clock and random ids", () => {
    const platform = platformOf();
    const before = Date.now();
    expect(platform.now()).toBeGreaterThanOrEqual(before);
    expect(platform.uuid()).toMatch(/^[0-9a-f]{32}$/);
    expect(platform.uuid()).not.toBe(platform.uuid());
  });
});
