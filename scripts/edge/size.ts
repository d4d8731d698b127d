// The edge size budget: the lean engine bundle (all dependencies, minified, gzip -9) must stay
// within 30 KB, because a worker's cold start pays for every byte. The full bundle carries the
// Public Suffix List and is reported, not budgeted. Run after `pnpm build` (scripts/edge/build.ts).
//
//   pnpm size   (scripts/edge/size.ts)   -> a table, and exit code 1 when a budget is exceeded
import { existsSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import type { Metafile } from "esbuild";
import { BUNDLES, type Bundle } from "./build.js";

/** A bundle as measured: sizes in bytes, its budget, and its inputs grouped by package, biggest first. */
export interface MeasuredBundle {
  name: string;
  /** Relative to the repository. */
  file: string;
  minified: number;
  gzip: number;
  budget: number | undefined;
  over: boolean;
  /** `[owner, bytes in the output]`: a package, or a file of the engine's dist. */
  inputs: Array<[string, number]>;
}

const root = fileURLToPath(new URL("../../", import.meta.url));

/** Budgets in gzipped bytes, by bundle name; bundles without one are only reported. */
export const BUDGETS: Readonly<Record<string, number>> = { "engine-lean": 30 * 1024 };

/** Minified and gzipped size of each built bundle, with its budget and its inputs by size. */
export function measureBundles({ bundles = BUNDLES, cwd = root }: { bundles?: readonly Bundle[]; cwd?: string } = {}): MeasuredBundle[] {
  return bundles.map(({ name, outfile }) => {
    const file = join(cwd, outfile);
    if (!existsSync(file)) throw new Error(`${outfile} is missing: run pnpm build`);
    const code = readFileSync(file);
    const metaFile = file.replace(/\.js$/, ".meta.json");
    const inputs = existsSync(metaFile) ? biggestInputs(JSON.parse(readFileSync(metaFile, "utf8")), relative(cwd, file)) : [];
    const gzip = gzipSync(code, { level: 9 }).length;
    const budget = BUDGETS[name];
    return { name, file: relative(cwd, file), minified: code.length, gzip, budget, over: budget !== undefined && gzip > budget, inputs };
  });
}

function biggestInputs(meta: Metafile, outfile: string): Array<[string, number]> {
  const output = meta.outputs[outfile];
  if (!output) return [];
  // Group by package so a dependency shows as one line, however many files it has.
  const byOwner = new Map<string, number>();
  for (const [path, { bytesInOutput }] of Object.entries(output.inputs)) {
    const owner = /node_modules\/(?:\.pnpm\/[^/]+\/node_modules\/)?((?:@[^/]+\/)?[^/]+)/.exec(path)?.[1] ?? path.replace(/^packages\/engine\/dist\//, "");
    byOwner.set(owner, (byOwner.get(owner) ?? 0) + bytesInOutput);
  }
  return [...byOwner].sort((a, b) => b[1] - a[1]);
}

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
const wholeKb = (bytes: number) => (bytes % 1024 === 0 ? `${bytes / 1024} KB` : kb(bytes));

/** What each bundle is, in the docs' words. */
const TITLES: Record<string, string> = {
  engine: "engine, with the Public Suffix List",
  "engine-lean": "engine, lean",
  client: "client on the full engine",
  "client-lean": "client on the lean engine",
};

/**
 * The figures the docs print, as generated blocks (scripts/docs/generated.ts writes and checks
 * them): `size:<bundle>` per bundle, `size:budget:<bundle>`, `size:psl-minified`, the table of
 * docs/edge.md (`size:table`) and a one-line summary for wrangler.toml (`size:summary`).
 */
export function sizeBlocks(measured = measureBundles()): Record<string, string> {
  const by: Record<string, MeasuredBundle> = Object.fromEntries(measured.map((m) => [m.name, m]));
  const values: Record<string, string> = {};
  const gzipOf = (name: string) => {
    const bundle = by[name];
    if (!bundle) throw new Error(`the ${name} bundle was not measured`);
    return kb(bundle.gzip);
  };
  for (const m of measured) {
    values[`size:${m.name}`] = kb(m.gzip);
    if (m.budget !== undefined) values[`size:budget:${m.name}`] = wholeKb(m.budget);
  }
  const psl = by.engine?.inputs.find(([owner]) => owner === "context/psl-data.js");
  if (psl) values["size:psl-minified"] = kb(psl[1]);
  values["size:table"] = [
    "| bundle | file | min+gzip | minified |",
    "| --- | --- | ---: | ---: |",
    ...measured.map((m) => {
      const budget = m.budget === undefined ? "" : ` (budget ${wholeKb(m.budget)}, enforced by \`pnpm test\`)`;
      return `| ${TITLES[m.name] ?? m.name} | \`${m.file.replace(/^packages\/(\w+)\/dist\//, "@decisioning/$1/")}\` | ${kb(m.gzip)}${budget} | ${kb(m.minified)} |`;
    }),
  ].join("\n");
  values["size:summary"] =
    `lean engine ${gzipOf("engine-lean")}, default engine ${gzipOf("engine")}; client on the lean engine ${gzipOf("client-lean")}, on the default engine ${gzipOf("client")} (min+gzip)`;
  return values;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  let failed = false;
  try {
    for (const m of measureBundles()) {
      const verdict = m.budget === undefined ? "(reported, no budget)" : `budget ${kb(m.budget)}: ${m.over ? "OVER" : "ok"}`;
      console.log(`${m.name.padEnd(12)} ${kb(m.gzip).padStart(8)} min+gzip  ${kb(m.minified).padStart(8)} min  ${verdict}`);
      console.log(
        `             biggest inputs (minified): ${m.inputs
          .slice(0, 5)
          .map(([owner, bytes]) => `${owner} ${kb(bytes)}`)
          .join(", ")}`,
      );
      failed ||= m.over;
    }
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  }
  if (failed) {
    console.error("edge size budget exceeded: see docs/edge.md for what the lean bundle may carry");
    process.exit(1);
  }
}
