import type { Artifact, DeliveryRequest, DeliveryResponse, GetOffersOptions, NotificationPayload, RemoteDependency } from "../types.js";
import type { DecisioningConfig } from "../config.js";
import { ContextBuilder } from "../decide/context.js";
import { DEFAULT_REQUEST_LIMITS, cleanGeo, needsGeoLookup, checkRequest } from "../decide/request.js";
import { remoteDependencyOf } from "../decide/remote.js";
import { ArtifactError, ConfigError, ErrorCode } from "../errors.js";
import { createArtifactLoader, type ArtifactLoader } from "../loader/loader.js";
import { safeEmitter } from "../platform/events.js";
import { safeLogger } from "../platform/logger.js";
import { platformOf } from "../platform/platform.js";
import { TelemetryStore } from "../platform/telemetry.js";
import { copyJson } from "../util/json.js";
import { parseDomainOf } from "./domain-choice.js";
import { GEO_LOOKUP_URL, lookupGeo } from "./geo-lookup.js";
import { runDecision, type RunDeps } from "./run.js";

/** The engine contract shared with Adobe's decisioning engine. */
export interface DecisioningEngine {
  /** Decide a request on-device. */
  getOffers(options: GetOffersOptions): Promise<DeliveryResponse>;
  /** A copy of the artifact in use. */
  getRawArtifact(): Artifact | undefined;
  /** Which requested names need the Delivery API. */
  hasRemoteDependency(request: DeliveryRequest): RemoteDependency;
  /** Whether an artifact is loaded. */
  isReady(): boolean;
  /** Stop refreshing the artifact. */
  stopPolling(): void;
  /** Stop refreshing, then wait for pending notifications and downloads. */
  close(): Promise<void>;
}

/** Loader factory, replaceable for tests and for the polling loader. */
export type LoaderFactory = typeof createArtifactLoader;

/**
 * Create an on-device decisioning engine: resolves once the first artifact is loaded, and
 * rejects with an `ArtifactError` when none can be had (within `maximumWaitReady`, if set).
 */
export async function createDecisioningEngine(config: DecisioningConfig, loaderFactory: LoaderFactory = createArtifactLoader): Promise<DecisioningEngine> {
  if (typeof config !== "object" || config === null) throw new ConfigError("config", "must be an object");
  if (typeof config.client !== "string" || config.client === "") throw new ConfigError("client", "must be a non-empty string");
  if (config.fetchApi !== undefined && typeof config.fetchApi !== "function") throw new ConfigError("fetchApi", "must be a fetch function");
  const logger = safeLogger(config.logger);
  const emit = safeEmitter(config.eventEmitter, logger);
  const platform = platformOf({ ...config.platform, ...(config.fetchApi ? { fetch: config.fetchApi } : {}) });
  const telemetry = new TelemetryStore(config.telemetryEnabled !== false);
  const loader: ArtifactLoader = loaderFactory({ config, platform, logger, emit, telemetry });
  const deps: RunDeps = {
    client: config.client,
    platform,
    contexts: new ContextBuilder(parseDomainOf(config.parseDomainImpl)),
    telemetry,
    limits: { ...DEFAULT_REQUEST_LIMITS, ...config.requestLimits },
    artifactTrace: () => loader.trace(),
  };
  const pending = new Set<Promise<unknown>>();

  await waitReady(loader);

  function send(payload: NotificationPayload): void {
    const sender = config.sendNotificationFunc;
    if (typeof sender !== "function") return;
    const task = new Promise<void>((resolve) => {
      // Deferred so the caller has its response before any notification I/O starts.
      platform.setTimeout(() => {
        Promise.resolve()
          .then(() => sender(payload))
          .catch((error: unknown) => {
            logger.error("sending notifications failed", error);
            emit("sendNotificationError", { notification: payload, error });
          })
          .finally(resolve);
      }, 0);
    });
    pending.add(task);
    void task.finally(() => pending.delete(task));
    config.waitUntil?.(task);
  }

  async function geoFor(options: GetOffersOptions, geoEnabled: boolean) {
    const geo = options.request.context?.geo ?? undefined;
    const cleaned = cleanGeo(geo);
    if (!geoEnabled || !needsGeoLookup(geo) || !platform.fetch) return cleaned;
    try {
      const found = await lookupGeo(platform.fetch, config.geoLookupUrl ?? GEO_LOOKUP_URL, geo?.ipAddress);
      const merged = { ...cleaned, ...found };
      emit("geoLocationUpdated", { geoContext: merged });
      return merged;
    } catch (error) {
      logger.warn("geo lookup failed; deciding without geo", error);
      return cleaned;
    }
  }

  return {
    async getOffers(options) {
      loader.beforeDecision();
      const prepared = loader.current();
      if (!prepared) throw new ArtifactError(ErrorCode.ArtifactNotAvailable, "The decisioning artifact is not available");
      checkRequest(options, deps.limits);
      const geo = await geoFor(options, prepared.geoTargetingEnabled);
      const result = runDecision(prepared, options, deps, geo);
      if (result.notification) send(result.notification);
      return result.response;
    },
    getRawArtifact: () => {
      const prepared = loader.current();
      return prepared ? copyJson(prepared.artifact) : undefined;
    },
    hasRemoteDependency(request) {
      const prepared = loader.current();
      if (!prepared) throw new ArtifactError(ErrorCode.ArtifactNotAvailable, "The decisioning artifact is not available");
      return remoteDependencyOf(prepared, request);
    },
    isReady: () => loader.current() !== undefined,
    stopPolling: () => loader.stopPolling(),
    async close() {
      loader.stopPolling();
      await loader.close();
      await Promise.allSettled([...pending]);
    },
  };
}

// The loader owns maximumWaitReady (it knows the last failure and can fall back to a snapshot);
// here a failed start only has to leave no timer or request behind.
async function waitReady(loader: ArtifactLoader): Promise<void> {
  try {
    await loader.ready;
  } catch (error) {
    loader.stopPolling();
    await loader.close();
    throw error;
  }
}
