// Prints vitest's totals as one plain line ("N passed, M failed, K skipped") for CI logs.
//
//   pnpm test:summary [.vitest-results.json]   (scripts/ci/summary.ts; pnpm test runs it)
import { readFileSync } from "node:fs";

/** The totals of vitest's JSON reporter (its Jest-compatible summary). */
interface VitestResults {
  numPassedTests?: number;
  numFailedTests?: number;
  numPendingTests?: number;
  numTodoTests?: number;
}

const file = process.argv[2] ?? ".vitest-results.json";
const results = JSON.parse(readFileSync(file, "utf8")) as VitestResults;
const passed = results.numPassedTests ?? 0;
const failed = results.numFailedTests ?? 0;
const skipped = (results.numPendingTests ?? 0) + (results.numTodoTests ?? 0);
console.log(`tests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed === 0 && passed > 0 ? 0 : 1);
