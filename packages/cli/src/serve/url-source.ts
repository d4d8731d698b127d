/**
 * A URL artifact kept fresh by the engine's own loader (`createDecisioningEngine`): a size
 * limit on the body, ETags from the first poll on, backoff after failures, validation before
 * a swap, and one download at a time with the next poll scheduled after the current one ends,
 * so an older answer can never replace a newer one. serve only watches what the loader does.
 */
import { createDecisioningEngine, internal, type DecisioningEngine, type FetchApi } from "@decisioning/engine";
import { causeOf } from "../cause.js";
import { CliError, CliErrorCode } from "../errors.js";
import type { Accept, ArtifactSource, RefreshOutcome, SourceStatus } from "./source.js";

/** Target's CDN: polled no faster than the engine allows anyone to (every 5 minutes). */
const TARGET_CDN = /(^|\.)adobetarget\.com$/i;
/** The engine's floor for Target's CDN, in ms. */
export const TARGET_CDN_MINIMUM_POLL_MS = 300000;

/** Options of {@link openUrlSource}. */
export interface UrlSourceOptions {
  url: string;
  format: "json" | "bin";
  organizationId: string | undefined;
  /** Ms between polls; 0 downloads once. */
  pollMs: number;
  /** Largest accepted body, in bytes. */
  maxBytes: number;
  /** Ms before one download is abandoned. */
  timeoutMs: number;
  /** Client code for the engine's config (the loader does not use it to find an explicit URL). */
  client: string | undefined;
  now?: () => number;
}

/** The poll interval the loader will use: at least 1 s, and the engine's floor on Target's CDN. */
export function effectivePollMs(url: string, pollMs: number): number {
  if (pollMs === 0) return 0;
  const floor = TARGET_CDN.test(new URL(url).hostname) ? TARGET_CDN_MINIMUM_POLL_MS : 1000;
  return Math.max(floor, pollMs);
}

/** Download the artifact with the engine's loader; rejects with a `CliError` naming the cause. */
export async function openUrlSource(options: UrlSourceOptions): Promise<ArtifactSource> {
  const now = options.now ?? Date.now;
  const pollMs = effectivePollMs(options.url, options.pollMs);
  let accept: Accept | undefined;
  let onRefresh: ((outcome: RefreshOutcome) => void) | undefined;
  let latest: unknown;
  let loadedAt = now();
  let etag: string | undefined;
  let seenEtag: string | undefined;
  let lastRefresh: RefreshOutcome | undefined;

  const record = (outcome: RefreshOutcome): void => {
    lastRefresh = outcome;
    onRefresh?.(outcome);
  };

  // The loader reports downloads and failures as events; a 304 it only logs, so the fetch it is
  // given notes statuses and ETags on the way through.
  const observed: FetchApi = async (input, init) => {
    const response = await fetch(input, init as RequestInit);
    seenEtag = response.headers.get("etag") ?? undefined;
    if (response.status === 304 && latest !== undefined) record({ at: now(), result: "not-modified" });
    return response;
  };

  const events = (name: string, payload?: Record<string, unknown>): void => {
    if (name === "artifactDownloadSucceeded") {
      const artifact = payload?.artifactPayload;
      if (accept) {
        try {
          accept(artifact);
        } catch (error) {
          record({ at: now(), result: "failed", error: `the new artifact cannot be used: ${causeOf(error)}` });
          return;
        }
      }
      latest = artifact;
      etag = seenEtag;
      loadedAt = now();
      if (accept) record({ at: loadedAt, result: "updated" });
    } else if (name === "artifactDownloadFailed" && latest !== undefined) {
      record({ at: now(), result: "failed", error: causeOf(payload?.error) });
    }
  };

  let engine: DecisioningEngine;
  try {
    engine = await createDecisioningEngine(
      {
        // Only used to find Target's URL, which is given here; allocation uses serve's own deciders.
        client: options.client ?? "serve",
        artifactLocation: options.url,
        artifactFormat: options.format,
        ...(options.organizationId !== undefined ? { organizationId: options.organizationId } : {}),
        pollingInterval: pollMs,
        maxArtifactBytes: options.maxBytes,
        artifactRequestTimeout: options.timeoutMs,
        fetchApi: observed,
        eventEmitter: events,
        telemetryEnabled: false,
      },
      (deps) =>
        internal.createArtifactLoader({
          ...deps,
          // A sidecar that cannot get its artifact should say so in seconds, not after the
          // library's ten retries; and it polls a mirror as often as its operator asks.
          tuning: { minimumPollingInterval: 1000, initialRetries: 2, initialBackoff: { initialMs: 500, maxMs: 2000 } },
        }),
    );
  } catch (error) {
    throw new CliError(CliErrorCode.Input, `could not load the artifact from ${options.url}: ${causeOf(error)}`, { cause: error });
  }
  const initial = latest;
  return {
    initial,
    start(acceptNext, report) {
      accept = acceptNext;
      onRefresh = report;
    },
    status(): SourceStatus {
      return {
        source: options.url,
        kind: "url",
        refresh: pollMs > 0 ? `poll every ${pollMs / 1000} s` : "off",
        loadedAt,
        ...(etag !== undefined ? { etag } : {}),
        ...(lastRefresh ? { lastRefresh } : {}),
      };
    },
    close: () => engine.close(),
  };
}
