import { createRequire } from "node:module";

const require = createRequire(import.meta.url);

/** The part of Adobe's reference engine (a dev dependency, used as an oracle) the tests call. */
export interface ReferenceEngine<R> {
  getOffers(options: unknown): Promise<R>;
  stopPolling(): void;
}

/**
 * Adobe's engine 1.9.3 on its own small A/B test artifact, quiet: tests decide through it with
 * `trace` to read the context (allocation, mbox parameters) it evaluated rules against.
 */
export async function startReferenceEngine<R>(): Promise<ReferenceEngine<R>> {
  type Create = (config: unknown) => Promise<ReferenceEngine<R>>;
  const module = require("@adobe/target-decisioning-engine") as Create | { default: Create };
  const create = typeof module === "function" ? module : module.default;
  return create({
    client: "targettesting",
    organizationId: "65453EA95A70434F0A495D34@AdobeOrg",
    artifactPayload: require("@adobe/target-decisioning-engine/test/schema/artifacts/TEST_ARTIFACT_AB_SIMPLE.json") as unknown,
    pollingInterval: 0,
    logger: { debug() {}, error() {} },
  });
}
