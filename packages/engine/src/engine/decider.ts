import { prepareArtifact, type PreparedArtifact } from "../artifact/prepare.js";
import { ContextBuilder } from "../decide/context.js";
import { DEFAULT_REQUEST_LIMITS, type RequestLimits } from "../decide/request.js";
import { remoteDependencyOf } from "../decide/remote.js";
import type { ArtifactTrace } from "../decide/trace.js";
import { ConfigError } from "../errors.js";
import { platformOf, type Platform } from "../platform/platform.js";
import { TelemetryStore } from "../platform/telemetry.js";
import type { Artifact, DeliveryRequest, GetOffersOptions, ParseDomain, RemoteDependency } from "../types.js";
import { parseDomainOf } from "./domain-choice.js";
import { runDecision, runDepsOf, type DecideResult } from "./run.js";

/** Configuration of a synchronous, zero-I/O decider. */
export interface DeciderConfig {
  /** Target client code. */
  client: string;
  /** The artifact (parsed JSON); validated and compiled once, here. */
  artifact: unknown;
  /** Domain parser: Public Suffix List (default), `basic`, or a function. */
  parseDomainImpl?: ParseDomain | "psl" | "basic";
  /** Clock and id overrides, e.g. a frozen clock in tests. */
  platform?: Partial<Pick<Platform, "now" | "monotonic" | "uuid">>;
  /** Put telemetry entries in notification payloads (default true). */
  telemetryEnabled?: boolean;
  /** Bounds on request size. */
  requestLimits?: Partial<RequestLimits>;
}

/** Decides requests against one loaded artifact, synchronously and without I/O. */
export interface Decider {
  /** Decide a request. Throws a `RequestError` for a request that cannot be decided. */
  decide(options: GetOffersOptions): DecideResult;
  /** Which requested names need the Delivery API. */
  hasRemoteDependency(request: DeliveryRequest): RemoteDependency;
  /** The artifact decided against (do not mutate). */
  readonly artifact: Artifact;
  /** Rules whose conditions could not be compiled (they never match). */
  readonly problems: readonly string[];
}

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
