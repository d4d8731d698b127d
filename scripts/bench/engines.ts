// Both SDKs behind the shapes the benchmark times: engines as `decide(request)`, clients as
// `getAttributes`. Ours comes from the built dist; the reference is configured as Adobe's Node
// SDK configures it (PSL domains). Adobe's packages have no types: the interfaces below name
// what the benchmark uses of them.
import { createRequire } from "node:module";
import type { TargetClientOptions } from "../../packages/client/dist/index.js";
import type { Artifact, DeliveryRequest, FetchApi } from "../../packages/engine/dist/index.js";

const require = createRequire(import.meta.url);

/** An engine the benchmark times: one decision per call, awaited or not. */
export interface BenchEngine {
  decide(request: DeliveryRequest): unknown;
  close(): Promise<void>;
}

/** Adobe's engine, as far as the benchmark uses it. */
interface ReferenceEngine {
  getOffers(options: { request: DeliveryRequest }): Promise<unknown>;
  stopPolling(): void;
}
/** What `require("@adobe/target-decisioning-engine")` returns. */
export type ReferenceEngineFactory = (config: Record<string, unknown>, telemetry: unknown) => Promise<ReferenceEngine>;
/** What the benchmark uses of `require("@adobe/target-tools")`. */
export interface ReferenceTools {
  parseDomainPsl: unknown;
  TelemetryProvider(enabled: boolean, method: string): unknown;
}

/** The answer of `getAttributes` in both SDKs, as far as the benchmark reads it. */
export interface AttributesAnswer {
  getValue(mbox: string, key: string): unknown;
}

/** What the benchmark calls on either SDK's TargetClient. */
export interface TargetLike {
  getAttributes(mboxes: string[], options: { request: DeliveryRequest }): Promise<AttributesAnswer>;
}

/** Adobe's TargetClient (@adobe/target-nodejs-sdk 2.4.3), as far as the benchmark uses it. */
export interface ReferenceTargetClient extends TargetLike {
  decisioningEngine?: { stopPolling?(): void };
}

/** What `require("@adobe/target-nodejs-sdk")` returns, as far as the benchmark uses it. */
export interface ReferenceTargetClientClass {
  create(options: TargetClientOptions | Record<string, unknown>): ReferenceTargetClient;
}

/** Our engine through the async contract (`createDecisioningEngine().getOffers`). */
export async function ourEngine(artifact: Artifact, client: string): Promise<BenchEngine> {
  const { createDecisioningEngine } = await import("../../packages/engine/dist/index.js");
  const engine = await createDecisioningEngine({
    client,
    organizationId: "bench@AdobeOrg",
    artifactPayload: artifact,
    pollingInterval: 0,
    sendNotificationFunc: () => {},
  });
  return { decide: (request) => engine.getOffers({ request }), close: () => engine.close() };
}

/** Our synchronous zero-I/O decider. */
export async function ourDecider(artifact: Artifact, client: string): Promise<BenchEngine> {
  const { createDecider } = await import("../../packages/engine/dist/index.js");
  const decider = createDecider({ client, artifact });
  return { decide: (request) => decider.decide({ request }).response, close: async () => {} };
}

/** Adobe's reference engine, @adobe/target-decisioning-engine 1.9.3. */
export async function referenceEngine(artifact: Artifact, client: string): Promise<BenchEngine> {
  const createEngine = require("@adobe/target-decisioning-engine") as ReferenceEngineFactory;
  const tools = require("@adobe/target-tools") as ReferenceTools;
  const engine = await createEngine(
    {
      client,
      organizationId: "bench@AdobeOrg",
      artifactPayload: artifact,
      pollingInterval: 0,
      parseDomainImpl: tools.parseDomainPsl,
      sendNotificationFunc: () => Promise.resolve(),
    },
    tools.TelemetryProvider(true, "on-device"),
  );
  return { decide: (request) => engine.getOffers({ request }), close: async () => engine.stopPolling() };
}

/** Delivery API calls a stub has answered. */
interface CallCount {
  calls: number;
}

/**
 * A Delivery API stand-in per client: answers every POST at once, so nothing leaves the
 * machine, and counts the calls, so a run can wait until every notification owed went out.
 */
function deliveryStub(): { fetchApi: FetchApi; counts: CallCount } {
  const counts = { calls: 0 };
  const body = JSON.stringify({ status: 200, requestId: "stub", client: "bench", id: {}, edgeHost: "mboxedge28.tt.omtrdc.net" });
  // A plain function, not an async one: the reference ignores an async fetchApi.
  const fetchApi: FetchApi = () => {
    counts.calls += 1;
    return Promise.resolve(new Response(body, { headers: { "content-type": "application/json" } }));
  };
  return { fetchApi, counts };
}

/** Scenario 4 waits, untimed, for every notification owed after this many calls. */
export const SETTLE_EVERY = 256;

const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
const tick = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

/**
 * Resolves once `calls` Delivery API calls have been made, and a few turns of the event loop
 * later (their answers are read by then). Timers are let fire too: both SDKs send from a timer.
 */
async function settled(counts: CallCount, calls: number): Promise<void> {
  for (let spins = 0; counts.calls < calls; spins++) {
    if (spins > 5000) throw new Error(`notifications did not settle: ${counts.calls} of ${calls} sent`);
    await (spins % 4 === 3 ? tick() : turn());
  }
  for (let i = 0; i < 4; i++) await turn();
}

/** A client made by `create`, once its `clientReady` event has fired. */
function whenReady<T>(create: (ready: () => void) => T): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("client not ready within 10 s")), 10000);
    const client = create(() => {
      clearTimeout(timer);
      setImmediate(() => resolve(client));
    });
  });
}

/** The options both SDKs' clients are created with: on-device, the artifact given, the stub as transport. */
function clientOptions(artifact: Artifact, client: string, fetchApi: FetchApi, clientReady: () => void): TargetClientOptions {
  return {
    client,
    organizationId: "bench@AdobeOrg",
    decisioningMethod: "on-device",
    artifactPayload: artifact,
    pollingInterval: 0,
    fetchApi,
    events: { clientReady },
  };
}

/**
 * A TargetClient behind one shape: `getAttributes`, `settled()` (resolves once every
 * notification owed so far went out), and the notifications it dropped.
 */
export interface BenchClient {
  getAttributes(mboxes: string[], options: { request: DeliveryRequest }): Promise<AttributesAnswer>;
  settled(): Promise<void>;
  dropped(): number;
  close(): Promise<void>;
}

/** Counts what a client owes: calls made before the first decision (none are expected) are not owed by decisions. */
function owing(target: TargetLike, counts: CallCount): Pick<BenchClient, "getAttributes" | "settled"> {
  let owed = counts.calls;
  return {
    getAttributes: (mboxes, options) => {
      owed += 1;
      return target.getAttributes(mboxes, options);
    },
    settled: () => settled(counts, owed),
  };
}

/** Our TargetClient's on-device getAttributes; `extra` options go to `TargetClient.create`. */
export async function ourClient(artifact: Artifact, client: string, extra: Partial<TargetClientOptions> = {}): Promise<BenchClient> {
  const { default: TargetClient } = await import("../../packages/client/dist/index.js");
  const stub = deliveryStub();
  const target = await whenReady((ready) => TargetClient.create({ ...extra, ...clientOptions(artifact, client, stub.fetchApi, ready) }));
  return { ...owing(target, stub.counts), dropped: () => target.getNotificationStats().dropped, close: () => target.close() };
}

/** Adobe's TargetClient (@adobe/target-nodejs-sdk 2.4.3), on-device. */
export async function referenceClient(artifact: Artifact, client: string): Promise<BenchClient> {
  const TargetClient = require("@adobe/target-nodejs-sdk") as ReferenceTargetClientClass;
  const stub = deliveryStub();
  const target = await whenReady((ready) => TargetClient.create(clientOptions(artifact, client, stub.fetchApi, ready)));
  return { ...owing(target, stub.counts), dropped: () => 0, close: async () => target.decisioningEngine?.stopPolling?.() };
}
