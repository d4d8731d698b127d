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
const bench = new Bench({ time: 1500, warmup: true });
bench.add("small", () => small.decide(request()));
bench.add("large", () => large.decide(request()));
await bench.run();
const [s, l] = bench.tasks.map((t) => t.result.throughput.mean);
console.log(JSON.stringify({ smallHz: s, largeHz: l }));
