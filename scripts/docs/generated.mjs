// Every generated block of the documentation (see blocks.mjs), from the scripts that measure
// them. `pnpm test` runs the check after the build; --write rewrites the blocks.
//
//   node --import ./scripts/lib/ts.mjs scripts/docs/generated.mjs           -> exit code 1, naming each block that differs
//   node --import ./scripts/lib/ts.mjs scripts/docs/generated.mjs --write   -> rewrites them (run `pnpm build` first: sizes are measured on the bundles)
//
// A generator returns `{blockName: text}`. Block names start with the generator's prefix:
// `size:` (scripts/edge/size.mjs, measured now) and `bench:` (derived from docs/benchmarks.md,
// which scripts/bench/bench.ts writes; bench/summary.ts is TypeScript, hence the loader).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { documentationFiles, syncBlocks } from "./blocks.mjs";

const root = fileURLToPath(new URL("../../", import.meta.url));

/** The command that rewrites every block, for messages. */
export const WRITE_COMMAND = "node --import ./scripts/lib/ts.mjs scripts/docs/generated.mjs --write";

/** Every generator, by name. Each runs only when asked, so a failure names it. */
export const GENERATORS = {
  size: async () => (await import("../edge/size.mjs")).sizeBlocks(),
  bench: async () => (await import("../bench/summary.ts")).benchBlocks(readFileSync(join(root, "docs/benchmarks.md"), "utf8")),
};

/** Values of every block, from every generator. */
export async function generatedValues() {
  const values = {};
  for (const [name, generate] of Object.entries(GENERATORS)) {
    try {
      Object.assign(values, await generate());
    } catch (error) {
      throw new Error(`generator "${name}": ${error instanceof Error ? error.message : error}`);
    }
  }
  return values;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const write = process.argv.includes("--write");
  try {
    const problems = syncBlocks(documentationFiles(root), await generatedValues(), { root, write });
    if (problems.length > 0) {
      console.error(`generated blocks in the docs:\n${problems.map((p) => `  ${p}`).join("\n")}`);
      if (!write) console.error(`rewrite them with: ${WRITE_COMMAND} (after pnpm build), then review and commit the diff`);
      process.exit(1);
    }
    console.log(write ? "generated blocks in the docs: written" : "generated blocks in the docs: all agree with the measurements");
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  }
}
