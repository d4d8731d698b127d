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
