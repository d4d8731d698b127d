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

/** A Delivery API stand-in: answers every POST at once, so nothing leaves the machine. */
function stubFetch() {
  return Promise.resolve(
    new Response(JSON.stringify({ status: 200, requestId: "stub", client: "bench", id: {}, edgeHost: "mboxedge28.tt.omtrdc.net" }), {
      headers: { "content-type": "application/json" },
    }),
  );
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

const clientOptions = (artifact, client, clientReady) => ({
  client,
  organizationId: "bench@AdobeOrg",
  decisioningMethod: "on-device",
  artifactPayload: artifact,
  pollingInterval: 0,
  fetchApi: stubFetch,
  events: { clientReady },
});

/** Our TargetClient's on-device getAttributes. */
export async function ourClient(artifact, client) {
  const { default: TargetClient } = await import("../../packages/client/dist/index.js");
  const target = await whenReady((ready) => TargetClient.create(clientOptions(artifact, client, ready)));
  return { getAttributes: (mboxes, options) => target.getAttributes(mboxes, options), close: async () => target.close?.() };
}

/** Adobe's TargetClient (@adobe/target-nodejs-sdk 2.4.3), on-device. */
export async function referenceClient(artifact, client) {
  const TargetClient = require("@adobe/target-nodejs-sdk");
  const target = await whenReady((ready) => TargetClient.create(clientOptions(artifact, client, ready)));
  return { getAttributes: (mboxes, options) => target.getAttributes(mboxes, options), close: async () => target.decisioningEngine?.stopPolling?.() };
}
