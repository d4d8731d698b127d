/**
 * Time and retained heap of loading one artifact into one engine.
 *
 * Usage: node --import ./scripts/lib/ts.mjs --expose-gc scripts/bench/load.ts <ours|reference> <large|synthetic> [--activities N]
 */
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import type { Artifact } from "../../packages/engine/dist/index.js";
import { collectGarbage, printResult } from "./child.js";
import { type BenchEngine, ourEngine, referenceEngine } from "./engines.js";
import type { LoadResult } from "./results.js";
import { largeArtifactPath } from "./scenarios.js";
import { SYNTHETIC_ACTIVITIES, syntheticArtifact } from "./synthetic.js";

const { values, positionals } = parseArgs({ allowPositionals: true, options: { activities: { type: "string", default: String(SYNTHETIC_ACTIVITIES) } } });
const [engine, artifact] = positionals;
if ((engine !== "ours" && engine !== "reference") || (artifact !== "large" && artifact !== "synthetic")) {
  throw new Error("usage: load.ts <ours|reference> <large|synthetic> [--activities N]");
}
const text = artifact === "synthetic" ? JSON.stringify(syntheticArtifact(Number(values.activities))) : readFileSync(largeArtifactPath(), "utf8");
const factory = engine === "ours" ? ourEngine : referenceEngine;
// Load the same artifact once and let it go, so that code compiled on first use is not
// counted as heap the artifact holds; then measure a second, independent load.
const warm = await factory(JSON.parse(text) as Artifact, "warm");
await warm.close();
collectGarbage();
const before = process.memoryUsage().heapUsed;
const started = performance.now();
const loaded: BenchEngine = await factory(JSON.parse(text) as Artifact, "bench");
const loadMs = performance.now() - started;
collectGarbage();
const heapBytes = process.memoryUsage().heapUsed - before;
printResult({ artifact, engine, jsonBytes: Buffer.byteLength(text), loadMs, heapBytes } satisfies LoadResult);
// Held until the heap is read: the measure is what the loaded engine retains.
await loaded.close();
process.exit(0);
