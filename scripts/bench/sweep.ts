/**
 * The cost of every input of Adobe's conformance schema, ours against the reference engine's,
 * in one process: each input is decided over and over by both engines (configured as its test
 * configures them, the artifact and geo answers served by an in-process fetch), and the ratio
 * of their median costs per call is reported, worst first. Two real-world inputs the schema
 * lacks follow: an offer with 14 campaign macros and a traced page load, both on
 * artifact-large.json.
 *
 * Usage: node --import ./scripts/lib/ts.mjs scripts/bench/sweep.ts [--time 150] [--json]
 */
import { createRequire } from "node:module";
import { loadConformanceTests } from "../conformance/harness.js";
import { conformancePath, conformanceRoot, readJson } from "./scenarios.mjs";

const require = createRequire(import.meta.url);
const args = process.argv.slice(2);
const option = (name: string, fallback: string): string => {
  const i = args.indexOf(name);
  return i === -1 ? fallback : (args[i + 1] ?? fallback);
};
/** Milliseconds of calls per engine and input, after warming up. */
const budgetMs = Number(option("--time", "150"));

interface Input {
  id: string;
  conf: Record<string, unknown>;
  artifact: unknown;
  input: Record<string, unknown>;
  mockGeo?: unknown;
  mockDate?: { year: number; month: number; date: number; hours?: number; minutes?: number; seconds?: number };
}

interface Engine {
  getOffers(options: unknown): Promise<unknown>;
  close(): Promise<void> | void;
}

/** The artifact for any URL, the test's geo answer for the geo service: as the conformance runner serves them. */
function fetchFor(input: Input) {
  // A plain function, not an async one: the reference ignores an async fetchApi (a defect we do not share).
  return (url: string) => {
    const body = /\/v1\/geo$/.test(String(url)) ? (input.mockGeo ?? {}) : input.artifact;
    return Promise.resolve(new Response(JSON.stringify(body), { status: 200, headers: { "content-type": "application/json" } }));
  };
}

function frozenNow(input: Input): number | undefined {
  const mock = input.mockDate;
  if (!mock) return undefined;
  return Date.UTC(mock.year, mock.month, mock.date, mock.hours ?? 0, mock.minutes ?? 0, mock.seconds ?? 0);
}

async function ours(input: Input): Promise<Engine> {
  const { createDecisioningEngine } = await import("../../packages/engine/dist/index.js");
  const now = frozenNow(input);
  return createDecisioningEngine({
    ...(input.conf as { client: string }),
    fetchApi: fetchFor(input),
    pollingInterval: 0,
    sendNotificationFunc: () => {},
    ...(now === undefined ? {} : { platform: { now: () => now } }),
  });
}

async function reference(input: Input): Promise<Engine> {
  const ReferenceEngine = require("@adobe/target-decisioning-engine");
  const tools = require("@adobe/target-tools");
  const engine = await ReferenceEngine(
    {
      ...input.conf,
      fetchApi: fetchFor(input),
      pollingInterval: 0,
      parseDomainImpl: tools.parseDomainPsl,
      sendNotificationFunc: () => Promise.resolve(),
      logger: { debug() {}, error() {} },
    },
    tools.TelemetryProvider(true, "on-device"),
  );
  return { getOffers: (options) => engine.getOffers(options), close: () => engine.stopPolling() };
}

/** Median µs per call: batches of calls on fresh copies of the input (copied outside the clock). */
async function cost(engine: Engine, input: Input, warmupMs: number): Promise<number> {
  const batch = 32;
  const copies = () => Array.from({ length: batch }, () => structuredClone(input.input));
  const perCall: number[] = [];
  for (const [phase, budget] of [
    ["warmup", warmupMs],
    ["measure", budgetMs],
  ] as const) {
    const end = performance.now() + budget;
    do {
      const requests = copies();
      const started = performance.now();
      for (const request of requests) await engine.getOffers(request);
      if (phase === "measure") perCall.push(((performance.now() - started) * 1000) / batch);
    } while (performance.now() < end || (phase === "measure" && perCall.length < 5));
  }
  perCall.sort((a, b) => a - b);
  return perCall[Math.floor(perCall.length / 2)] as number;
}

/** Inputs of the schema that decide (tests that expect the engine to refuse its artifact are left out). */
function schemaInputs(): Input[] {
  return loadConformanceTests(conformanceRoot()).map((test) => ({
    id: `${String(test.suite).replace(/^TEST_SUITE_/, "")} › ${String(test.key)}`,
    conf: test.conf as Record<string, unknown>,
    artifact: test.artifact,
    input: test.input as Record<string, unknown>,
    mockGeo: test.mockGeo,
    mockDate: test.mockDate as Input["mockDate"],
  }));
}

/** The real-world inputs the schema lacks: many macros in one offer, and trace on a page load. */
function realWorldInputs(): Input[] {
  const path = conformancePath("real-world/artifact-large.json");
  const artifact = readJson(path);
  const conf = { client: artifact.meta.clientCode, organizationId: "bench@AdobeOrg" };
  const context = { channel: "web", address: { url: "https://www.adobe.com/?x=1" }, userAgent: "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) Chrome/120.0.0.0 Safari/537.36" };
  return [
    {
      id: "real-world › the macros mbox (14 campaign macros)",
      conf,
      artifact,
      input: { request: { id: { tntId: "sweep-1" }, context, execute: { mboxes: [{ name: "macros", index: 1, parameters: { user: "Kate", pgname: "home" } }] } } },
    },
    {
      id: "real-world › traced page load with every view",
      conf,
      artifact,
      input: { request: { id: { tntId: "sweep-2" }, context, trace: { authorizationToken: "token" }, execute: { pageLoad: {} }, prefetch: { views: [{}] } } },
    },
  ];
}

/** One input's costs, or why it was left out. */
export interface SweepRow {
  id: string;
  oursUs?: number;
  referenceUs?: number;
  ratio?: number;
  skipped?: string;
}

const rows: SweepRow[] = [];
for (const input of [...schemaInputs(), ...realWorldInputs()]) {
  let engines: [Engine, Engine];
  try {
    engines = [await ours(input), await reference(input)];
  } catch (error) {
    rows.push({ id: input.id, skipped: `the engine refuses it: ${error instanceof Error ? error.message : String(error)}` });
    continue;
  }
  const [o, r] = engines;
  // The reference is 100x slower: it warms up on as many calls in a shorter time.
  const oursUs = await cost(o, input, 100);
  const referenceUs = await cost(r, input, 50);
  await Promise.all([o.close(), r.close()]);
  rows.push({ id: input.id, oursUs, referenceUs, ratio: referenceUs / oursUs });
  console.error(`${input.id}: ours ${oursUs.toFixed(2)} µs, reference ${referenceUs.toFixed(1)} µs, ${(referenceUs / oursUs).toFixed(0)}x`);
}
const measured = rows.filter((row) => row.ratio !== undefined).sort((a, b) => (a.ratio as number) - (b.ratio as number));
const ratios = measured.map((row) => row.ratio as number);
console.error(`inputs: ${measured.length} measured, ${rows.length - measured.length} left out; worst ${ratios[0]?.toFixed(0)}x, median ${ratios[Math.floor(ratios.length / 2)]?.toFixed(0)}x`);
console.log(JSON.stringify({ node: process.version, rows }));
