// Differential test: the same seeded requests through our engine and through Adobe's reference
// engine (@adobe/target-decisioning-engine 1.9.3, used here as an oracle only), comparing the
// responses and the notification payloads as JSON.
//
//   npx -y pnpm@10.34.8 build
//   pnpm differential [--seeds N] [--from S] [--show K] [--seed S] [--verbose]   (scripts/differential/compare.ts)
//
// Determinism: the global Date is frozen at each case's instant (the reference reads
// `Date.now()`/`new Date()`; ours gets `platform.now`), and fresh ids are made constant on both
// sides (the reference draws them from `crypto.randomFillSync`, patched here to fill zeros; ours
// gets `platform.uuid` returning the same v4 id), so responses can be compared verbatim.
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import type { DecisioningConfig, DecisioningEngine, GetOffersOptions } from "@decisioning/engine";
import { type ReferenceEngine, referenceEngineFactory, targetTools } from "../reference/adobe.js";
import { type Flavour, type GeneratedCase, type GeneratedOptions, type JsonObject, type NamedArtifact, createGenerator, loadArtifacts } from "./generate.js";

const require = createRequire(import.meta.url);

/** The v4 id that 16 zero bytes give: what both engines mint while ids are frozen. */
export const FROZEN_UUID = "00000000000040008000000000000000";
const CLIENT = "diffclient";
const ORGANIZATION_ID = "0123456789ABCDEF01234567@AdobeOrg";
/** When engines are created (trace `artifactLastRetrieved`). */
const CREATED_AT = Date.UTC(2024, 0, 2, 3, 4, 5, 678);

// ---------------------------------------------------------------------------------------
// Frozen clock and ids.

/** The global clock while a differential runs: frozen at an instant, or running (`null`). */
export interface Clock {
  set(t: number | null): void;
  now(): number;
  restore(): void;
}

/** Replace the global Date with one frozen at `set(t)`; `restore()` puts the real one back. */
export function installClock(): Clock {
  const RealDate = globalThis.Date;
  // Date's constructor as it behaves: any arguments, passed on (its typed overloads cannot be spread into).
  const DateBase = RealDate as unknown as new (...args: unknown[]) => Date;
  let frozen: number | null = null;
  class FrozenDate extends DateBase {
    constructor(...args: unknown[]) {
      if (args.length === 0 && frozen !== null) super(frozen);
      else super(...args);
    }
    static now() {
      return frozen !== null ? frozen : RealDate.now();
    }
  }
  globalThis.Date = FrozenDate as unknown as DateConstructor;
  return {
    set(t) {
      frozen = t;
    },
    now: () => (frozen !== null ? frozen : RealDate.now()),
    restore() {
      globalThis.Date = RealDate;
    },
  };
}

/** Make the reference's ids constant: its uuid() reads 16-byte slices of `crypto.randomFillSync`. */
export function freezeReferenceIds(): () => void {
  // The CommonJS view, whose properties can be replaced (an ES module namespace's cannot).
  const nodeCrypto = require("node:crypto") as { randomFillSync: <T extends Uint8Array>(buffer: T) => T };
  const original = nodeCrypto.randomFillSync;
  nodeCrypto.randomFillSync = (buffer) => {
    buffer.fill(0);
    return buffer;
  };
  return () => {
    nodeCrypto.randomFillSync = original;
  };
}

// ---------------------------------------------------------------------------------------
// A fake geo service, the same for both engines. A plain function (the reference ignores
// `async function` fetch implementations, decisioning.md section 7).

const GEO_BY_IP: Record<string, Record<string, string | number | null>> = {
  "8.8.8.8": { "x-geo-country-code": "US", "x-geo-region-code": "CA", "x-geo-city": "SAN FRANCISCO", "x-geo-latitude": 37.75, "x-geo-longitude": -122.4 },
  "2001:db8::1": { "x-geo-country-code": "CA", "x-geo-region-code": "BC", "x-geo-city": "VANCOUVER", "x-geo-latitude": "49.28", "x-geo-longitude": "-123.12" },
  "192.168.1.1": { "x-geo-country-code": "JP" },
  " 1.2.3.4 ": { "x-geo-city": "SAN JOSE", "x-geo-latitude": "37.3abc", "x-geo-longitude": null },
};
const GEO_OF_CALLER = { "x-geo-country-code": "ZA", "x-geo-region-code": "WC", "x-geo-city": "CAPE TOWN", "x-geo-latitude": -33.92, "x-geo-longitude": 18.42 };

function fakeFetch(url: string, init: { headers?: Record<string, string> } = {}): Promise<Response> {
  if (!/\/v1\/geo$/.test(String(url))) return Promise.resolve(new Response("not found", { status: 404 }));
  const headers = init.headers ?? {};
  const ip = headers["x-forwarded-for"];
  const body = ip === undefined ? GEO_OF_CALLER : (GEO_BY_IP[ip] ?? {});
  return Promise.resolve(new Response(JSON.stringify(body), { status: 200, headers: { "content-type": "application/json" } }));
}

// ---------------------------------------------------------------------------------------
// Comparison helpers.

const isObj = (v: unknown): v is JsonObject => v !== null && typeof v === "object";

/** Where two JSON values differ: the path, each side's value there, and what about it. */
export interface Difference {
  path: string;
  /** The reference's side (or the first value). */
  a: unknown;
  /** Ours (or the second value). */
  b: unknown;
  note?: string;
  /** Which comparison found it: the response, the notifications, the events, … */
  where?: string;
}

/** The first place two JSON values differ: `{path, a, b}` (key order counts), or undefined. */
export function firstDifference(a: unknown, b: unknown, path = "$"): Difference | undefined {
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b)) return { path, a, b };
    const n = Math.max(a.length, b.length);
    for (let i = 0; i < n; i++) {
      if (i >= a.length || i >= b.length) return { path: `${path}[${i}]`, a: a[i], b: b[i], note: `length ${a.length} vs ${b.length}` };
      const d = firstDifference(a[i], b[i], `${path}[${i}]`);
      if (d) return d;
    }
    return undefined;
  }
  if (isObj(a) && isObj(b)) {
    const ka = Object.keys(a);
    const kb = Object.keys(b);
    for (const k of ka) if (!Object.hasOwn(b, k)) return { path: `${path}.${k}`, a: a[k], b: "<absent>" };
    for (const k of kb) if (!Object.hasOwn(a, k)) return { path: `${path}.${k}`, a: "<absent>", b: b[k] };
    for (const k of ka) {
      const d = firstDifference(a[k], b[k], `${path}.${k}`);
      if (d) return d;
    }
    if (ka.join("\u0000") !== kb.join("\u0000")) return { path, a: ka, b: kb, note: "key order" };
    return undefined;
  }
  return Object.is(a, b) ? undefined : { path, a, b };
}

const json = (value: unknown): unknown => (value === undefined ? undefined : JSON.parse(JSON.stringify(value)));

/** A notification payload as JSON: the Delivery API request carrying the notifications. */
interface PayloadJson {
  request?: { telemetry?: unknown; notifications?: Array<{ id?: unknown; impressionId?: unknown }> };
}

function normalizeNotifications(payloads: unknown[], ours: boolean): unknown[] {
  return payloads.map((payload) => {
    const p = json(payload) as PayloadJson | undefined;
    if (ours && p?.request) delete p.request.telemetry;
    for (const n of p?.request?.notifications ?? []) {
      if (typeof n.id === "string") n.id = "<id>";
      if (typeof n.impressionId === "string") n.impressionId = "<id>";
    }
    return p;
  });
}

const hasExecuteViews = (options: GeneratedOptions) => Array.isArray(options?.request?.execute?.views) && options.request.execute.views.length > 0;

/** A response item as JSON: its options (each with a type). */
interface ItemJson {
  options?: Array<{ type?: string }>;
}

/** A mode of a response as JSON. */
interface ModeJson {
  mboxes?: ItemJson[];
  views?: ItemJson[];
  pageLoad?: ItemJson;
}

/** A Delivery API response as JSON, as far as coverage looks. */
interface ResponseJson {
  status?: number;
  execute?: ModeJson;
  prefetch?: ModeJson;
}

/** What an identical case exercised, to tell a meaningful run from a vacuous one. */
function coverageOf(response: ResponseJson, notifications: PayloadJson[], testCase: GeneratedCase): string[] {
  const keys: string[] = [];
  const text = JSON.stringify(response);
  const items: Array<[string, ItemJson]> = [];
  for (const mode of ["execute", "prefetch"] as const) {
    const m = response[mode];
    if (!m) continue;
    for (const item of [...(m.mboxes ?? []), ...(m.views ?? []), ...(m.pageLoad ? [m.pageLoad] : [])]) items.push([mode, item]);
  }
  for (const [mode, item] of items) if (item.options?.length) keys.push(`${mode} option`);
  if (items.some(([, item]) => item.options?.some((o) => o.type === "html" || o.type === "actions"))) keys.push("html/actions option");
  if (response.prefetch?.views?.length) keys.push("prefetch view");
  if (response.execute?.views?.length) keys.push("execute view");
  if (response.status === 206) keys.push("status 206");
  if (text.includes('"trace"')) keys.push("trace");
  if (notifications.some((n) => n.request?.notifications?.length)) keys.push("display notification");
  if (notifications.length === 0) keys.push("no notification call");
  const geo = testCase.options.request.context?.geo as JsonObject | undefined;
  if (geo && Object.keys(geo).length === 1 && geo.ipAddress) keys.push("ip-only geo");
  if (/geo\.(city|country|state)/.test(text)) keys.push("geo response token");
  return [...new Set(keys)];
}

/** Overwrite every scalar and grow every array of a response, as a careless caller might. */
function vandalize(value: unknown, seen = new Set<object>()): void {
  if (value === null || typeof value !== "object" || seen.has(value)) return;
  seen.add(value);
  if (Array.isArray(value)) {
    for (const item of value) vandalize(item, seen);
    value.push("vandalized");
    return;
  }
  const object = value as JsonObject;
  for (const key of Object.keys(object)) {
    if (object[key] !== null && typeof object[key] === "object") vandalize(object[key], seen);
    else object[key] = "vandalized";
  }
  object.vandalized = true;
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

/** An engine module under test (the build or the sources): our contract's factory. */
export interface EngineModule {
  createDecisioningEngine(config: DecisioningConfig): Promise<DecisioningEngine>;
}

/** Where a case is reported: its seed, artifact and flavour, and the case itself. */
export interface CaseRecord {
  seed: number;
  artifact: string;
  flavour: Flavour;
  case: GeneratedCase;
}

/** How a case ended. */
export type CaseOutcome = "identical" | "different" | "reference-throws" | "reference-mutates";

/** What {@link runDifferential} runs. */
export interface DifferentialOptions {
  engineModule: EngineModule;
  /** How many seeds, from `from` (default 1000 from 1). */
  seeds?: number;
  from?: number;
  /** These seeds only, instead. */
  only?: number[];
  artifacts?: NamedArtifact[];
  onCase?: (record: CaseRecord, outcome: CaseOutcome) => void;
}

/** What a differential run found. Cases that differ are the only failures. */
export interface DifferentialSummary {
  compared: number;
  identical: number;
  different: Array<CaseRecord & Difference>;
  /** Cases where the reference throws (a defect of its own), and what we did. */
  referenceThrows: Array<CaseRecord & { error: string; ours: string }>;
  /** The reference's known failure on execute.views that merge two matches. */
  executeViewsThrows: number;
  /** Those execute.views cases where we threw too. */
  oursThrows: Array<CaseRecord & { error: string }>;
  /** Cases where the reference wrote into the caller's request, so the answers cannot be compared. */
  referenceMutates: Array<CaseRecord & { ours: string }>;
  /** How many identical cases exercised each feature. */
  coverage: Record<string, number>;
}

/** One recorded event of an engine. */
interface EngineEvent {
  name: string;
  payload: unknown;
}

// ---------------------------------------------------------------------------------------
// The runner.

/**
 * Run seeds `from .. from+seeds-1` through `engineModule` (exports createDecisioningEngine)
 * and the reference. Resolves with a summary; never throws for a difference.
 */
export async function runDifferential({
  engineModule,
  seeds = 1000,
  from = 1,
  only,
  artifacts = loadArtifacts(),
  onCase,
}: DifferentialOptions): Promise<DifferentialSummary> {
  const Reference = referenceEngineFactory();
  const tools = targetTools();
  const generator = createGenerator(artifacts);
  const byName = new Map(generator.artifacts.map((a) => [a.name, a.artifact]));

  const clock = installClock();
  const restoreIds = freezeReferenceIds();
  const engines = new Map<string, { ref: ReferenceEngine; ours: DecisioningEngine }>();
  const sink = { ref: [] as PayloadJson[], ours: [] as PayloadJson[], refEvents: [] as EngineEvent[], ourEvents: [] as EngineEvent[] };

  async function enginesFor(name: string, flavour: Flavour) {
    const key = `${name}|${flavour}`;
    let pair = engines.get(key);
    if (pair) return pair;
    const artifact = byName.get(name);
    const telemetryEnabled = flavour !== "psl-no-telemetry";
    const basic = flavour === "basic";
    clock.set(CREATED_AT);
    const ref = await Reference(
      {
        client: CLIENT,
        organizationId: ORGANIZATION_ID,
        artifactPayload: structuredClone(artifact),
        pollingInterval: 0,
        ...(basic ? {} : { parseDomainImpl: tools.parseDomainPsl }),
        fetchApi: fakeFetch,
        telemetryEnabled,
        eventEmitter: (name, payload) => sink.refEvents.push({ name, payload }),
        sendNotificationFunc: (payload) => {
          sink.ref.push(payload);
          return Promise.resolve();
        },
      },
      tools.TelemetryProvider(telemetryEnabled, "on-device"),
    );
    const ours = await engineModule.createDecisioningEngine({
      client: CLIENT,
      organizationId: ORGANIZATION_ID,
      artifactPayload: structuredClone(artifact),
      pollingInterval: 0,
      ...(basic ? { parseDomainImpl: "basic" } : {}),
      fetchApi: fakeFetch,
      telemetryEnabled,
      eventEmitter: (name, payload) => sink.ourEvents.push({ name, payload }),
      sendNotificationFunc: (payload) => {
        sink.ours.push(payload);
        return Promise.resolve();
      },
      platform: { now: () => clock.now(), uuid: () => FROZEN_UUID },
    });
    clock.set(null);
    pair = { ref, ours };
    engines.set(key, pair);
    return pair;
  }

  const summary: DifferentialSummary = {
    compared: 0,
    identical: 0,
    different: [],
    referenceThrows: [],
    executeViewsThrows: 0,
    oursThrows: [],
    referenceMutates: [],
    coverage: {},
  };
  const cover = (key: string) => {
    summary.coverage[key] = (summary.coverage[key] ?? 0) + 1;
  };
  const seedList = only ?? Array.from({ length: seeds }, (_, i) => from + i);
  try {
    for (const seed of seedList) {
      const testCase = generator.generate(seed);
      const { ref, ours } = await enginesFor(testCase.artifactName, testCase.flavour);
      sink.ref = [];
      sink.ours = [];
      sink.refEvents = [];
      sink.ourEvents = [];
      clock.set(testCase.now);
      let refResult: unknown;
      let refError: unknown;
      let ourResult: unknown;
      let ourError: unknown;
      // Every 20th case is asked three times in a row before any timer runs: notification
      // payloads must still be one call per decision, in order.
      const repeat = seed % 20 === 0 ? 3 : 1;
      const refInput = structuredClone(testCase.options);
      const refAgain: unknown[] = [];
      try {
        refResult = json(await ref.getOffers(refInput));
        for (let i = 1; i < repeat; i++) refAgain.push(json(await ref.getOffers(structuredClone(testCase.options))));
      } catch (error) {
        refError = error;
      }
      const ourInput = structuredClone(testCase.options);
      const ourAgain: unknown[] = [];
      let ourRaw: unknown;
      try {
        // Requests are at times odd on purpose: they reach the engine as a caller's JSON would.
        ourRaw = await ours.getOffers(ourInput as GetOffersOptions);
        ourResult = json(ourRaw);
        for (let i = 1; i < repeat; i++) ourAgain.push(json(await ours.getOffers(structuredClone(testCase.options) as GetOffersOptions)));
      } catch (error) {
        ourError = error;
      }
      await tick();
      await tick();
      clock.set(null);
      const record: CaseRecord = { seed, artifact: testCase.artifactName, flavour: testCase.flavour, case: testCase };
      if (refError) {
        if (hasExecuteViews(testCase.options) && /not iterable|Cannot read|undefined/.test(String(refError))) {
          summary.executeViewsThrows += 1;
          if (ourError) summary.oursThrows.push({ ...record, error: String(ourError) });
        } else {
          summary.referenceThrows.push({
            ...record,
            error: String((refError as Error | undefined)?.stack ?? refError),
            ours: ourError ? String(ourError) : "answered",
          });
        }
        onCase?.(record, "reference-throws");
        continue;
      }
      if (JSON.stringify(refInput) !== JSON.stringify(testCase.options)) {
        // The reference expands dotted parameter keys in place, into the caller's own
        // parameter objects (`{"a": {...}, "a.b": "x"}`), and its traces then show the
        // mutated request. We never write into the caller's request (mbox.ts), so such
        // cases are reported apart, not compared.
        summary.referenceMutates.push({ ...record, ours: ourError ? String(ourError) : "answered" });
        onCase?.(record, "reference-mutates");
        continue;
      }
      summary.compared += 1;
      if (ourError) {
        summary.different.push({ ...record, path: "<throws>", a: "response", b: String((ourError as Error | undefined)?.stack ?? ourError) });
        onCase?.(record, "different");
        continue;
      }
      let diff = firstDifference(refResult, ourResult);
      if (diff) diff.where = "response";
      if (!diff) {
        diff = firstDifference(refAgain, ourAgain, "$repeated");
        if (diff) diff.where = "repeated responses";
      }
      if (!diff) {
        diff = firstDifference(normalizeNotifications(sink.ref, false), normalizeNotifications(sink.ours, true), "$notifications");
        if (diff) diff.where = "notifications";
      }
      if (!diff) {
        diff = firstDifference(json(sink.refEvents), json(sink.ourEvents), "$events");
        if (diff) diff.where = "events";
      }
      if (!diff && JSON.stringify(ourInput) !== JSON.stringify(testCase.options)) {
        diff = { path: "$request", a: testCase.options, b: ourInput, where: "ours mutated the request" };
      }
      if (!diff && seed % 10 === 0) {
        // A caller that scribbles over its response must not change the next answer.
        try {
          vandalize(ourRaw);
          clock.set(testCase.now);
          const again = json(await ours.getOffers(structuredClone(testCase.options) as GetOffersOptions));
          await tick();
          clock.set(null);
          diff = firstDifference(ourResult, again, "$again");
          if (diff) diff.where = "after mutating our previous response";
        } catch (error) {
          diff = { path: "$", a: "a mutable response", b: String(error), where: "mutating our response" };
        }
      }
      if (!diff) {
        const request = testCase.options.request;
        diff = firstDifference(
          json(ref.hasRemoteDependency(structuredClone(request))),
          json(ours.hasRemoteDependency(structuredClone(request) as GetOffersOptions["request"])),
          "$hasRemoteDependency",
        );
        if (diff) diff.where = "hasRemoteDependency";
      }
      if (diff) {
        summary.different.push({ ...record, ...diff });
        onCase?.(record, "different");
      } else {
        summary.identical += 1;
        coverageOf(refResult as ResponseJson, sink.ref, testCase).forEach(cover);
        onCase?.(record, "identical");
      }
    }
  } finally {
    for (const { ref, ours } of engines.values()) {
      ref.stopPolling();
      await ours.close?.();
    }
    clock.restore();
    restoreIds();
  }
  return summary;
}

const short = (v: unknown) => {
  const s = JSON.stringify(v);
  return s === undefined ? "undefined" : s.length > 300 ? `${s.slice(0, 300)}…` : s;
};

/** Human-readable summary lines. */
export function formatSummary(summary: DifferentialSummary, show = 5): string {
  const lines: string[] = [];
  lines.push(
    `compared ${summary.compared}, identical ${summary.identical}, different ${summary.different.length}, ` +
      `reference throws ${summary.referenceThrows.length} (+${summary.executeViewsThrows} execute.views, known defect), ` +
      `reference mutates the request ${summary.referenceMutates.length}`,
  );
  const byPath = new Map<string, number>();
  for (const d of summary.different) {
    const key = `${d.where ?? ""} ${d.path.replace(/\[\d+\]/g, "[]")}`;
    byPath.set(key, (byPath.get(key) ?? 0) + 1);
  }
  if (byPath.size) {
    lines.push("differences by path:");
    for (const [k, n] of [...byPath].sort((a, b) => b[1] - a[1])) lines.push(`  ${n}\t${k}`);
  }
  for (const d of summary.different.slice(0, show)) {
    lines.push(`- seed ${d.seed} (${d.artifact}, ${d.flavour}) ${d.where ?? ""} ${d.path}${d.note ? ` [${d.note}]` : ""}`);
    lines.push(`    reference: ${short(d.a)}`);
    lines.push(`    ours:      ${short(d.b)}`);
  }
  const throwsByMessage = new Map<string, DifferentialSummary["referenceThrows"]>();
  for (const t of summary.referenceThrows) {
    // Group by message shape: the values quoted in V8's wording vary from case to case.
    const key = (t.error.split("\n")[0] as string)
      .replace(/ on (string|number|boolean) '[^']*'/, " on $1 '…'")
      .replace(/ of string '[^']*'/, " of string '…'")
      .replace(/property '[^']*'/, "property '…'");
    const list = throwsByMessage.get(key) ?? [];
    list.push(t);
    throwsByMessage.set(key, list);
  }
  if (throwsByMessage.size) lines.push("reference throws:");
  for (const [message, list] of throwsByMessage) {
    lines.push(
      `  ${list.length}\t${message} (seeds ${list
        .slice(0, 5)
        .map((t) => t.seed)
        .join(", ")}; ours: ${[...new Set(list.map((t) => t.ours))].join(" / ")})`,
    );
  }
  const coverage = Object.entries(summary.coverage ?? {}).sort((a, b) => b[1] - a[1]);
  if (coverage.length) lines.push(`coverage (identical cases): ${coverage.map(([k, n]) => `${k} ${n}`).join(", ")}`);
  if (summary.oursThrows.length)
    lines.push(
      `ours threw on ${summary.oursThrows.length} execute.views cases: seeds ${summary.oursThrows
        .slice(0, 5)
        .map((t) => t.seed)
        .join(", ")}`,
    );
  return lines.join("\n");
}

/** The command line's options. */
interface Args {
  seeds: number;
  from: number;
  show: number;
  verbose: boolean;
  only: number[] | undefined;
}

function argsOf(argv: string[]): Args {
  const out: Args = { seeds: 2000, from: 1, show: 8, verbose: false, only: undefined };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--seeds") out.seeds = Number(argv[++i]);
    else if (a === "--from") out.from = Number(argv[++i]);
    else if (a === "--show") out.show = Number(argv[++i]);
    else if (a === "--seed") out.only = [...(out.only ?? []), Number(argv[++i])];
    else if (a === "--verbose") out.verbose = true;
  }
  return out;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const args = argsOf(process.argv.slice(2));
  const engineModule = await import("../../packages/engine/dist/index.js");
  const started = performance.now();
  const summary = await runDifferential({ engineModule, seeds: args.seeds, from: args.from, only: args.only });
  console.log(formatSummary(summary, args.show));
  if (args.verbose) {
    for (const d of summary.different.slice(0, args.show)) console.log(JSON.stringify(d.case, null, 1));
    for (const t of summary.referenceThrows.slice(0, args.show)) console.log(t.seed, t.error, JSON.stringify(t.case));
  }
  console.log(`(${((performance.now() - started) / 1000).toFixed(1)} s)`);
  process.exitCode = summary.different.length === 0 ? 0 : 1;
}
