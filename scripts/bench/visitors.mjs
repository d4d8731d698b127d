// Child process: heap before and after N decisions for N distinct visitors (default 1,000,000),
// to show that the engine keeps no per-visitor state. Usage: node --expose-gc visitors.mjs [N] [ours|reference]
import { ourDecider, referenceEngine } from "./engines.mjs";
import { readJson, scenarios } from "./scenarios.mjs";

const count = Number(process.argv[2] ?? 1_000_000);
const which = process.argv[3] ?? "ours";
const scenario = scenarios().find((s) => s.id === "2-targeted");
const engine = await (which === "ours" ? ourDecider : referenceEngine)(readJson(scenario.artifactPath), scenario.client);
const heap = () => {
  globalThis.gc();
  return process.memoryUsage().heapUsed;
};
// Warm up code and caches (URL, user agent) first, so only per-visitor growth remains.
for (let i = 0; i < 10_000; i++) await engine.decide(scenario.request());
await new Promise((resolve) => setTimeout(resolve, 50));
const before = heap();
const started = performance.now();
for (let i = 0; i < count; i++) {
  await engine.decide(scenario.request());
  // Let notification timers run now and then, as a server's event loop would.
  if (i % 10_000 === 9_999) await new Promise((resolve) => setImmediate(resolve));
}
const seconds = (performance.now() - started) / 1000;
await new Promise((resolve) => setTimeout(resolve, 50));
const after = heap();
console.log(JSON.stringify({ engine: which, visitors: count, before, after, growthBytes: after - before, bytesPerVisitor: (after - before) / count, seconds }));
