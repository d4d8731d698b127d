// Both engines behind one shape: `decide(request) -> Promise<response>`. Ours comes from the
// built dist; the reference is configured as Adobe's Node SDK configures it (PSL domains).
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);

/** Our engine through the async contract (`createDecisioningEngine().getOffers`). */
export async function ourEngine(artifact, client) {
  const { createDecisioningEngine } = await import("../../packages/engine/dist/index.js");
  const engine = await createDecisioningEngine({ client, organizationId: "bench@AdobeOrg", artifactPayload: artifact, pollingInterval: 0, sendNotificationFunc: () => {} });
  return { decide: (request) => engine.getOffers({ request }), close: () => engine.close() };
}

/** Our synchronous zero-I/O decider, for reference. */
export async function ourDecider(artifact, client) {
  const { createDecider } = await import("../../packages/engine/dist/index.js");
  const decider = createDecider({ client, artifact });
  return { decide: (request) => decider.decide({ request }).response, close: async () => {} };
}

/** Adobe's reference engine, @adobe/target-decisioning-engine 1.9.3. */
export async function referenceEngine(artifact, client) {
  const ReferenceEngine = require("@adobe/target-decisioning-engine");
  const tools = require("@adobe/target-tools");
  const engine = await ReferenceEngine(
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

/**
 * A Delivery API stand-in per client: answers every POST at once, so nothing leaves the
 * machine, and counts the calls, so a run can wait until every notification owed went out.
 */
function deliveryStub() {
  const counts = { calls: 0 };
  const body = JSON.stringify({ status: 200, requestId: "stub", client: "bench", id: {}, edgeHost: "mboxedge28.tt.omtrdc.net" });
  const fetchApi = () => {
    counts.calls += 1;
    return Promise.resolve(new Response(body, { headers: { "content-type": "application/json" } }));
  };
  return { fetchApi, counts };
}

/** Scenario 4 waits, untimed, for every notification owed after this many calls. */
export const SETTLE_EVERY = 256;

const turn = () => new Promise((resolve) => setImmediate(resolve));
const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

/**
 * Resolves once `calls` Delivery API calls have been made, and a few turns of the event loop
 * later (their answers are read by then). Timers are let fire too: both SDKs send from a timer.
 */
async function settled(counts, calls) {
  for (let spins = 0; counts.calls < calls; spins++) {
    if (spins > 5000) throw new Error(`notifications did not settle: ${counts.calls} of ${calls} sent`);
    await (spins % 4 === 3 ? tick() : turn());
  }
  for (let i = 0; i < 4; i++) await turn();
}

async function whenReady(create) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("client not ready within 10 s")), 10000);
    const client = create(() => {
      clearTimeout(timer);
      setImmediate(() => resolve(client));
    });
  });
}

const clientOptions = (artifact, client, fetchApi, clientReady, extra) => ({
  ...extra,
  client,
  organizationId: "bench@AdobeOrg",
  decisioningMethod: "on-device",
  artifactPayload: artifact,
  pollingInterval: 0,
  fetchApi,
  events: { clientReady },
});

/**
 * A TargetClient behind one shape: `getAttributes`, `settled()` (resolves once every
 * notification owed so far went out), `counts` (Delivery API calls made) and the `target` itself.
 */
async function benchClient(TargetClient, artifact, client, extra = {}) {
  const stub = deliveryStub();
  const target = await whenReady((ready) => TargetClient.create(clientOptions(artifact, client, stub.fetchApi, ready, extra)));
  // Calls made before the first decision (none are expected) are not owed by decisions.
  let owed = stub.counts.calls;
  return {
    target,
    getAttributes: (mboxes, options) => {
      owed += 1;
      return target.getAttributes(mboxes, options);
    },
    settled: () => settled(stub.counts, owed),
    counts: stub.counts,
  };
}

/** Our TargetClient's on-device getAttributes; `extra` options go to `TargetClient.create`. */
export async function ourClient(artifact, client, extra) {
  const { default: TargetClient } = await import("../../packages/client/dist/index.js");
  const bench = await benchClient(TargetClient, artifact, client, extra);
  return { ...bench, close: async () => bench.target.close?.() };
}

/** Adobe's TargetClient (@adobe/target-nodejs-sdk 2.4.3), on-device. */
export async function referenceClient(artifact, client) {
  const TargetClient = require("@adobe/target-nodejs-sdk");
  const bench = await benchClient(TargetClient, artifact, client);
  return { ...bench, close: async () => bench.target.decisioningEngine?.stopPolling?.() };
}
