#!/usr/bin/env node
// Conformance against Adobe's test schema, using the BUILT engine (packages/engine/dist).
// Usage: node scripts/conformance/run.mjs [path/to/target-sdk-testing]
import { fileURLToPath } from "node:url";
import { resolve } from "node:path";
import { loadConformanceTests, runConformanceTest } from "./harness.mjs";

const here = fileURLToPath(new URL(".", import.meta.url));
const root = resolve(process.argv[2] ?? resolve(here, "../../fixtures/conformance/target-sdk-testing"));
const engine = await import(new URL("../../packages/engine/dist/index.js", import.meta.url).href);
const tests = loadConformanceTests(root);
if (tests.length === 0) {
  console.error(`conformance: no test schema under ${root}`);
  process.exit(1);
}
let passed = 0;
let failed = 0;
for (const test of tests) {
  let problems;
  try {
    problems = await runConformanceTest(engine, test);
  } catch (error) {
    problems = [`threw: ${error?.stack ?? error}`];
  }
  if (problems.length === 0) passed += 1;
  else {
    failed += 1;
    console.log(`FAIL ${test.suite} › ${test.key}: ${test.description}`);
    for (const p of problems.slice(0, 8)) console.log(`     ${p}`);
  }
}
console.log(`conformance: ${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
