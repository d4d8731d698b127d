import type { DecidedResponse, DecisioningConfig, DecisioningEngine, FetchApi, Geo, GetOffersOptions } from "../types.js";
import type { PreparedArtifact } from "../artifact/prepare.js";
import { ContextBuilder } from "../decide/context.js";
import { cleanGeo, GEO_LOOKUP_URL, needsGeoLookup } from "../context/geo.js";
import { DEFAULT_REQUEST_LIMITS, checkRequest } from "../decide/request.js";
import { ArtifactError, ConfigError, ErrorCode } from "../errors.js";
import { createArtifactLoader, type ArtifactLoader } from "../loader/loader.js";
import { safeEmitter } from "../platform/events.js";
import { safeLogger } from "../platform/logger.js";
import { platformOf } from "../platform/platform.js";
import { TelemetryStore } from "../platform/telemetry.js";
import { copyJson } from "../util/json.js";
import { parseDomainOf } from "./domain-choice.js";
import { lookupGeo } from "./geo-lookup.js";
import { NotificationDispatcher } from "./notify.js";
import { ArtifactDecider, type DecisionServices } from "./decider.js";

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
  if (config.notificationHandoff !== undefined && config.notificationHandoff !== "deferred" && config.notificationHandoff !== "immediate") {
    throw new ConfigError("notificationHandoff", 'must be "deferred" or "immediate"');
  }
  const logger = safeLogger(config.logger);
  const emit = safeEmitter(config.eventEmitter, logger);
  const platform = platformOf({ ...config.platform, ...(config.fetchApi ? { fetch: config.fetchApi } : {}) });
  const telemetry = new TelemetryStore(config.telemetryEnabled !== false);
  const loader: ArtifactLoader = loaderFactory({ config, platform, logger, emit, telemetry });
  const services: DecisionServices = {
    client: config.client,
    platform,
    contexts: new ContextBuilder(parseDomainOf(config.parseDomainImpl)),
    telemetry,
    limits: { ...DEFAULT_REQUEST_LIMITS, ...config.requestLimits },
    artifactTrace: () => loader.trace(),
  };
  // One decider per artifact, made when the loader swaps an artifact in and kept until the next.
  let decider: ArtifactDecider | undefined;
  function deciderOf(prepared: PreparedArtifact): ArtifactDecider {
    if (decider?.prepared !== prepared) decider = new ArtifactDecider(prepared, services);
    return decider;
  }
  const sender = config.sendNotificationFunc;
  const notifier =
    typeof sender === "function" ? new NotificationDispatcher(sender, platform, logger, emit, config.waitUntil, config.notificationHandoff) : undefined;

  await waitReady(loader);

  function current(): ArtifactDecider {
    loader.beforeDecision();
    const prepared = loader.current();
    if (!prepared) throw new ArtifactError(ErrorCode.ArtifactNotAvailable, "The decisioning artifact is not available");
    return deciderOf(prepared);
  }

  /** The decider to decide a request with, once the request passed its checks. */
  function begin(options: GetOffersOptions): ArtifactDecider {
    const chosen = current();
    checkRequest(options, services.limits);
    return chosen;
  }

  /** The fetch to look the request's IP address up with first, when its geo context is only that and the artifact targets geo. */
  function geoLookupFetch(chosen: ArtifactDecider, options: GetOffersOptions): FetchApi | undefined {
    return chosen.prepared.geoTargetingEnabled && needsGeoLookup(options.request.context?.geo ?? undefined) ? platform.fetch : undefined;
  }

  function finish(chosen: ArtifactDecider, options: GetOffersOptions, geo: Geo | undefined): DecidedResponse {
    const result = chosen.decideChecked(options, geo);
    if (result.notification && notifier) notifier.enqueue(result.notification);
    return result.response;
  }

  async function withGeoLookup(chosen: ArtifactDecider, options: GetOffersOptions, fetchApi: FetchApi): Promise<DecidedResponse> {
    const geo = options.request.context?.geo ?? undefined;
    const cleaned = cleanGeo(geo);
    let resolved = cleaned;
    try {
      const found = await lookupGeo(fetchApi, config.geoLookupUrl ?? GEO_LOOKUP_URL, geo?.ipAddress);
      resolved = { ...cleaned, ...found };
      emit("geoLocationUpdated", { geoContext: resolved });
    } catch (error) {
      logger.warn("geo lookup failed; deciding without geo", error);
    }
    // Decided against the artifact current when the request came in: one whole artifact.
    return finish(chosen, options, resolved);
  }

  return {
    getOffers(options) {
      // Synchronous up to the answer unless an IP-only geo context needs a lookup.
      try {
        const chosen = begin(options);
        const fetchApi = geoLookupFetch(chosen, options);
        if (fetchApi) return withGeoLookup(chosen, options, fetchApi);
        return Promise.resolve(finish(chosen, options, undefined));
      } catch (error) {
        return Promise.reject(error);
      }
    },
    getOffersSync(options) {
      const chosen = begin(options);
      return geoLookupFetch(chosen, options) ? undefined : finish(chosen, options, undefined);
    },
    getRawArtifact: () => {
      const prepared = loader.current();
      return prepared ? copyJson(prepared.artifact) : undefined;
    },
    hasRemoteDependency(request) {
      const prepared = loader.current();
      if (!prepared) throw new ArtifactError(ErrorCode.ArtifactNotAvailable, "The decisioning artifact is not available");
      return deciderOf(prepared).hasRemoteDependency(request);
    },
    isReady: () => loader.current() !== undefined,
    stopPolling: () => loader.stopPolling(),
    async close() {
      loader.stopPolling();
      await loader.close();
      await notifier?.idle();
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
