// Child process: time and retained heap of loading one artifact into one engine.
// Usage: node --expose-gc load.mjs <ours|reference> <large|synthetic>
import { ourEngine, referenceEngine } from "./engines.mjs";
import { conformancePath } from "./scenarios.mjs";
import { syntheticArtifact } from "./synthetic.mjs";
import { readFileSync } from "node:fs";

const [engineName, which] = process.argv.slice(2);
const text = which === "synthetic" ? JSON.stringify(syntheticArtifact(10000)) : readFileSync(conformancePath("real-world/artifact-large.json"), "utf8");
const factory = engineName === "ours" ? ourEngine : referenceEngine;
// Load the same artifact once and let it go, so that code compiled on first use is not
// counted as heap the artifact holds; then measure a second, independent load.
const warm = await factory(JSON.parse(text), "warm");
await warm.close();
globalThis.gc();
const before = process.memoryUsage().heapUsed;
const started = performance.now();
const engine = await factory(JSON.parse(text), "bench");
const loadMs = performance.now() - started;
globalThis.gc();
const heapBytes = process.memoryUsage().heapUsed - before;
globalThis.keep = engine;
console.log(JSON.stringify({ jsonBytes: Buffer.byteLength(text), loadMs, heapBytes }));
