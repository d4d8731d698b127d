// Runs Adobe's language-neutral on-device decisioning test schema against an engine module
// that exports `createDecisioningEngine` (our contract). Shared by the CLI runner and vitest.
import { readFileSync, readdirSync, existsSync } from "node:fs";
import { join } from "node:path";

/** A test's frozen clock, in UTC, the month counted from 0 as `Date.UTC` counts it. */
export interface MockDate {
  year: number;
  month: number;
  date: number;
  hours?: number;
  minutes?: number;
  seconds?: number;
  /** The same instant in words, for the reader. */
  human?: string;
}

/** The engine configuration a test (or its suite) sets: a plain record of options. */
export type TestConf = {
  client: string;
  organizationId?: string;
  pollingInterval?: number;
  telemetryEnabled?: boolean;
};

/** One test of the schema, with its suite's defaults applied and its artifact read. */
export interface ConformanceTest {
  /** The model file's name, e.g. `TEST_SUITE_AB_SIMPLE`. */
  suite: string;
  key: string;
  description: string;
  conf: TestConf;
  /** The parsed artifact; a name with no file under `artifacts/` stays as written. */
  artifact: unknown;
  /** The `getOffers` options (`{request, sessionId, …}`), as JSON. */
  input: unknown;
  /** Expected response, matched partially (see {@link partialMatch}). */
  output?: unknown;
  /** The one expected notification payload; `null` when none may be sent, absent when not checked. */
  notificationOutput?: unknown;
  mockDate?: MockDate;
  /** What the geo service answers (`x-geo-*` headers as a JSON object). */
  mockGeo?: Record<string, unknown>;
}

/** A model file of the schema: a suite's defaults and its tests by key. */
interface SuiteFile {
  description?: string;
  artifact?: unknown;
  conf?: TestConf;
  test: Record<string, Partial<Omit<ConformanceTest, "suite" | "key">>>;
}

/** What the harness hands `createDecisioningEngine`: the test's `conf` with its fetch, sink and clock. */
export interface HarnessConfig extends TestConf {
  fetchApi(url: string): Promise<Response>;
  sendNotificationFunc(payload: unknown): Promise<void>;
  platform?: { now(): number };
}

/** An engine module under test (the build or the sources): our contract's factory. */
export interface EngineModule {
  createDecisioningEngine(config: HarnessConfig): Promise<{ getOffers(options: unknown): Promise<unknown>; close(): Promise<void> }>;
}

const ANY: Record<string, (value: unknown) => boolean> = {
  "expect.any(Object)": (v) => typeof v === "object" && v !== null,
  "expect.any(String)": (v) => typeof v === "string",
  "expect.any(Number)": (v) => typeof v === "number",
};

/** Partial deep match: extra object keys allowed, arrays of equal length. Returns a list of mismatches. */
export function partialMatch(actual: unknown, expected: unknown, path = "$", problems: string[] = []): string[] {
  const matcher = typeof expected === "string" ? ANY[expected] : undefined;
  if (matcher) {
    if (!matcher(actual)) problems.push(`${path}: expected ${expected}, got ${JSON.stringify(actual)}`);
    return problems;
  }
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual)) problems.push(`${path}: expected an array, got ${JSON.stringify(actual)}`);
    else if (actual.length !== expected.length)
      problems.push(`${path}: expected ${expected.length} items, got ${actual.length}: ${JSON.stringify(actual).slice(0, 400)}`);
    else for (const [i, item] of expected.entries()) partialMatch(actual[i], item, `${path}[${i}]`, problems);
    return problems;
  }
  if (typeof expected === "object" && expected !== null) {
    if (typeof actual !== "object" || actual === null || Array.isArray(actual)) {
      problems.push(`${path}: expected an object, got ${JSON.stringify(actual)}`);
      return problems;
    }
    const want = expected as Record<string, unknown>;
    const have = actual as Record<string, unknown>;
    for (const key of Object.keys(want)) partialMatch(have[key], want[key], `${path}.${key}`, problems);
    return problems;
  }
  if (!Object.is(actual, expected) && actual !== expected) problems.push(`${path}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
  return problems;
}

/** Every test of every suite under `root` (the target-sdk-testing folder), artifacts resolved. */
export function loadConformanceTests(root: string): ConformanceTest[] {
  const schema = join(root, "schema");
  const artifactDir = join(schema, "artifacts");
  const modelDir = join(schema, "models");
  if (!existsSync(modelDir)) return [];
  const artifactOf = (name: unknown): unknown => {
    if (typeof name !== "string") return name;
    const file = join(artifactDir, `${name}.json`);
    return existsSync(file) ? JSON.parse(readFileSync(file, "utf8")) : name;
  };
  const tests: ConformanceTest[] = [];
  for (const file of readdirSync(modelDir)
    .filter((f) => f.endsWith(".json"))
    .sort()) {
    const suite = JSON.parse(readFileSync(join(modelDir, file), "utf8")) as SuiteFile;
    for (const [key, test] of Object.entries(suite.test)) {
      tests.push({
        suite: file.replace(/\.json$/, ""),
        key,
        description: test.description as string,
        conf: (test.conf ?? suite.conf) as TestConf,
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

/** Milliseconds since the epoch of a test's `mockDate`, or undefined when it has none. */
export function mockDateToMs(mock: MockDate | undefined): number | undefined {
  if (!mock) return undefined;
  const m = { hours: 0, minutes: 0, seconds: 0, ...mock };
  return Date.UTC(m.year, m.month, m.date, m.hours, m.minutes, m.seconds);
}

/** Run one test; resolves with the list of mismatches (empty when it passes). */
export async function runConformanceTest(engineModule: EngineModule, test: ConformanceTest): Promise<string[]> {
  const frozen = mockDateToMs(test.mockDate);
  const calls: unknown[] = [];
  const fetchApi = async (url: string) => {
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
  const problems: string[] = [];
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
