#!/usr/bin/env node
// Prints vitest's totals as one plain line ("N passed, M failed, K skipped") for CI logs.
import { readFileSync } from "node:fs";

const file = process.argv[2] ?? ".vitest-results.json";
const results = JSON.parse(readFileSync(file, "utf8"));
const passed = results.numPassedTests ?? 0;
const failed = results.numFailedTests ?? 0;
const skipped = (results.numPendingTests ?? 0) + (results.numTodoTests ?? 0);
console.log(`tests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed === 0 && passed > 0 ? 0 : 1);
