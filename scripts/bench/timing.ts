// One tinybench task, reduced to the figures the report shows.
import { Bench, type Fn, type FnOptions } from "tinybench";
import type { Timing } from "./results.js";

/** Time `call` for `time` ms after a warm-up, one awaited call at a time. */
export async function measure(name: string, call: Fn, time: number, hooks: FnOptions = {}): Promise<Timing> {
  const bench = new Bench({ time, warmup: true, warmupTime: Math.min(300, time) });
  bench.add(name, call, hooks);
  await bench.run();
  const result = bench.tasks[0]?.result;
  if (result?.state !== "completed") throw new Error(`${name}: ${result && "error" in result ? String(result.error) : "did not complete"}`);
  // Operations per second as the median over calls (one over the median latency): the targets
  // are set in medians, and a mean of per-call rates leans towards the fastest calls.
  return { hz: result.throughput.p50, p50: result.latency.p50, p99: result.latency.p99, samples: result.latency.samplesCount };
}
