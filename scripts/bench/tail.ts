/**
 * Where scenario 4's slow calls come from: our client's getAttributes timed call by call, in
 * batches with the same untimed wait for notifications between batches as the bench.
 *
 * Usage: node --import ./scripts/lib/ts.mjs scripts/bench/tail.ts [--calls N] [--ids built-in|timed|premade] [--json]
 *   --ids timed    time each id drawn in a call (the timing adds a little to every call)
 *   --ids premade  hand the client ids drawn before the run, so no call draws the next batch
 *   --json         print the percentiles as one JSON line (built-in and premade ids only)
 */
import { parseArgs } from "node:util";
import type { Artifact } from "../../packages/engine/dist/index.js";
import { randomId } from "../../packages/engine/dist/lean.js";
import { printResult } from "./child.js";
import { SETTLE_EVERY as BATCH, ourClient } from "./engines.js";
import type { TailResult } from "./results.js";
import { attributesScenario, readJson } from "./scenarios.js";

const { values: args } = parseArgs({
  options: { calls: { type: "string", default: "102400" }, ids: { type: "string", default: "built-in" }, json: { type: "boolean", default: false } },
});
const ids = args.ids;
if (ids !== "built-in" && ids !== "timed" && ids !== "premade") throw new Error("--ids must be built-in, timed or premade");
if (args.json && ids === "timed") throw new Error("--json reports built-in or premade ids");
const calls = Math.max(BATCH * 8, Math.ceil(Number(args.calls) / BATCH) * BATCH);

/** How long each id drawn inside a timed call took (the slow ones draw the next batch of random bytes). */
const idTimes: number[] = [];
let inCall = false;
let idsOutside = 0;
const timedId = (): string => {
  if (!inCall) {
    idsOutside += 1;
    return randomId();
  }
  const started = performance.now();
  const id = randomId();
  idTimes.push(performance.now() - started);
  return id;
};
const premade = (): (() => string) => {
  const pool = Array.from({ length: calls * 8 }, () => randomId());
  let next = 0;
  return () => pool[next++ % pool.length] as string;
};

const scenario = attributesScenario();
const uuid = ids === "premade" ? premade() : ids === "timed" ? timedId : undefined;
const bench = await ourClient(readJson<Artifact>(scenario.artifactPath), scenario.client, uuid ? { platform: { uuid } } : {});
const { mbox, key } = scenario.read;
const latency = new Float64Array(calls);
for (let i = 0; i < calls; i++) {
  const options = scenario.options();
  inCall = true;
  const started = performance.now();
  (await bench.getAttributes(scenario.mboxes, options)).getValue(mbox, key);
  latency[i] = performance.now() - started;
  inCall = false;
  if ((i + 1) % BATCH === 0) await bench.settled();
}
await bench.close();

// The first half warms up; the second half is reported.
const measured = latency.slice(calls / 2);
const sorted = Float64Array.from(measured).sort();
const at = (q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number;
const median = (list: ArrayLike<number>): number => Float64Array.from(list).sort()[list.length >> 1] as number;
const firsts: number[] = [];
for (let i = calls / 2; i < calls; i += BATCH) firsts.push(latency[i] as number);
const µs = (ms: number): string => `${(ms * 1000).toFixed(1)} µs`;

if (args.json && ids !== "timed") {
  printResult({ ids, calls: measured.length, p50: at(0.5), p90: at(0.9), p99: at(0.99), p999: at(0.999), firstAfterWait: median(firsts) } satisfies TailResult);
} else {
  console.log(`${measured.length} calls: p50 ${µs(at(0.5))}, p90 ${µs(at(0.9))}, p99 ${µs(at(0.99))}, p99.9 ${µs(at(0.999))}`);
  console.log(`first call after each wait for notifications: median ${µs(median(firsts))}`);
  if (ids === "timed") {
    const slow = idTimes.slice(idTimes.length >> 1).filter((ms) => ms > 0.001);
    const perCall = idTimes.length / calls;
    const sent = (idsOutside / calls).toFixed(1);
    console.log(
      `ids drawn per call: ${perCall.toFixed(1)} in the call, ${sent} more when its notification is sent; a draw of the next 256 ids: median ${µs(median(slow))} (${slow.length} draws timed)`,
    );
  }
}
process.exit(0);
