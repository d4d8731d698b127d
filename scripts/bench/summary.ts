// The README's benchmark figures, read back from the tables bench.ts writes to
// docs/benchmarks.md, so that the two cannot disagree. scripts/docs/generated.ts checks and
// writes them as the generated blocks `bench:summary`, `bench:decision-ratios` and
// `bench:delivery-ratio`.
import { cell, numberIn, rowById, section, type Table, tables } from "./markdown.js";
import { SECTIONS } from "./report.js";

/** The README's title of each scenario, by the id that opens its row in docs/benchmarks.md. */
const TITLES = {
  "1-ab-execute": "one mbox, execute, small A/B artifact, new visitor each call",
  "2-targeted": "targeted request (URL, browser, params), 400 KB artifact",
  "3-pageload": "page load + 5 mboxes + all views, 400 KB artifact",
  "4-get-attributes": "`getAttributes` through `TargetClient`, on-device, one value read",
} as const;

/** Table `index` of section `heading`; throws, naming both, when it is missing. */
function tableOf(markdown: string, heading: string, index = 0): Table {
  const table = tables(section(markdown, heading))[index];
  if (!table) throw new Error(`docs/benchmarks.md: section "${heading}" has no table ${index + 1}`);
  return table;
}

const fmt = (n: number, digits = 0): string => n.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits });
const rounded = (ratio: string): string => `${fmt(numberIn(ratio))}x`;
const plain = (text: string): string => text.replace(/\*\*/g, "");

function scenarioTable(markdown: string): { lines: string[]; ratios: number[] } {
  const table = tableOf(markdown, SECTIONS.scenarios);
  const lines = ["| scenario | ours ops/s | Adobe's ops/s | ratio | ours p50 / p99 |", "| --- | ---: | ---: | ---: | ---: |"];
  const ratios: number[] = [];
  for (const [id, title] of Object.entries(TITLES)) {
    const row = rowById(table, id);
    const ratio = cell(table, row, "ratio");
    ratios.push(Math.round(numberIn(ratio)));
    const latency = cell(table, row, "ours p50 / p99").replace(/ µs \/ /, " / ");
    lines.push(`| ${title} | ${cell(table, row, "ours ops/s")} | ${cell(table, row, "reference ops/s")} | ${rounded(ratio)} | ${latency} |`);
  }
  return { lines, ratios };
}

function deliveryTable(markdown: string): { lines: string[]; ratio: string } {
  const variants = tableOf(markdown, SECTIONS.delivery, 0);
  const comparisons = tableOf(markdown, SECTIONS.delivery, 1);
  const cpu = (id: string) => `${plain(cell(variants, rowById(variants, id), "CPU µs per call"))} µs`;
  const ratio = (id: string) => plain(cell(comparisons, rowById(comparisons, id), "ratio"));
  return {
    lines: [
      "| `getAttributes`, its notification delivered over HTTP | ours | Adobe's | Adobe's / ours | ours / bare `node:http` POST |",
      "| --- | ---: | ---: | ---: | ---: |",
      `| CPU per call, until every notification is answered | ${cpu("ours")} | ${cpu("reference")} | ${ratio("reference-vs-ours")} | ${ratio("ours-vs-floor-node")} |`,
    ],
    ratio: ratio("reference-vs-ours"),
  };
}

function sweepLine(markdown: string): string {
  const table = tableOf(markdown, SECTIONS.sweep);
  const row = table.rows[0];
  if (!row) throw new Error(`docs/benchmarks.md: section "${SECTIONS.sweep}" has no summary row`);
  return (
    `- Cost sweep over every input of Adobe's conformance schema and the real-world ones (${cell(table, row, "inputs measured")} measured): ` +
    `Adobe's engine's cost per call over ours is at worst ${plain(cell(table, row, "worst ratio"))}, median ${plain(cell(table, row, "median ratio"))}; ` +
    `with campaign macros at worst ${plain(cell(table, row, "worst macro input ratio"))}.`
  );
}

function otherLines(markdown: string): string[] {
  const allocation = tableOf(markdown, SECTIONS.allocation);
  const allocationRatios = allocation.rows.map((row) => numberIn(cell(allocation, row, "reference / ours")));
  const loads = tableOf(markdown, SECTIONS.loads, 0);
  const largeRow = (engine: string) => {
    const row = loads.rows.find((cells) => cells[0]?.startsWith("large:") && cell(loads, cells, "engine") === engine);
    if (!row) throw new Error(`docs/benchmarks.md: no load of the large artifact by ${engine}`);
    return row;
  };
  const large = (engine: string) => cell(loads, largeRow(engine), "heap / JSON");
  const scaling = tableOf(markdown, SECTIONS.loads, 1);
  const scalingRow = rowById(scaling, "scaling");
  const activities = scaling.header[2]?.replace(/ ops\/s$/, "") ?? "";
  const visitors = tableOf(markdown, SECTIONS.visitors);
  const growth = (engine: string) => {
    const row = visitors.rows.find((cells) => cell(visitors, cells, "engine") === engine);
    if (!row) throw new Error(`docs/benchmarks.md: no visitors row for ${engine}`);
    return `${cell(visitors, row, "growth per visitor")} over ${cell(visitors, row, "distinct visitors")} visitors`;
  };
  return [
    `- Bytes allocated per call in scenarios 1 to 4: Adobe's SDK allocates ${fmt(Math.min(...allocationRatios))}x to ${fmt(Math.max(...allocationRatios))}x more than ours.`,
    `- A decision on a synthetic artifact of ${activities} costs ${cell(scaling, scalingRow, "cost ratio")} what it costs on one of 10.`,
    `- Loading artifact-large.json (${cell(loads, largeRow("ours"), "JSON bytes")} bytes of JSON) leaves ${large("ours")} its size on the heap (Adobe's engine ${large("reference")}).`,
    `- Heap growth per distinct visitor: ours ${growth("ours")}, Adobe's ${growth("reference")}.`,
  ];
}

/** The README's generated blocks, by name, from docs/benchmarks.md's text. */
export function benchBlocks(markdown: string): Record<string, string> {
  const machine = /^Machine: (.+)$/m.exec(markdown)?.[1];
  if (!machine) throw new Error("docs/benchmarks.md names no machine");
  const scenarios = scenarioTable(markdown);
  const delivery = deliveryTable(markdown);
  const summary = [
    `Measured on ${machine}, in one run of \`pnpm bench\`:`,
    "",
    ...scenarios.lines,
    "",
    ...delivery.lines,
    "",
    sweepLine(markdown),
    ...otherLines(markdown),
  ];
  return {
    "bench:summary": summary.join("\n"),
    "bench:decision-ratios": `${fmt(Math.min(...scenarios.ratios))}x to ${fmt(Math.max(...scenarios.ratios))}x`,
    "bench:delivery-ratio": delivery.ratio,
  };
}
