/**
 * The whole benchmark, ours against Adobe's SDK, in one run: scenarios 1 to 4, scenario 4 call
 * by call, notifications delivered over HTTP, the cost sweep, artifact loads, scaling, heap
 * per visitor and allocation. Every part runs in a fresh process (or several); this process
 * only starts them and writes the report.
 *
 * Usage: node --import ./scripts/lib/ts.mjs scripts/bench/bench.ts [--markdown docs/benchmarks.md] [--quick] [--time ms] [--one-process]
 *   --markdown     write the report there (`pnpm bench` writes docs/benchmarks.md, then the README's figures)
 *   --quick        a smoke run: every part and every table, in well under a minute
 *   --time         ms per timed task in scenarios 1 to 4 (2000; quick 100)
 *   --one-process  run scenarios 1 to 4 in this process instead of one each (later scenarios run slower)
 */
import { writeFileSync } from "node:fs";
import * as os from "node:os";
import { parseArgs } from "node:util";
import { probe } from "./child.js";
import { measureDelivery } from "./delivery/run.js";
import { type BenchRun, renderReport } from "./report.js";
import type { AllocationResult, LoadResult, ScalingResult, ScenarioResult, Side, SweepResult, TailResult, VisitorsResult } from "./results.js";
import { runScenario } from "./scenario.js";
import { ATTRIBUTES_ID, scenarios } from "./scenarios.js";
import { type BenchSettings, FULL, QUICK } from "./settings.js";

const { values } = parseArgs({
  options: {
    markdown: { type: "string" },
    quick: { type: "boolean", default: false },
    time: { type: "string" },
    "one-process": { type: "boolean", default: false },
  },
});
const base = values.quick ? QUICK : FULL;
const settings: BenchSettings = { ...base, time: values.time === undefined ? base.time : Number(values.time) };
const sides: readonly Side[] = ["ours", "reference"];
const step = (what: string) => console.error(`\n== ${what}`);

step("scenarios 1 to 4");
const scenarioIds = [...scenarios().map((s) => s.id), ATTRIBUTES_ID];
const scenarioResults: ScenarioResult[] = [];
for (const id of scenarioIds) {
  scenarioResults.push(
    values["one-process"] ? await runScenario(id, settings.time) : probe<ScenarioResult>("scenario.ts", [id, "--time", String(settings.time)]),
  );
}

step("scenario 4 call by call");
const tail = (["built-in", "premade"] as const).map((ids) => probe<TailResult>("tail.ts", ["--calls", String(settings.tailCalls), "--ids", ids, "--json"]));

step("notifications delivered over HTTP");
const delivery = await measureDelivery(settings.delivery);

step("cost sweep");
const sweep = probe<SweepResult>("sweep.ts", settings.quick ? ["--quick"] : ["--time", String(settings.sweepTime)]);

step("artifact loads, scaling, visitors");
const loads = (["large", "synthetic"] as const).flatMap((artifact) =>
  sides.map((engine) => probe<LoadResult>("load.ts", [engine, artifact, "--activities", String(settings.syntheticActivities)])),
);
const scaling = probe<ScalingResult>("scaling.ts", ["--activities", String(settings.syntheticActivities), "--time", String(settings.scalingTime)]);
const visitors = sides.map((engine) => probe<VisitorsResult>("visitors.ts", [String(settings.visitors[engine]), engine]));

step("allocation");
// A young generation big enough that no collection interrupts the measured calls.
const allocationFlags = ["--min-semi-space-size=256", "--max-semi-space-size=256"];
const allocation = (engine: Side, id: string) => {
  const { warmup, calls } = settings.allocation[engine];
  return probe<AllocationResult>("allocation.ts", [engine, id, "--warmup", String(warmup), "--calls", String(calls)], allocationFlags);
};
const allocations = scenarioIds.map((id) => ({ id, ours: allocation("ours", id), reference: allocation("reference", id) }));

const cpus = os.cpus();
const run: BenchRun = {
  machine: {
    cpu: cpus[0]?.model.trim() ?? "unknown",
    cores: cpus.length,
    memoryGiB: os.totalmem() / 2 ** 30,
    node: process.version,
    platform: `${os.platform()} ${os.arch()}`,
  },
  settings,
  scenarios: scenarioResults,
  tail,
  delivery,
  sweep,
  loads,
  scaling,
  visitors,
  allocations,
};
const report = renderReport(run);
if (values.markdown) {
  writeFileSync(values.markdown, report);
  console.error(`wrote ${values.markdown}`);
} else {
  console.log(report);
}
process.exit(0);
