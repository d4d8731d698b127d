import { prepareArtifact, type PreparedArtifact } from "../artifact/prepare.js";
import { ContextBuilder } from "../decide/context.js";
import { DEFAULT_REQUEST_LIMITS } from "../decide/request.js";
import { remoteDependencyOf } from "../decide/remote.js";
import { ConfigError } from "../errors.js";
import { platformOf } from "../platform/platform.js";
import { TelemetryStore } from "../platform/telemetry.js";
import type { ArtifactTrace, Decider, DeciderConfig } from "../types.js";
import { parseDomainOf } from "./domain-choice.js";
import { runDecision, runDepsOf } from "./run.js";

/**
 * Create a synchronous decider for edge workers and tests: no fetch, no timers, no geo lookup
 * (pass `context.geo` yourself). Throws an `ArtifactError` for an unusable artifact.
 */
export function createDecider(config: DeciderConfig): Decider {
  if (typeof config !== "object" || config === null) throw new ConfigError("config", "must be an object");
  if (typeof config.client !== "string" || config.client === "") throw new ConfigError("client", "must be a non-empty string");
  const prepared: PreparedArtifact = prepareArtifact(config.artifact);
  const platform = platformOf(config.platform);
  const retrieved = new Date(platform.now()).toISOString();
  const trace: ArtifactTrace = {
    artifactLocation: "Not Applicable",
    pollingInterval: 0,
    pollingHalted: true,
    artifactVersion: prepared.artifact.version,
    artifactRetrievalCount: 1,
    artifactLastRetrieved: retrieved,
    ...prepared.artifact.meta,
  };
  const deps = runDepsOf(platform, {
    client: config.client,
    contexts: new ContextBuilder(parseDomainOf(config.parseDomainImpl)),
    telemetry: new TelemetryStore(config.telemetryEnabled !== false),
    limits: { ...DEFAULT_REQUEST_LIMITS, ...config.requestLimits },
    artifactTrace: () => trace,
  });
  return {
    decide: (options) => runDecision(prepared, options, deps),
    hasRemoteDependency: (request) => remoteDependencyOf(prepared, request),
    artifact: prepared.artifact,
    problems: prepared.problems,
  };
}
