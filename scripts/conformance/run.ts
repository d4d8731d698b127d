// Conformance against Adobe's test schema, using the BUILT engine (packages/engine/dist).
// Usage: pnpm conformance, or node --import ./scripts/lib/ts.mjs scripts/conformance/run.ts [path/to/target-sdk-testing]
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { loadConformanceTests, runConformanceTest } from "./harness.js";

const here = fileURLToPath(new URL(".", import.meta.url));
const root = resolve(process.argv[2] ?? resolve(here, "../../fixtures/conformance/target-sdk-testing"));
const engine = await import("../../packages/engine/dist/index.js");
const tests = loadConformanceTests(root);
if (tests.length === 0) {
  console.error(`conformance: no test schema under ${root}`);
  process.exit(1);
}
let passed = 0;
let failed = 0;
for (const test of tests) {
  let problems: string[];
  try {
    problems = await runConformanceTest(engine, test);
  } catch (error) {
    problems = [`threw: ${(error as Error | undefined)?.stack ?? error}`];
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
