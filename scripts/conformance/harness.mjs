// Runs Adobe's language-neutral on-device decisioning test schema against an engine module
// that exports `createDecisioningEngine` (our contract). Shared by the CLI runner and vitest.
import { readFileSync, readdirSync, existsSync } from "node:fs";
import { join } from "node:path";

const ANY = {
  "expect.any(Object)": (v) => typeof v === "object" && v !== null,
  "expect.any(String)": (v) => typeof v === "string",
  "expect.any(Number)": (v) => typeof v === "number",
};

/** Partial deep match: extra object keys allowed, arrays of equal length. Returns a list of mismatches. */
export function partialMatch(actual, expected, path = "$", problems = []) {
  if (typeof expected === "string" && ANY[expected]) {
    if (!ANY[expected](actual)) problems.push(`${path}: expected ${expected}, got ${JSON.stringify(actual)}`);
    return problems;
  }
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual)) problems.push(`${path}: expected an array, got ${JSON.stringify(actual)}`);
    else if (actual.length !== expected.length) problems.push(`${path}: expected ${expected.length} items, got ${actual.length}: ${JSON.stringify(actual).slice(0, 400)}`);
    else expected.forEach((item, i) => partialMatch(actual[i], item, `${path}[${i}]`, problems));
    return problems;
  }
  if (typeof expected === "object" && expected !== null) {
    if (typeof actual !== "object" || actual === null || Array.isArray(actual)) {
      problems.push(`${path}: expected an object, got ${JSON.stringify(actual)}`);
      return problems;
    }
    for (const key of Object.keys(expected)) partialMatch(actual[key], expected[key], `${path}.${key}`, problems);
    return problems;
  }
  if (!Object.is(actual, expected) && actual !== expected) problems.push(`${path}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
  return problems;
}

/** Every test of every suite under `root` (the target-sdk-testing folder), artifacts resolved. */
export function loadConformanceTests(root) {
  const schema = join(root, "schema");
  const artifactDir = join(schema, "artifacts");
  const modelDir = join(schema, "models");
  if (!existsSync(modelDir)) return [];
  const artifactOf = (name) => {
    if (typeof name !== "string") return name;
    const file = join(artifactDir, `${name}.json`);
    return existsSync(file) ? JSON.parse(readFileSync(file, "utf8")) : name;
  };
  const tests = [];
  for (const file of readdirSync(modelDir).filter((f) => f.endsWith(".json")).sort()) {
    const suite = JSON.parse(readFileSync(join(modelDir, file), "utf8"));
    for (const [key, test] of Object.entries(suite.test)) {
      tests.push({
        suite: file.replace(/\.json$/, ""),
        key,
        description: test.description,
        conf: test.conf ?? suite.conf,
        artifact: artifactOf(test.artifact ?? suite.artifact),
        input: test.input,
        output: test.output,
        notificationOutput: test.notificationOutput,
        mockDate: test.mockDate,
        mockGeo: test.mockGeo,
      });
    }
  }
  return tests;
}

function mockDateOf(mock) {
  if (!mock) return undefined;
  const m = { hours: 0, minutes: 0, seconds: 0, ...mock };
  return Date.UTC(m.year, m.month, m.date, m.hours, m.minutes, m.seconds);
}

/** Run one test; resolves with the list of mismatches (empty when it passes). */
export async function runConformanceTest(engineModule, test) {
  const frozen = mockDateOf(test.mockDate);
  const calls = [];
  const fetchApi = async (url) => {
    const body = /\/v1\/geo$/.test(String(url)) ? (test.mockGeo ?? {}) : test.artifact;
    return new Response(JSON.stringify(body), { status: 200, headers: { "content-type": "application/json" } });
  };
  const engine = await engineModule.createDecisioningEngine({
    ...test.conf,
    fetchApi,
    sendNotificationFunc: (payload) => {
      calls.push(payload);
      return Promise.resolve();
    },
    ...(frozen === undefined ? {} : { platform: { now: () => frozen } }),
  });
  const problems = [];
  try {
    const response = await engine.getOffers(structuredClone(test.input));
    if (test.output !== undefined) partialMatch(response, test.output, "$", problems);
  } finally {
    await engine.close();
  }
  if (test.notificationOutput === null) {
    if (calls.length !== 0) problems.push(`expected no notification, got ${calls.length}: ${JSON.stringify(calls).slice(0, 300)}`);
  } else if (test.notificationOutput !== undefined) {
    if (calls.length !== 1) problems.push(`expected exactly one notification call, got ${calls.length}`);
    else partialMatch(calls[0], test.notificationOutput, "notification", problems);
  }
  return problems;
}
