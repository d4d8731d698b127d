// The benchmark end to end, as a quick smoke run into a temporary report: every part still
// runs (the dist must be built, as `pnpm test` does first) and every table comes out whole.
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TS_LOADER } from "./child.js";
import { DELIVERY_VARIANTS } from "./delivery/method.js";
import { cell, numberIn, rowById, section, type Table, tables } from "./markdown.js";
import { SECTIONS } from "./report.js";
import { benchBlocks } from "./summary.js";

const bench = fileURLToPath(new URL("./bench.ts", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "bench-quick-"));
const output = join(dir, "benchmarks.md");
let report = "";

beforeAll(async () => {
  await promisify(execFile)(process.execPath, ["--import", TS_LOADER, bench, "--quick", "--markdown", output], { maxBuffer: 1 << 26 });
  report = readFileSync(output, "utf8");
}, 180_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Table `index` of a section. */
const tableOf = (heading: string, index = 0): Table => {
  const table = tables(section(report, heading))[index];
  if (!table) throw new Error(`no table ${index + 1} under "${heading}"`);
  return table;
};

/** Every cell of the named columns holds a finite number (bold, grouped, with a unit or not). */
function expectNumbers(table: Table, columns: readonly string[]): void {
  expect(table.rows.length).toBeGreaterThan(0);
  for (const row of table.rows) for (const column of columns) expect(numberIn(cell(table, row, column)), `${column} of ${row[0]}`).toSatisfy(Number.isFinite);
}

describe("bench --quick", () => {
  it("writes every section, in order, with no figure missing", () => {
    const headings = [...report.matchAll(/^#{2,3} (.+)$/gm)].map((match) => match[1]);
    expect(headings).toEqual(Object.values(SECTIONS));
    expect(report).not.toMatch(/NaN|undefined|Infinity/);
    expect(report).toContain("A quick smoke run");
  });

  it("times scenarios 1 to 4 on both SDKs, with our sync decider for 1 to 3", () => {
    const table = tableOf(SECTIONS.scenarios);
    expect(table.rows.map((row) => row[0]?.split(":")[0])).toEqual(["1-ab-execute", "2-targeted", "3-pageload", "4-get-attributes"]);
    expectNumbers(table, ["ours ops/s", "reference ops/s", "ratio", "ours p50 / p99", "reference p50 / p99"]);
    expectNumbers({ ...table, rows: table.rows.slice(0, 3) }, ["ours sync ops/s"]);
    expect(cell(table, rowById(table, "4-get-attributes"), "ours sync ops/s")).toBe("n/a");
  });

  it("times scenario 4 call by call, with built-in and premade ids", () => {
    const table = tables(section(report, SECTIONS.scenarios))[1];
    expect(table?.rows.map((row) => row[0]?.split(":")[0])).toEqual(["built-in", "premade"]);
    if (table) expectNumbers(table, ["calls reported", "p50", "p90", "p99", "p99.9"]);
  });

  it("measures every delivery variant, with every notification answered or counted as dropped", () => {
    const variants = tableOf(SECTIONS.delivery, 0);
    expect(variants.rows.map((row) => row[0]?.split(":")[0])).toEqual([...DELIVERY_VARIANTS]);
    expectNumbers(variants, ["calls per round", "CPU µs per call", "user / system µs per call", "wall µs per call", "notifications answered", "dropped"]);
    for (const row of variants.rows) {
      const [answered, owed] = cell(variants, row, "notifications answered").split(" of ").map(numberIn);
      expect((answered ?? 0) + numberIn(cell(variants, row, "dropped"))).toBeGreaterThanOrEqual(owed ?? Number.POSITIVE_INFINITY);
    }
    const comparisons = tableOf(SECTIONS.delivery, 1);
    expect(comparisons.rows.map((row) => row[0]?.split(":")[0])).toEqual([
      "reference-vs-ours",
      "ours-vs-floor-node",
      "ours-fetch-vs-floor-fetch",
      "ours-fetch-vs-ours",
    ]);
    expectNumbers(comparisons, ["ratio"]);
  });

  it("sweeps every conformance input and the real-world ones, the worst 10 first and all of them after", () => {
    const summary = tableOf(SECTIONS.sweep, 0);
    expectNumbers(summary, ["inputs measured", "left out", "worst ratio", "median ratio", "worst macro input ratio"]);
    const measured = numberIn(cell(summary, summary.rows[0] ?? [], "inputs measured"));
    expect(measured).toBeGreaterThanOrEqual(66);
    const worst = tableOf(SECTIONS.sweep, 1);
    const every = tableOf(SECTIONS.sweep, 2);
    expect(worst.rows).toHaveLength(10);
    expect(every.rows).toHaveLength(measured);
    expect(worst.rows).toEqual(every.rows.slice(0, 10));
    expectNumbers(every, ["ours µs per call", "reference µs per call", "ratio"]);
    expect(every.rows.map((row) => row[0])).toContain("real-world › the macros mbox (14 campaign macros)");
  });

  it("reports loads, scaling, heap per visitor and allocation per call for both SDKs", () => {
    expectNumbers(tableOf(SECTIONS.loads, 0), ["JSON bytes", "load time", "retained heap", "heap / JSON"]);
    expect(tableOf(SECTIONS.loads, 0).rows).toHaveLength(4);
    expectNumbers(tableOf(SECTIONS.loads, 1), ["10 activities ops/s", "cost ratio"]);
    expectNumbers(tableOf(SECTIONS.visitors), ["distinct visitors", "heap before", "heap after", "growth per visitor"]);
    const allocation = tableOf(SECTIONS.allocation);
    expect(allocation.rows.map((row) => row[0])).toEqual(["1-ab-execute", "2-targeted", "3-pageload", "4-get-attributes"]);
    expectNumbers(allocation, ["ours bytes per call", "reference bytes per call", "reference / ours"]);
  });

  it("gives the README's blocks every figure they show", () => {
    const blocks = benchBlocks(report);
    expect(Object.keys(blocks).sort()).toEqual(["bench:decision-ratios", "bench:delivery-ratio", "bench:summary"]);
    for (const value of Object.values(blocks)) expect(value).not.toMatch(/NaN|undefined/);
  });
});
