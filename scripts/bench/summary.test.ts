import { describe, expect, it } from "vitest";
import { DELIVERY_VARIANTS, type DeliveryVariantResult } from "./delivery/method.js";
import { type BenchRun, renderReport, SECTIONS } from "./report.js";
import type { ScenarioResult, Side, Timing } from "./results.js";
import { QUICK } from "./settings.js";
import { benchBlocks } from "./summary.js";

const timing = (hz: number, p99Us: number): Timing => ({ hz, p50: 1000 / hz, p99: p99Us / 1000, samples: 1000 });
const scenario = (id: string, ours: number, reference: number): ScenarioResult => ({
  id,
  title: `title of ${id}`,
  ours: timing(ours, 10),
  reference: timing(reference, 3000),
  sync: timing(ours * 1.1, 8),
});
const cpu: Record<(typeof DELIVERY_VARIANTS)[number], number> = { ours: 100, "ours-fetch": 400, reference: 2500, "floor-node": 80, "floor-fetch": 300 };
const variant = (name: (typeof DELIVERY_VARIANTS)[number]): DeliveryVariantResult => ({
  variant: name,
  calls: 1000,
  warmup: 200,
  cpuUsPerCall: cpu[name],
  userUsPerCall: cpu[name] * 0.9,
  systemUsPerCall: cpu[name] * 0.1,
  wallUsPerCall: cpu[name] * 1.5,
  dropped: 0,
  roundsCpuUsPerCall: [cpu[name]],
  owed: 1200,
  received: 1200,
  droppedTotal: 0,
});
const allocation = (engine: Side, scenario: string, bytesPerCall: number) => ({ engine, scenario, calls: 100, bytesPerCall });

/** A run with round figures, so that each derived figure is known. */
function run(): BenchRun {
  return {
    machine: { cpu: "Test CPU", cores: 2, memoryGiB: 8, node: "v20.0.0", platform: "linux x64" },
    settings: QUICK,
    scenarios: [
      scenario("1-ab-execute", 500000, 2500),
      scenario("2-targeted", 400000, 1000),
      scenario("3-pageload", 100000, 500),
      scenario("4-get-attributes", 300000, 1500),
    ],
    tail: [{ ids: "built-in", calls: 1024, p50: 0.003, p90: 0.004, p99: 0.02, p999: 0.04, firstAfterWait: 0.03 }],
    delivery: { node: "v20.0.0", rounds: 1, variants: DELIVERY_VARIANTS.map(variant) },
    sweep: {
      node: "v20.0.0",
      rows: [
        { id: "AB_SIMPLE › ab_execute", oursUs: 2, referenceUs: 500, ratio: 250 },
        { id: "MACROS › mbox_template", oursUs: 10, referenceUs: 700, ratio: 70 },
        { id: "TRACE › pageload_execute", oursUs: 100, referenceUs: 1000, ratio: 10 },
        { id: "real-world › traced page load", oursUs: 1000, referenceUs: 1500, ratio: 1.5 },
        { id: "GEO › refused", skipped: "the engine refuses it: no" },
      ],
    },
    loads: [
      { artifact: "large", engine: "ours", jsonBytes: 400000, loadMs: 15, heapBytes: 800000 },
      { artifact: "large", engine: "reference", jsonBytes: 400000, loadMs: 1, heapBytes: 280000 },
    ],
    scaling: { activities: 1000, smallHz: 600000, largeHz: 500000 },
    visitors: [
      { engine: "ours", visitors: 20000, before: 7e6, after: 6e6, bytesPerVisitor: -50, seconds: 1 },
      { engine: "reference", visitors: 300, before: 7e6, after: 7.06e6, bytesPerVisitor: 200, seconds: 1 },
    ],
    allocations: [
      { id: "1-ab-execute", ours: allocation("ours", "1-ab-execute", 4000), reference: allocation("reference", "1-ab-execute", 400000) },
      { id: "2-targeted", ours: allocation("ours", "2-targeted", 5000), reference: allocation("reference", "2-targeted", 1250000) },
    ],
  };
}

describe("the README's benchmark blocks", () => {
  const blocks = benchBlocks(renderReport(run()));

  it("take each scenario's figures from the report's first table", () => {
    const lines = (blocks["bench:summary"] ?? "").split("\n");
    expect(lines).toContain("| one mbox, execute, small A/B artifact, new visitor each call | 500,000 | 2,500 | 200x | 2.0 / 10.0 µs |");
    expect(lines).toContain("| page load + 5 mboxes + all views, 400 KB artifact | 100,000 | 500 | 200x | 10.0 / 10.0 µs |");
    expect(blocks["bench:decision-ratios"]).toBe("200x to 400x");
  });

  it("show the delivery row: both SDKs' CPU per call, their ratio and ours over the bare node:http floor", () => {
    expect(blocks["bench:summary"]).toContain("| CPU per call, until every notification is answered | 100.0 µs | 2,500.0 µs | 25.0x | 1.25x |");
    expect(blocks["bench:delivery-ratio"]).toBe("25.0x");
  });

  it("summarize the sweep: inputs measured, worst, median and worst macro ratios", () => {
    expect(blocks["bench:summary"]).toContain(
      "(4 measured): Adobe's engine's cost per call over ours is at worst 1.5x (real-world › traced page load), median 70x; with campaign macros at worst 70x (MACROS › mbox_template).",
    );
  });

  it("carry allocation, scaling, load and per-visitor figures", () => {
    const summary = blocks["bench:summary"];
    expect(summary).toContain("Adobe's SDK allocates 100x to 250x more than ours.");
    expect(summary).toContain("A decision on a synthetic artifact of 1,000 activities costs 1.20x what it costs on one of 10.");
    expect(summary).toContain("(400,000 bytes of JSON) leaves 2.00x its size on the heap (Adobe's engine 0.70x).");
    expect(summary).toContain("ours 0.0 bytes over 20,000 visitors, Adobe's 200.0 bytes over 300 visitors.");
    expect(summary).toContain("Measured on Test CPU × 2, 8 GiB, Node v20.0.0, linux x64");
  });

  it("fail, naming the scenario, when the report lacks one", () => {
    const report = renderReport({ ...run(), scenarios: run().scenarios.filter((s) => s.id !== "3-pageload") });
    expect(() => benchBlocks(report)).toThrow("no row for 3-pageload");
  });

  it("fail, naming the section, when the report lacks one", () => {
    const report = renderReport(run()).replace(`## ${SECTIONS.delivery}`, "## Something else");
    expect(() => benchBlocks(report)).toThrow(`no section "${SECTIONS.delivery}"`);
  });
});
