import { describe, expect, it } from "vitest";
import * as engine from "@decisioning/engine";
import { formatSummary, runDifferential } from "./compare.js";
import { loadArtifacts } from "./generate.js";

const artifacts = loadArtifacts();
// Enough seeds to reach every artifact, mode and context builder many times, within ~10 s.
const SEEDS = 1200;

describe("the engine against Adobe's reference engine, on seeded random requests", () => {
  it(`answers ${SEEDS} requests exactly as the reference does`, async () => {
    const summary = await runDifferential({ engineModule: engine, seeds: SEEDS, from: 1, artifacts });
    const report = formatSummary(summary, 5);
    expect(summary.compared, report).toBeGreaterThan(SEEDS * 0.9);
    expect(summary.different, report).toEqual([]);
    // Where the reference throws (a defect), we answer.
    expect(summary.oursThrows, report).toEqual([]);
    expect(
      summary.referenceThrows.filter((t) => t.ours !== "answered"),
      report,
    ).toEqual([]);
  });
});
