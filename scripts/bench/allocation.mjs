// Child process: bytes allocated per call, for one SDK and one scenario. Allocation volume
// repeats from run to run far better than time on a shared machine (within about 5%; 15% for
// the page load, as V8 optimizes more or less away), and young-generation collections cost in
// proportion to it.
// Usage: node --expose-gc --min-semi-space-size=256 --max-semi-space-size=256 allocation.mjs <ours|reference> <scenario id>
import { PerformanceObserver } from "node:perf_hooks";
import { ourClient, ourEngine, referenceClient, referenceEngine, SETTLE_EVERY } from "./engines.mjs";
import { attributesScenario, readJson, scenarios } from "./scenarios.mjs";

const [which, id] = process.argv.slice(2);
const attributes = id === "4-get-attributes";
const scenario = attributes ? attributesScenario() : scenarios().find((s) => s.id === id);
if (!scenario || (which !== "ours" && which !== "reference")) throw new Error("usage: allocation.mjs <ours|reference> <scenario id>");
const artifact = readJson(scenario.artifactPath);
// Enough calls first for V8 to finish optimizing (the reference, 100 times slower, gets fewer).
const warmup = which === "ours" ? 20000 : 1000;

let call;
let close;
if (attributes) {
  const client = await (which === "ours" ? ourClient : referenceClient)(artifact, scenario.client);
  const [mbox, key] = scenario.read;
  call = async (options) => (await client.getAttributes(scenario.mboxes, options)).getValue(mbox, key);
  close = async () => {
    await client.settled();
    await client.close();
  };
  // Settle now and then while warming up, so that the measured calls start with an empty queue.
  for (let i = 0; i < warmup; i++) {
    await call(scenario.options());
    if (i % SETTLE_EVERY === SETTLE_EVERY - 1) await client.settled();
  }
  await client.settled();
} else {
  const engine = await (which === "ours" ? ourEngine : referenceEngine)(artifact, scenario.client);
  call = (request) => engine.decide(request);
  close = () => engine.close();
  for (let i = 0; i < warmup; i++) await call(scenario.request());
}

// Few enough calls that neither SDK fills the young generation (no collection is allowed in
// the measured part), and below our notification queue's bound, so every call queues its payload.
const calls = which === "ours" ? 4000 : 100;
const inputs = Array.from({ length: calls }, () => (attributes ? scenario.options() : scenario.request()));
let collections = 0;
const observer = new PerformanceObserver((list) => (collections += list.getEntries().length));
observer.observe({ entryTypes: ["gc"] });
globalThis.gc();
// The forced collection's own entry arrives later: let it, then start counting.
await new Promise((resolve) => setTimeout(resolve, 20));
collections = 0;
const before = process.memoryUsage().heapUsed;
for (let i = 0; i < calls; i++) await call(inputs[i]);
const after = process.memoryUsage().heapUsed;
// GC entries are delivered asynchronously: give them a turn before reading the count.
await new Promise((resolve) => setTimeout(resolve, 20));
observer.disconnect();
if (collections > 0) throw new Error(`${which} ${id}: ${collections} collection(s) during the measured calls; raise the semi-space size`);
await close();
console.log(JSON.stringify({ engine: which, scenario: id, calls, bytesPerCall: (after - before) / calls }));
process.exit(0);
