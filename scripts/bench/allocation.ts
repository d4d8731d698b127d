/**
 * Bytes allocated per call, for one SDK and one scenario. Allocation volume repeats from run to
 * run far better than time on a shared machine, and young-generation collections cost in
 * proportion to it.
 *
 * Usage: node --import ./scripts/lib/ts.mjs --expose-gc --min-semi-space-size=256 --max-semi-space-size=256 \
 *   scripts/bench/allocation.ts <ours|reference> <scenario id> [--warmup N] [--calls N]
 * (defaults: ours 20,000 warm-up calls then 4,000 measured; reference 1,000 then 100)
 */
import { PerformanceObserver } from "node:perf_hooks";
import { parseArgs } from "node:util";
import type { Artifact, DeliveryRequest } from "../../packages/engine/dist/index.js";
import { collectGarbage, printResult } from "./child.js";
import { ourClient, ourEngine, referenceClient, referenceEngine, SETTLE_EVERY } from "./engines.js";
import type { AllocationResult, Side } from "./results.js";
import { ATTRIBUTES_ID, attributesScenario, readJson, scenarioById } from "./scenarios.js";

const { values, positionals } = parseArgs({ allowPositionals: true, options: { warmup: { type: "string" }, calls: { type: "string" } } });
const [which, id] = positionals;
if ((which !== "ours" && which !== "reference") || !id) throw new Error("usage: allocation.ts <ours|reference> <scenario id> [--warmup N] [--calls N]");
const side: Side = which;
// Enough calls first for V8 to finish optimizing (the reference, 100 times slower, gets fewer).
const warmup = Number(values.warmup ?? (side === "ours" ? 20000 : 1000));
// Few enough calls that neither SDK fills the young generation (no collection is allowed in
// the measured part), and below our notification queue's bound, so every call queues its payload.
const calls = Number(values.calls ?? (side === "ours" ? 4000 : 100));

/** One call of the scenario on a prepared input, and how to finish. */
interface Subject {
  input(): unknown;
  call(input: unknown): Promise<unknown>;
  close(): Promise<void>;
}

async function attributesSubject(): Promise<Subject> {
  const scenario = attributesScenario();
  const client = await (side === "ours" ? ourClient : referenceClient)(readJson<Artifact>(scenario.artifactPath), scenario.client);
  const { mbox, key } = scenario.read;
  const subject: Subject = {
    input: () => scenario.options(),
    call: async (options) => (await client.getAttributes(scenario.mboxes, options as { request: DeliveryRequest })).getValue(mbox, key),
    close: async () => {
      await client.settled();
      await client.close();
    },
  };
  // Settle now and then while warming up, so that the measured calls start with an empty queue.
  for (let i = 0; i < warmup; i++) {
    await subject.call(subject.input());
    if (i % SETTLE_EVERY === SETTLE_EVERY - 1) await client.settled();
  }
  await client.settled();
  return subject;
}

async function engineSubject(): Promise<Subject> {
  const scenario = scenarioById(id as string);
  const engine = await (side === "ours" ? ourEngine : referenceEngine)(readJson<Artifact>(scenario.artifactPath), scenario.client);
  const subject: Subject = { input: () => scenario.request(), call: async (request) => engine.decide(request as DeliveryRequest), close: () => engine.close() };
  for (let i = 0; i < warmup; i++) await subject.call(subject.input());
  return subject;
}

const subject = id === ATTRIBUTES_ID ? await attributesSubject() : await engineSubject();
const inputs = Array.from({ length: calls }, () => subject.input());
let collections = 0;
const observer = new PerformanceObserver((list) => {
  collections += list.getEntries().length;
});
observer.observe({ entryTypes: ["gc"] });
collectGarbage();
// The forced collection's own entry arrives later: let it, then start counting.
await new Promise((resolve) => setTimeout(resolve, 20));
collections = 0;
const before = process.memoryUsage().heapUsed;
for (const input of inputs) await subject.call(input);
const after = process.memoryUsage().heapUsed;
// GC entries are delivered asynchronously: give them a turn before reading the count.
await new Promise((resolve) => setTimeout(resolve, 20));
observer.disconnect();
if (collections > 0) throw new Error(`${side} ${id}: ${collections} collection(s) during the measured calls; raise the semi-space size`);
await subject.close();
printResult({ engine: side, scenario: id, calls, bytesPerCall: (after - before) / calls } satisfies AllocationResult);
process.exit(0);
