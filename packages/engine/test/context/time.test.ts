import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { timeContextOf } from "../../src/context/time.js";

/** The reference's createTimingContext, with the clock passed in instead of read. */
function reference(nowMs: number): { current_timestamp: number; current_time: string; current_day: number } {
  const now = new Date(nowMs);
  const twoDigitString = (value: number) => (value < 10 ? `0${value}` : String(value));
  const currentDay = now.getUTCDay();
  return {
    current_timestamp: now.getTime(),
    current_time: `${twoDigitString(now.getUTCHours())}${twoDigitString(now.getUTCMinutes())}`,
    current_day: currentDay === 0 ? 7 : currentDay,
  };
}

describe("timeContextOf", () => {
  it.each([
    ["the epoch, a Thursday", 0, "0000", 4],
    ["a Tuesday evening", Date.UTC(2023, 10, 14, 22, 13, 20), "2213", 2],
    ["Monday just after midnight", Date.UTC(2024, 0, 1, 0, 1), "0001", 1],
    ["Sunday just before midnight", Date.UTC(2024, 0, 7, 23, 59, 59, 999), "2359", 7],
    ["Saturday noon", Date.UTC(2024, 2, 2, 12, 0), "1200", 6],
    ["before the epoch, a Wednesday", -1, "2359", 3],
    ["far past", Date.UTC(1600, 0, 1, 9, 5), "0905", 6],
    ["far future", Date.UTC(9999, 11, 31, 23, 59), "2359", 5],
  ])("%s", (_name, nowMs, currentTime, currentDay) => {
    expect(timeContextOf(nowMs)).toEqual({ current_timestamp: nowMs, current_time: currentTime, current_day: currentDay });
    expect(timeContextOf(nowMs)).toEqual(reference(nowMs));
  });

  it("truncates fractional milliseconds like a Date, -0 included", () => {
    expect(timeContextOf(-0.5)).toEqual(reference(-0.5));
    expect(Object.is(timeContextOf(-0.5).current_timestamp, 0)).toBe(true);
    expect(timeContextOf(1.9).current_timestamp).toBe(1);
  });

  it("equals the reference for any valid time value", () => {
    fc.assert(
      fc.property(fc.oneof(fc.integer({ min: -8.64e15, max: 8.64e15 }), fc.double({ min: -8.64e15, max: 8.64e15, noNaN: true })), (nowMs) => {
        expect(timeContextOf(nowMs)).toEqual(reference(nowMs));
      }),
      { numRuns: 20_000 },
    );
  });

  it.each([Number.NaN, Infinity, -Infinity, 8.64e15 + 1])("rejects %s, which is no valid clock reading", (nowMs) => {
    expect(() => timeContextOf(nowMs)).toThrow(RangeError);
  });
});
