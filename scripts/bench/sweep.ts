/**
 * The cost of every input of Adobe's conformance schema, ours against the reference engine's,
 * in one process: each input is decided over and over by both engines (configured as its test
 * configures them, the artifact and geo answers served by an in-process fetch), and the ratio
 * of their median costs per call is reported, worst first. Two real-world inputs the schema
 * lacks follow: an offer with 14 campaign macros and a traced page load, both on
 * artifact-large.json. Prints one JSON line (a `SweepResult`).
 *
 * Usage: node --import ./scripts/lib/ts.mjs scripts/bench/sweep.ts [--time 150] [--quick]
 *   --quick  a smoke run: a few short batches per input, a short warm-up
 */
import { createRequire } from "node:module";
import { parseArgs } from "node:util";
import { loadConformanceTests } from "../conformance/harness.js";
import { printResult } from "./child.js";
import type { Artifact, Context, GetOffersOptions } from "../../packages/engine/dist/index.js";
import type { ReferenceEngineFactory, ReferenceTools } from "./engines.js";
import type { SweepResult, SweepRow } from "./results.js";
import { sweepSummary } from "./sweep-summary.js";
import { CHROME_MAC, clientCodeOf, conformanceRoot, largeArtifactPath, readJson } from "./scenarios.js";

const require = createRequire(import.meta.url);
const { values } = parseArgs({ options: { time: { type: "string" }, quick: { type: "boolean", default: false } } });
/** How each engine's cost is taken: ms of timed calls and of warm-up per input, calls per batch, batches at least. */
const plan = values.quick
  ? { budgetMs: Number(values.time ?? 5), warmupMs: { ours: 10, reference: 5 }, batch: 8, minBatches: 3 }
  : { budgetMs: Number(values.time ?? 150), warmupMs: { ours: 100, reference: 50 }, batch: 32, minBatches: 5 };

interface Input {
  id: string;
  conf: Record<string, unknown>;
  artifact: unknown;
  input: GetOffersOptions;
  mockGeo?: unknown;
  mockDate?: { year: number; month: number; date: number; hours?: number; minutes?: number; seconds?: number };
}

/** Either engine, as the sweep calls it: `getOffers` with a test's input (`{request, …}`). */
interface Engine {
  getOffers(options: GetOffersOptions): Promise<unknown>;
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
  const createEngine = require("@adobe/target-decisioning-engine") as ReferenceEngineFactory;
  const tools = require("@adobe/target-tools") as ReferenceTools;
  const engine = await createEngine(
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
  const { batch, budgetMs, minBatches } = plan;
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
    } while (performance.now() < end || (phase === "measure" && perCall.length < minBatches));
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
    input: test.input as GetOffersOptions,
    mockGeo: test.mockGeo,
    mockDate: test.mockDate as Input["mockDate"],
  }));
}

/** The real-world inputs the schema lacks: many macros in one offer, and trace on a page load. */
function realWorldInputs(): Input[] {
  const path = largeArtifactPath();
  const artifact = readJson<Artifact>(path);
  const conf = { client: clientCodeOf(path), organizationId: "bench@AdobeOrg" };
  const context: Context = { channel: "web", address: { url: "https://www.adobe.com/?x=1" }, userAgent: CHROME_MAC };
  return [
    {
      id: "real-world › the macros mbox (14 campaign macros)",
      conf,
      artifact,
      input: {
        request: { id: { tntId: "sweep-1" }, context, execute: { mboxes: [{ name: "macros", index: 1, parameters: { user: "Kate", pgname: "home" } }] } },
      },
    },
    {
      id: "real-world › traced page load with every view",
      conf,
      artifact,
      input: { request: { id: { tntId: "sweep-2" }, context, trace: { authorizationToken: "token" }, execute: { pageLoad: {} }, prefetch: { views: [{}] } } },
    },
  ];
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
  const oursUs = await cost(o, input, plan.warmupMs.ours);
  const referenceUs = await cost(r, input, plan.warmupMs.reference);
  await Promise.all([o.close(), r.close()]);
  rows.push({ id: input.id, oursUs, referenceUs, ratio: referenceUs / oursUs });
  console.error(`${input.id}: ours ${oursUs.toFixed(2)} µs, reference ${referenceUs.toFixed(1)} µs, ${(referenceUs / oursUs).toFixed(0)}x`);
}
const summary = sweepSummary(rows);
const ratio = (row: SweepRow | undefined) => `${row?.ratio?.toFixed(0)}x`;
console.error(
  `inputs: ${summary.measured.length} measured, ${summary.skipped.length} left out; worst ${ratio(summary.worst)}, median ${summary.medianRatio.toFixed(0)}x, worst macro input ${ratio(summary.worstMacro)}`,
);
printResult({ node: process.version, rows } satisfies SweepResult);
process.exit(0);
