// Writes fixtures/engine/expected.json: the reference engine's answers to fixtures/engine/cases.json.
// Fresh ids (32 hex digits) are replaced by "<uuid>" so the file is stable.
//
//   pnpm fixtures   (after features-artifact.ts and engine-cases.ts)
import { readFileSync, writeFileSync } from "node:fs";
import { mockDateToMs } from "../conformance/harness.js";
import { decideWithReference } from "../reference/run-reference.js";
import type { EngineCases } from "./engine-cases.js";

/** What the reference answered for one case, fresh ids normalized. */
export interface ExpectedAnswer {
  response: unknown;
  notifications: unknown;
}

const fixtures = new URL("../../fixtures/", import.meta.url);
const { artifact: artifactName, conf, cases } = JSON.parse(readFileSync(new URL("engine/cases.json", fixtures), "utf8")) as EngineCases;
const artifact: unknown = JSON.parse(readFileSync(new URL(`artifacts/${artifactName}.json`, fixtures), "utf8"));

const normalize = (value: unknown): unknown => JSON.parse(JSON.stringify(value).replace(/[0-9a-f]{32}/g, "<uuid>"));

const expected: Record<string, ExpectedAnswer> = {};
for (const test of cases) {
  const result = await decideWithReference({ conf, artifact, input: test.input, nowMs: mockDateToMs(test.mockDate), mockGeo: test.mockGeo });
  if (result.error) throw new Error(`reference failed on ${test.key}: ${result.error}`);
  expected[test.key] = { response: normalize(result.response), notifications: normalize(result.notifications) };
}
writeFileSync(new URL("engine/expected.json", fixtures), `${JSON.stringify(expected, null, 2)}\n`);
console.log(`wrote expected responses for ${cases.length} cases`);
