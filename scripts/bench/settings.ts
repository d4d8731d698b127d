// How much the benchmark measures: the full run that writes docs/benchmarks.md, and a quick
// smoke run (a test runs it end to end) with the same parts, shorter and smaller.
import type { DeliveryPlan } from "./delivery/run.js";

/** Every amount the benchmark's parts are run with. */
export interface BenchSettings {
  quick: boolean;
  /** ms per timed task in scenarios 1 to 4. */
  time: number;
  /** Activities in the large synthetic artifact (load and scaling). */
  syntheticActivities: number;
  /** ms per task in the scaling probe. */
  scalingTime: number;
  /** Distinct visitors decided per engine. */
  visitors: { ours: number; reference: number };
  /** Warm-up and measured calls per engine in the allocation probe. */
  allocation: { ours: { warmup: number; calls: number }; reference: { warmup: number; calls: number } };
  /** Calls timed one by one in scenario 4's tail probe. */
  tailCalls: number;
  delivery: DeliveryPlan;
  /** ms of timed calls per engine and input in the cost sweep (quick: a few short batches). */
  sweepTime: number;
}

/** The full run. */
export const FULL: BenchSettings = {
  quick: false,
  time: 2000,
  syntheticActivities: 10000,
  scalingTime: 1000,
  visitors: { ours: 1_000_000, reference: 20_000 },
  allocation: { ours: { warmup: 20000, calls: 4000 }, reference: { warmup: 1000, calls: 100 } },
  tailCalls: 102400,
  delivery: { calls: 20000, referenceCalls: 2000, rounds: 3 },
  sweepTime: 150,
};

/** The smoke run: every part and every table, none of the figures worth comparing. */
export const QUICK: BenchSettings = {
  quick: true,
  time: 100,
  syntheticActivities: 1000,
  scalingTime: 100,
  visitors: { ours: 20000, reference: 300 },
  allocation: { ours: { warmup: 2000, calls: 1000 }, reference: { warmup: 50, calls: 20 } },
  tailCalls: 2048,
  delivery: { calls: 300, referenceCalls: 60, rounds: 1 },
  sweepTime: 5,
};
