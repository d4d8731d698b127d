import { describe, expect, it } from "vitest";
import { createBackoff } from "../../src/loader/backoff.js";

const sequence = (values: number[]) => {
  let i = 0;
  return () => values[i++ % values.length] ?? 0;
};

describe("createBackoff", () => {
  it("draws each delay between the initial delay and three times the previous one", () => {
    const backoff = createBackoff(() => 1, { initialMs: 100, maxMs: 100000 });
    expect([backoff.next(), backoff.next(), backoff.next(), backoff.next()]).toEqual([300, 900, 2700, 8100]);
  });

  it("never goes under the initial delay, even when random() gives 0", () => {
    const backoff = createBackoff(() => 0, { initialMs: 250, maxMs: 10000 });
    for (let i = 0; i < 20; i++) expect(backoff.next()).toBe(250);
  });

  it("is capped at maxMs", () => {
    const backoff = createBackoff(() => 0.999, { initialMs: 1000, maxMs: 300000 });
    const delays = Array.from({ length: 30 }, () => backoff.next());
    expect(Math.max(...delays)).toBeLessThanOrEqual(300000);
    expect(delays.at(-1)).toBeGreaterThan(290000);
  });

  it("spreads delays with jitter, so processes that failed together retry apart", () => {
    const a = createBackoff(sequence([0.1, 0.7, 0.3]), { initialMs: 1000 });
    const b = createBackoff(sequence([0.9, 0.2, 0.6]), { initialMs: 1000 });
    const first = [a.next(), a.next(), a.next()];
    const second = [b.next(), b.next(), b.next()];
    expect(first).not.toEqual(second);
    for (const ms of [...first, ...second]) expect(ms).toBeGreaterThanOrEqual(1000);
  });

  it("starts short again after reset, and counts failures", () => {
    const backoff = createBackoff(() => 1, { initialMs: 10, maxMs: 1000 });
    backoff.next();
    backoff.next();
    expect(backoff.failures).toBe(2);
    backoff.reset();
    expect(backoff.failures).toBe(0);
    expect(backoff.next()).toBe(30);
  });

  it("survives a random() that returns NaN or out-of-range values", () => {
    const backoff = createBackoff(sequence([Number.NaN, -5, 7]), { initialMs: 10, maxMs: 1000 });
    expect([backoff.next(), backoff.next(), backoff.next()]).toEqual([10, 10, 30]);
  });

  it("uses 1 s and 5 min by default", () => {
    const low = createBackoff(() => 0);
    expect(low.next()).toBe(1000);
    const high = createBackoff(() => 1);
    for (let i = 0; i < 10; i++) high.next();
    expect(high.next()).toBe(300000);
  });
});
