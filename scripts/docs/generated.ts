// Every generated block of the documentation (see blocks.ts), from the scripts that measure
// them. `pnpm test` runs the check after the build; --write rewrites the blocks.
//
//   pnpm docs:check      -> exit code 1, naming each block that differs (scripts/docs/generated.ts)
//   pnpm docs:generate   -> rewrites them (run `pnpm build` first: sizes are measured on the bundles)
//
// A generator returns `{blockName: text}`. Block names start with the generator's prefix:
// `size:` (scripts/edge/size.ts, measured now) and `bench:` (derived from docs/benchmarks.md,
// which scripts/bench/bench.ts writes).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { documentationFiles, syncBlocks } from "./blocks.js";

const root = fileURLToPath(new URL("../../", import.meta.url));

/** The command that rewrites every block, for messages. */
export const WRITE_COMMAND = "pnpm docs:generate";

/** Every generator, by name. Each runs only when asked, so a failure names it. */
export const GENERATORS: Record<string, () => Promise<Record<string, string>>> = {
  size: async () => (await import("../edge/size.js")).sizeBlocks(),
  bench: async () => (await import("../bench/summary.js")).benchBlocks(readFileSync(join(root, "docs/benchmarks.md"), "utf8")),
};

/** Values of every block, from every generator. */
export async function generatedValues(): Promise<Record<string, string>> {
  const values: Record<string, string> = {};
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
