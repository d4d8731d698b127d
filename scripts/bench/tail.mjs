// Where scenario 4's slow calls come from: our client's getAttributes timed call by call, in
// batches with the same untimed wait for notifications between batches as the bench.
// Usage: node scripts/bench/tail.mjs [--calls N] [--ids built-in|timed|premade]
//   --ids timed    time each id drawn in a call (the timing adds ~0.3 µs to every call)
//   --ids premade  hand the client ids drawn before the run, so no call draws the next batch
import { parseArgs } from "node:util";
import { ourClient, SETTLE_EVERY as BATCH } from "./engines.mjs";
import { attributesScenario, readJson } from "./scenarios.mjs";

const { values: args } = parseArgs({ options: { calls: { type: "string", default: "102400" }, ids: { type: "string", default: "built-in" } } });
if (!["built-in", "timed", "premade"].includes(args.ids)) throw new Error("--ids must be built-in, timed or premade");
const calls = Math.max(BATCH * 8, Math.ceil(Number(args.calls) / BATCH) * BATCH);

const { randomId } = await import("../../packages/engine/dist/lean.js");
/** How long each id drawn inside a timed call took (the slow ones draw the next batch of random bytes). */
const idTimes = [];
let inCall = false;
let idsOutside = 0;
const timedId = () => {
  if (!inCall) {
    idsOutside += 1;
    return randomId();
  }
  const started = performance.now();
  const id = randomId();
  idTimes.push(performance.now() - started);
  return id;
};
let premade;
if (args.ids === "premade") {
  const pool = Array.from({ length: calls * 8 }, () => randomId());
  let next = 0;
  premade = () => pool[next++ % pool.length];
}

const scenario = attributesScenario();
const bench = await ourClient(readJson(scenario.artifactPath), scenario.client, args.ids === "built-in" ? {} : { platform: { uuid: premade ?? timedId } });
const [mbox, key] = scenario.read;
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
const at = (q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
const µs = (ms) => `${(ms * 1000).toFixed(1)} µs`;
const median = (list) => Float64Array.from(list).sort()[list.length >> 1];
console.log(`${measured.length} calls: p50 ${µs(at(0.5))}, p90 ${µs(at(0.9))}, p99 ${µs(at(0.99))}, p99.9 ${µs(at(0.999))}`);
const firsts = [];
for (let i = calls / 2; i < calls; i += BATCH) firsts.push(latency[i]);
console.log(`first call after each wait for notifications: median ${µs(median(firsts))}`);
if (args.ids === "timed") {
  const slow = idTimes.slice(idTimes.length >> 1).filter((ms) => ms > 0.001);
  const perCall = idTimes.length / calls;
  const sent = (idsOutside / calls).toFixed(1);
  console.log(`ids drawn per call: ${perCall.toFixed(1)} in the call, ${sent} more when its notification is sent; a draw of the next 256 ids: median ${µs(median(slow))} (${slow.length} draws timed)`);
}
