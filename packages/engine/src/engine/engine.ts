import { cleanGeo, needsGeoLookup } from "../context/geo.js";
import { engineSettingsOf } from "../config/settings.js";
import { ContextBuilder } from "../decide/context.js";
import { checkRequest } from "../decide/request.js";
import { ArtifactError, ErrorCode } from "../errors.js";
import { createArtifactLoader, type ArtifactLoader, type LoaderDeps } from "../loader/loader.js";
import { safeEmitter } from "../platform/events.js";
import { safeLogger } from "../platform/logger.js";
import { platformOf } from "../platform/platform.js";
import { TelemetryStore } from "../platform/telemetry.js";
import type { DecidedResponse, DecisioningConfig, DecisioningEngine, FetchApi, Geo, GetOffersOptions } from "../types.js";
import { copyJson } from "../util/json.js";
import { ArtifactDecider, type DecisionServices } from "./decider.js";
import { lookupGeo } from "./geo-lookup.js";
import { NotificationDispatcher } from "./notify.js";

/** Loader factory, replaceable for tests and for the polling loader. */
export type LoaderFactory = <T>(deps: LoaderDeps<T>) => ArtifactLoader<T>;

/**
 * Create an on-device decisioning engine: the artifact loader, and a decider for each artifact
 * it loads. Resolves once the first artifact is in, and rejects with an `ArtifactError` when
 * none can be had (within `maximumWaitReady`, if set), or with a `ConfigError` for a bad option.
 */
export async function createDecisioningEngine<V = unknown>(
  config: DecisioningConfig<V>,
  loaderFactory: LoaderFactory = createArtifactLoader,
): Promise<DecisioningEngine<V>> {
  const settings = engineSettingsOf(config);
  const logger = safeLogger(settings.logger);
  const emit = safeEmitter(settings.eventEmitter, logger);
  const platform = platformOf(settings.platform);
  const telemetry = new TelemetryStore(settings.telemetryEnabled);
  // Shared by every artifact's decider: parsed URLs and user agents outlive an artifact swap.
  const services: DecisionServices = {
    client: settings.client,
    platform,
    contexts: new ContextBuilder(settings.parseDomain),
    telemetry,
    limits: settings.limits,
    forced: settings.forced,
    artifactTrace: () => loader.trace(),
  };
  const loader: ArtifactLoader<ArtifactDecider> = loaderFactory({
    settings: settings.loader,
    platform,
    logger,
    emit,
    telemetry,
    adopt: (prepared) => new ArtifactDecider(prepared, services),
  });
  const sender = settings.sendNotificationFunc;
  const notifier = sender ? new NotificationDispatcher(sender, platform, logger, emit, settings.waitUntil, settings.notificationHandoff) : undefined;

  await waitReady(loader);

  /** The decider of the artifact in use. */
  function current(): ArtifactDecider {
    loader.beforeDecision();
    const decider = loader.current();
    if (!decider) throw new ArtifactError(ErrorCode.ArtifactNotAvailable, "The decisioning artifact is not available");
    return decider;
  }

  /** The decider to decide a request with, once the request passed its checks. */
  function begin(options: GetOffersOptions): ArtifactDecider {
    const decider = current();
    checkRequest(options, settings.limits);
    return decider;
  }

  /** The fetch to look the request's IP address up with first, when its geo context is only that and the artifact targets geo. */
  function geoLookupFetch(decider: ArtifactDecider, options: GetOffersOptions): FetchApi | undefined {
    return decider.prepared.geoTargetingEnabled && needsGeoLookup(options.request.context?.geo ?? undefined) ? platform.fetch : undefined;
  }

  function finish(decider: ArtifactDecider, options: GetOffersOptions, geo: Geo | undefined): DecidedResponse {
    const result = decider.decideChecked(options, geo);
    if (result.notification && notifier) notifier.enqueue(result.notification);
    return result.response;
  }

  async function withGeoLookup(decider: ArtifactDecider, options: GetOffersOptions, fetchApi: FetchApi): Promise<DecidedResponse> {
    const geo = options.request.context?.geo ?? undefined;
    const cleaned = cleanGeo(geo);
    let resolved = cleaned;
    try {
      const found = await lookupGeo(fetchApi, settings.geoLookupUrl, geo?.ipAddress);
      resolved = { ...cleaned, ...found };
      emit("geoLocationUpdated", { geoContext: resolved });
    } catch (error) {
      logger.warn("geo lookup failed; deciding without geo", error);
    }
    // Decided with the artifact current when the request came in: one whole artifact.
    return finish(decider, options, resolved);
  }

  return {
    getOffers(options) {
      // Synchronous up to the answer unless an IP-only geo context needs a lookup.
      try {
        const decider = begin(options);
        const fetchApi = geoLookupFetch(decider, options);
        if (fetchApi) return withGeoLookup(decider, options, fetchApi);
        return Promise.resolve(finish(decider, options, undefined));
      } catch (error) {
        return Promise.reject(error);
      }
    },
    getOffersSync(options) {
      const decider = begin(options);
      return geoLookupFetch(decider, options) ? undefined : finish(decider, options, undefined);
    },
    getRawArtifact: () => {
      const decider = loader.current();
      return decider ? copyJson(decider.artifact) : undefined;
    },
    getDecider() {
      loader.beforeDecision();
      return loader.current();
    },
    hasRemoteDependency(request) {
      const decider = loader.current();
      if (!decider) throw new ArtifactError(ErrorCode.ArtifactNotAvailable, "The decisioning artifact is not available");
      return decider.hasRemoteDependency(request);
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
async function waitReady(loader: ArtifactLoader<unknown>): Promise<void> {
  try {
    await loader.ready;
  } catch (error) {
    loader.stopPolling();
    await loader.close();
    throw error;
  }
}
