// Reading docs/benchmarks.md back: its sections by heading, their tables by column name.

/** A Markdown table: its column names and its rows' cells. */
export interface Table {
  header: string[];
  rows: string[][];
}

/** The text under each `## ` heading, by heading. */
export function sections(markdown: string): Map<string, string> {
  const found = new Map<string, string>();
  const parts = markdown.split(/^## /m).slice(1);
  for (const part of parts) {
    const newline = part.indexOf("\n");
    found.set(part.slice(0, newline).trim(), part.slice(newline + 1));
  }
  return found;
}

/** The text of section `heading`; throws, naming it, when the report has none. */
export function section(markdown: string, heading: string): string {
  const text = sections(markdown).get(heading);
  if (text === undefined) throw new Error(`docs/benchmarks.md has no section "${heading}"`);
  return text;
}

const cellsOf = (line: string): string[] => line.slice(2, -2).split(" | ");

/** Every table in `text`, in order. */
export function tables(text: string): Table[] {
  const found: Table[] = [];
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    const next = lines[i + 1] ?? "";
    if (!line.startsWith("| ") || !/^\| -{3}:?( \| -{3}:?)* \|$/.test(next)) continue;
    const rows: string[][] = [];
    for (i += 2; i < lines.length && (lines[i] as string).startsWith("| "); i++) rows.push(cellsOf(lines[i] as string));
    found.push({ header: cellsOf(line), rows });
  }
  return found;
}

/** The cell of `row` in column `name`; throws, naming it, when the table has no such column. */
export function cell(table: Table, row: readonly string[], name: string): string {
  const index = table.header.indexOf(name);
  if (index === -1) throw new Error(`docs/benchmarks.md: no column "${name}" in the table of ${table.header.join(", ")}`);
  return row[index] ?? "";
}

/** The row whose first cell opens with `id:`; throws, naming it, when there is none. */
export function rowById(table: Table, id: string): string[] {
  const row = table.rows.find((cells) => cells[0]?.startsWith(`${id}:`));
  if (!row) throw new Error(`docs/benchmarks.md has no row for ${id}`);
  return row;
}

/** The number a cell starts with (`**1,234.5x**`, `12.3 µs`, `1.02x`): NaN when it holds none. */
export function numberIn(text: string): number {
  const match = /^[*\s]*(-?[\d,]+(?:\.\d+)?)/.exec(text);
  return match ? Number((match[1] as string).replace(/,/g, "")) : Number.NaN;
}
