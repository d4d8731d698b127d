// The README's benchmark summary, derived from the tables bench.mjs writes to docs/benchmarks.md,
// so that the two cannot disagree (scripts/docs/generated.mjs checks and writes it as the
// generated block `bench:summary`).

/** The README's title of each scenario, by the id that opens its row in docs/benchmarks.md. */
const TITLES = {
  "1-ab-execute": "one mbox, execute, small A/B artifact, new visitor each call",
  "2-targeted": "targeted request (URL, browser, params), 400 KB artifact",
  "3-pageload": "page load + 5 mboxes + all views, 400 KB artifact",
  "4-get-attributes": "`getAttributes` through `TargetClient`, on-device, one value read",
  "4b-get-attributes": "the same `getAttributes` calls, each call's notification sent and answered",
};

/** The rows of every table in `markdown` whose first cell starts with `id:`, by id: their cells. */
function rowsById(markdown) {
  const rows = new Map();
  for (const line of markdown.split("\n")) {
    if (!line.startsWith("| ")) continue;
    const cells = line.slice(2, -2).split(" | ");
    const id = /^([\w-]+):/.exec(cells[0] ?? "")?.[1];
    if (id && !rows.has(id)) rows.set(id, cells);
  }
  return rows;
}

const ratio = (text) => `${Math.round(Number.parseFloat(text.replace(/\*/g, "")))}x`;
const latencies = (text) => text.replace(/ µs \/ /, " / ");

/** `{"bench:summary": table}`: the README's table, from docs/benchmarks.md's text. */
export function benchBlocks(markdown) {
  const rows = rowsById(markdown);
  const lines = ["| scenario | ours ops/s | Adobe's ops/s | ratio | ours p50 / p99 |", "| --- | ---: | ---: | ---: | ---: |"];
  for (const [id, title] of Object.entries(TITLES)) {
    const cells = rows.get(id);
    if (!cells) throw new Error(`docs/benchmarks.md has no row for scenario ${id}`);
    // Timed scenarios: ours, reference, ratio, ours p50 / p99. Delivery included: ours, reference, ratio, µs per call.
    const [, ours, reference, ratioCell, fifth] = cells;
    const last = id === "4b-get-attributes" ? `${fifth} per call` : latencies(fifth ?? "");
    lines.push(`| ${title} | ${ours} | ${reference} | ${ratio(ratioCell ?? "")} | ${last} |`);
  }
  return { "bench:summary": lines.join("\n") };
}
