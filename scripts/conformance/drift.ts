// The conformance data is carried in fixtures/conformance so that a bare clone runs the same
// tests as CI. Where ../shared/conformance is beside the repository (the project's shared
// data, which CI lays out), the carried copy must be identical to it, file by file.
//
//   node --import ./scripts/lib/ts.mjs scripts/conformance/drift.ts   -> one line, and exit code 1 when the copies differ
//   (the first half of `pnpm conformance`)
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../../", import.meta.url));
/** The carried copy and the shared original. */
export const CARRIED = join(root, "fixtures/conformance");
export const SHARED = join(root, "../shared/conformance");
/** The folders carried; the rest of each side (its README) is its own. */
export const FOLDERS = ["target-sdk-testing", "real-world"];

function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(dir, join(entry.parentPath ?? entry.path, entry.name)));
}

/** Files that differ between the carried copy and `shared`: missing on either side or not byte-identical. */
export function driftFrom(shared = SHARED, carried = CARRIED): string[] {
  const problems: string[] = [];
  for (const folder of FOLDERS) {
    const ours = new Set(filesUnder(join(carried, folder)));
    const theirs = new Set(filesUnder(join(shared, folder)));
    for (const file of theirs) {
      const path = join(folder, file);
      if (!ours.has(file)) problems.push(`${path}: in ../shared, not carried`);
      else if (!readFileSync(join(shared, path)).equals(readFileSync(join(carried, path)))) problems.push(`${path}: differs`);
    }
    for (const file of ours) if (!theirs.has(file)) problems.push(`${join(folder, file)}: carried, not in ../shared`);
  }
  return problems;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  if (!existsSync(SHARED)) {
    console.log("conformance data: fixtures/conformance (no ../shared/conformance beside the repository to compare with)");
  } else {
    const problems = driftFrom();
    if (problems.length > 0) {
      console.error(`conformance data: fixtures/conformance differs from ../shared/conformance:\n  ${problems.join("\n  ")}`);
      console.error(`bring it up to date: cp -r ${FOLDERS.map((f) => `../shared/conformance/${f}`).join(" ")} fixtures/conformance/`);
      process.exit(1);
    }
    console.log(`conformance data: fixtures/conformance is identical to ../shared/conformance (${FOLDERS.join(", ")})`);
  }
}
