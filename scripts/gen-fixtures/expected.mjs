#!/usr/bin/env node
// Writes fixtures/engine/expected.json: the reference engine's answers to fixtures/engine/cases.json.
// Fresh ids (32 hex digits) are replaced by "<uuid>" so the file is stable.
import { readFileSync, writeFileSync } from "node:fs";
import { decideWithReference, mockDateToMs } from "../reference/run-reference.mjs";

const fixtures = new URL("../../fixtures/", import.meta.url);
const { artifact: artifactName, conf, cases } = JSON.parse(readFileSync(new URL("engine/cases.json", fixtures), "utf8"));
const artifact = JSON.parse(readFileSync(new URL(`artifacts/${artifactName}.json`, fixtures), "utf8"));

const normalize = (value) => JSON.parse(JSON.stringify(value).replace(/[0-9a-f]{32}/g, "<uuid>"));

const expected = {};
for (const test of cases) {
  const result = await decideWithReference({ conf, artifact, input: test.input, nowMs: mockDateToMs(test.mockDate), mockGeo: test.mockGeo });
  if (result.error) throw new Error(`reference failed on ${test.key}: ${result.error}`);
  expected[test.key] = { response: normalize(result.response), notifications: normalize(result.notifications) };
}
writeFileSync(new URL("engine/expected.json", fixtures), `${JSON.stringify(expected, null, 2)}\n`);
console.log(`wrote expected responses for ${cases.length} cases`);
