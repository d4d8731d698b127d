/**
 * Our synchronous decision rate on a 10-activity artifact against one of many activities (one
 * requested mbox each time): decision cost follows the requested names, not the artifact's size.
 *
 * Usage: node --import ./scripts/lib/ts.mjs scripts/bench/scaling.ts [--activities 10000] [--time 1000]
 */
import { parseArgs } from "node:util";
import { Bench } from "tinybench";
import type { DeliveryRequest } from "../../packages/engine/dist/index.js";
import { printResult } from "./child.js";
import { ourDecider } from "./engines.js";
import type { ScalingResult } from "./results.js";
import { CHROME_MAC, freshVisitor } from "./scenarios.js";
import { SYNTHETIC_ACTIVITIES, syntheticArtifact } from "./synthetic.js";

const { values } = parseArgs({ options: { activities: { type: "string", default: String(SYNTHETIC_ACTIVITIES) }, time: { type: "string", default: "1000" } } });
const activities = Number(values.activities);
const request = (): DeliveryRequest => ({
  requestId: "bench",
  id: { tntId: freshVisitor() },
  context: { channel: "web", address: { url: "https://www.adobe.com/x" }, userAgent: CHROME_MAC },
  execute: { mboxes: [{ name: "mbox-7", index: 1 }] },
});
const small = await ourDecider(syntheticArtifact(10), "synthetic");
const large = await ourDecider(syntheticArtifact(activities), "synthetic");
// Two alternating rounds, best of each: the first task of a run otherwise pays for the
// collection of the large artifact's parse garbage and for JIT warm-up.
const best = { small: 0, large: 0 };
for (let round = 0; round < 2; round++) {
  const bench = new Bench({ time: Number(values.time), warmup: true });
  bench.add("small", () => small.decide(request()));
  bench.add("large", () => large.decide(request()));
  await bench.run();
  for (const task of bench.tasks) {
    if (task.result.state !== "completed") throw new Error(`scaling ${task.name}: ${task.result.state}`);
    const name = task.name as keyof typeof best;
    best[name] = Math.max(best[name], task.result.throughput.mean);
  }
}
printResult({ activities, smallHz: best.small, largeHz: best.large } satisfies ScalingResult);
