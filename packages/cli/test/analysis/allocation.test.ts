import { allocationOf } from "@decisioning/engine";
import { describe, expect, it } from "vitest";
import { allocationValueOf, bucketOf, formatRange, rangeOf, splitConditionOf } from "../../src/analysis/allocation.js";

const a = { var: "allocation" };

describe("traffic splits", () => {
  it.each<[string, unknown, string]>([
    ["a lower split", { "<": [a, 50] }, "0.00–49.99 (50%)"],
    ["an upper split", { ">=": [a, 50] }, "50.00–99.99 (50%)"],
    ["a middle split", { and: [{ ">=": [a, 20] }, { "<": [a, 50] }] }, "20.00–49.99 (30%)"],
    ["Target's inclusive lower split", { and: [{ "<=": [0, a] }, { ">=": [50, a] }] }, "0.00–50.00 (50.01%)"],
    ["Target's exclusive-inclusive upper split", { and: [{ "<": [50, a] }, { ">=": [100, a] }] }, "50.01–99.99 (49.99%)"],
    ["a between with both ends excluded", { "<": [0, a, 34] }, "0.01–33.99 (33.99%)"],
    ["a bound that is not a whole cent", { "<": [a, 33.333] }, "0.00–33.33 (33.34%)"],
    ["an or of two ranges", { or: [{ "<": [a, 10] }, { ">=": [a, 90] }] }, "0.00–9.99, 90.00–99.99 (20%)"],
    ["a negation", { "!": [{ "<": [a, 90] }] }, "90.00–99.99 (10%)"],
    ["an impossible split", { and: [{ "<": [a, 10] }, { ">": [a, 20] }] }, "none (0%)"],
  ])("reads %s exactly", (_name, condition, text) => {
    const split = splitConditionOf({ and: [condition, { "==": [{ var: "mbox.x" }, "y"] }] });
    expect(split.buckets && formatRange(rangeOf(split.buckets))).toBe(text);
    expect(split.audience).toEqual([{ "==": [{ var: "mbox.x" }, "y"] }]);
  });

  it("finds no split in a condition that does not read the allocation, and drops conjuncts that always hold", () => {
    expect(splitConditionOf({ and: [true, { "==": [{ var: "page.path" }, "/"] }] })).toEqual({
      split: [],
      audience: [{ "==": [{ var: "page.path" }, "/"] }],
      buckets: undefined,
    });
  });

  it("enumerates exactly the allocations the engine gives visitors", () => {
    for (let n = 0; n < 5000; n++) {
      const value = allocationOf("acme", 1001, `visitor-${n}`);
      const bucket = bucketOf(value);
      expect(bucket, `${value}`).toBeDefined();
      expect(allocationValueOf(bucket as number)).toBe(value);
    }
    expect(bucketOf(100)).toBeUndefined();
    expect(bucketOf(12.345)).toBeUndefined();
  });
});
