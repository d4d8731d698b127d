import { prepareArtifact, type PreparedArtifact } from "../artifact/prepare.js";
import { deobfuscate } from "../artifact/obfuscation.js";
import type { DecisioningConfig } from "../config.js";
import type { ArtifactTrace } from "../decide/trace.js";
import { ArtifactError, ErrorCode } from "../errors.js";
import type { SafeLogger } from "../platform/logger.js";
import type { Platform } from "../platform/platform.js";
import { twoDecimals, type TelemetryStore } from "../platform/telemetry.js";
import type { EventEmitter } from "../types.js";
import { artifactFormatOf, artifactLocationOf } from "./location.js";

/** What the loader needs from the engine. */
export interface LoaderDeps {
  config: DecisioningConfig;
  platform: Platform;
  logger: SafeLogger;
  emit: EventEmitter;
  telemetry: TelemetryStore;
}

/** Holds the current artifact and keeps it fresh. */
export interface ArtifactLoader {
  /** Settles once the first artifact is in (resolves) or cannot be had (rejects with an ArtifactError). */
  readonly ready: Promise<void>;
  /** The artifact decisions use now; swapped whole, never mixed. */
  current(): PreparedArtifact | undefined;
  /** The artifact half of request traces. */
  trace(): ArtifactTrace;
  /** Called before each decision (drives the on-request refresh mode). */
  beforeDecision(): void;
  /** Stop refreshing; the current artifact stays. */
  stopPolling(): void;
  /** Stop refreshing and wait for any in-flight download to end. */
  close(): Promise<void>;
}

/** Parse an artifact body (JSON text, or `rules.bin` bytes) and prepare it. */
export function parseArtifactBody(bytes: Uint8Array, format: "json" | "bin", organizationId: string | undefined): PreparedArtifact {
  const text = format === "bin" ? deobfuscate(bytes, organizationId ?? "") : new TextDecoder("utf-8").decode(bytes);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    throw new ArtifactError(
      ErrorCode.ArtifactInvalid,
      format === "bin" ? "Invalid artifact: rules.bin did not decode to JSON (wrong organizationId?)" : "Invalid artifact: body is not valid JSON",
      { cause },
    );
  }
  return prepareArtifact(json);
}

/**
 * The simplest loader: the given payload, or one download. Polling, retries and snapshots are
 * layered on by `createPollingLoader`.
 */
export function createArtifactLoader(deps: LoaderDeps): ArtifactLoader {
  const { config, platform, emit, telemetry } = deps;
  const location = artifactLocationOf(config);
  const format = artifactFormatOf(config, location);
  let current: PreparedArtifact | undefined;
  let retrievedAt = platform.now();
  let count = 0;

  async function download(): Promise<PreparedArtifact> {
    const fetchApi = platform.fetch;
    if (!fetchApi) throw new ArtifactError(ErrorCode.ArtifactFetchFailed, "No fetch implementation: pass `fetchApi`");
    const started = platform.monotonic();
    const response = await fetchApi(location, { headers: {} });
    if (!response.ok || response.status !== 200) {
      throw new ArtifactError(ErrorCode.ArtifactFetchFailed, `Failed to retrieve artifact: HTTP ${response.status} from ${location}`);
    }
    const bytes = new Uint8Array(await response.arrayBuffer());
    const execution = platform.monotonic() - started;
    const parsingStarted = platform.monotonic();
    const prepared = parseArtifactBody(bytes, format, config.organizationId);
    telemetry.add({
      requestId: "ArtifactDownload",
      timestamp: platform.now(),
      execution: twoDecimals(execution),
      parsing: twoDecimals(platform.monotonic() - parsingStarted),
    });
    emit("artifactDownloadSucceeded", { artifactLocation: location, artifactPayload: prepared.artifact });
    return prepared;
  }

  const ready = (async () => {
    if (typeof config.artifactPayload === "object" && config.artifactPayload !== null) {
      current = prepareArtifact(config.artifactPayload);
    } else {
      try {
        current = await download();
      } catch (error) {
        emit("artifactDownloadFailed", { artifactLocation: location, error });
        throw error instanceof ArtifactError
          ? error
          : new ArtifactError(ErrorCode.ArtifactFetchFailed, `Failed to retrieve artifact: ${String(error)}`, { cause: error });
      }
    }
    retrievedAt = platform.now();
    count += 1;
  })();

  return {
    ready,
    current: () => current,
    trace: () => ({
      artifactLocation: typeof config.artifactPayload === "object" && config.artifactPayload !== null ? "Not Applicable" : location,
      pollingInterval: config.pollingInterval,
      pollingHalted: false,
      artifactVersion: current ? current.artifact.version : "unknown",
      artifactRetrievalCount: count,
      artifactLastRetrieved: new Date(retrievedAt).toISOString(),
      ...current?.artifact.meta,
    }),
    beforeDecision: () => {},
    stopPolling: () => {},
    close: async () => {},
  };
}
