/** The hardening kit's stopwatch: one stall of the machine must not fail a property; a hang must. */
import { describe, expect, it } from "vitest";
import { timed, timedAsync } from "./hostile.js";

function busyFor(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    // Spin: a stall that blocks the thread, as a hang or a stopped VM does.
  }
}

describe("the hardening stopwatch", () => {
  type Stopwatch = (work: () => number, bound: number) => { value?: number; ms: number } | Promise<{ value?: number; ms: number }>;
  it.each<[string, Stopwatch]>([
    ["timed", (work, bound) => timed(work, bound)],
    ["timedAsync", (work, bound) => timedAsync(async () => work(), bound)],
  ])("%s counts the faster run when only the first run overran the bound", async (_, stopwatch) => {
    let runs = 0;
    const outcome = await stopwatch(() => {
      runs += 1;
      if (runs === 1) busyFor(60);
      return runs;
    }, 30);
    expect(runs).toBe(2);
    expect(outcome.value).toBe(2);
    expect(outcome.ms).toBeLessThan(30);
  });

  it("reports an overrun when every run overruns the bound", () => {
    let runs = 0;
    const outcome = timed(() => {
      runs += 1;
      busyFor(40);
    }, 30);
    expect(runs).toBe(2);
    expect(outcome.ms).toBeGreaterThanOrEqual(30);
  });

  it("runs work within the bound once", () => {
    let runs = 0;
    const outcome = timed(() => (runs += 1), 1000);
    expect(runs).toBe(1);
    expect(outcome.value).toBe(1);
  });

  it("keeps the error of the run that counts", () => {
    const outcome = timed(() => {
      throw new RangeError("refused");
    });
    expect(outcome.error).toBeInstanceOf(RangeError);
  });
});
