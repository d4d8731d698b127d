/**
 * Heap before and after N decisions for N distinct visitors (default 1,000,000), to show that
 * the engine keeps no per-visitor state.
 *
 * Usage: node --import ./scripts/lib/ts.mjs --expose-gc scripts/bench/visitors.ts [N] [ours|reference]
 */
import type { Artifact } from "../../packages/engine/dist/index.js";
import { collectGarbage, printResult } from "./child.js";
import { ourDecider, referenceEngine } from "./engines.js";
import type { VisitorsResult } from "./results.js";
import { readJson, scenarioById } from "./scenarios.js";

const count = Number(process.argv[2] ?? 1_000_000);
const engine = process.argv[3] ?? "ours";
if (engine !== "ours" && engine !== "reference") throw new Error("usage: visitors.ts [N] [ours|reference]");
const scenario = scenarioById("2-targeted");
const decider = await (engine === "ours" ? ourDecider : referenceEngine)(readJson<Artifact>(scenario.artifactPath), scenario.client);
const heap = (): number => {
  collectGarbage();
  return process.memoryUsage().heapUsed;
};
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
// Warm up code and caches (URL, user agent) first, so only per-visitor growth remains.
for (let i = 0; i < Math.min(10_000, count); i++) await decider.decide(scenario.request());
await pause(50);
const before = heap();
const started = performance.now();
for (let i = 0; i < count; i++) {
  await decider.decide(scenario.request());
  // Let notification timers run now and then, as a server's event loop would.
  if (i % 10_000 === 9_999) await new Promise((resolve) => setImmediate(resolve));
}
const seconds = (performance.now() - started) / 1000;
await pause(50);
const after = heap();
printResult({ engine, visitors: count, before, after, bytesPerVisitor: (after - before) / count, seconds } satisfies VisitorsResult);
