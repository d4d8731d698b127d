// Child process: our sync decision rate on a small artifact vs the 10,000-activity one.
import { Bench } from "tinybench";
import { ourDecider } from "./engines.mjs";
import { syntheticArtifact } from "./synthetic.mjs";
import { CHROME_MAC, freshVisitor } from "./scenarios.mjs";

const request = () => ({
  requestId: "bench",
  id: { tntId: freshVisitor() },
  context: { channel: "web", address: { url: "https://www.adobe.com/x" }, userAgent: CHROME_MAC },
  execute: { mboxes: [{ name: "mbox-7", index: 1 }] },
});
const small = await ourDecider(syntheticArtifact(10), "synthetic");
const large = await ourDecider(syntheticArtifact(10000), "synthetic");
// Two alternating rounds, best of each: the first task of a run otherwise pays for the
// collection of the large artifact's parse garbage and for JIT warm-up.
const best = { small: 0, large: 0 };
for (let round = 0; round < 2; round++) {
  const bench = new Bench({ time: 1000, warmup: true });
  bench.add("small", () => small.decide(request()));
  bench.add("large", () => large.decide(request()));
  await bench.run();
  for (const task of bench.tasks) best[task.name] = Math.max(best[task.name], task.result.throughput.mean);
}
console.log(JSON.stringify({ smallHz: best.small, largeHz: best.large }));
