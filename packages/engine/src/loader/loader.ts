import { prepareArtifact, type PreparedArtifact } from "../artifact/prepare.js";
import { artifactClientCodeOf, clientMismatchMessage, clientMismatchOf } from "../artifact/client-code.js";
import { deobfuscate } from "../artifact/obfuscation.js";
import { geoFromLookup } from "../context/geo.js";
import type { LoaderSettings } from "../config/settings.js";
import { ArtifactError, ErrorCode } from "../errors.js";
import type { SafeLogger } from "../platform/logger.js";
import { twoDecimals, type TelemetryStore } from "../platform/telemetry.js";
import type { ArtifactTrace, EventEmitter, Platform, Snapshot, SnapshotStore } from "../types.js";
import { createBackoff, DEFAULT_BACKOFF_MAX_MS, type BackoffOptions } from "./backoff.js";
import { MINIMUM_POLLING_INTERVAL, pollingIntervalOf } from "../config/artifact-source.js";
import { download } from "./download.js";
import { checkSha256, messageOf, verifyHookAccepts } from "./integrity.js";
import { describeSameBody, RefusedBodies, UnusableBody, type SameBody } from "./unusable.js";

/**
 * Loader knobs that are not user configuration. Tests (and embedders that know what they are
 * doing) pass them through a custom loader factory; users cannot lower the polling floor.
 */
export interface LoaderTuning {
  /** Floor for `pollingInterval` (default 300000); tests lower it to poll every few ms. */
  minimumPollingInterval: number;
  /** Delays between attempts of the first download (default 1 s growing to 10 s). */
  initialBackoff: BackoffOptions;
  /** Delays between refresh attempts after a failure (default 1 s growing to the polling interval, at most 5 min). */
  refreshBackoff: BackoffOptions;
  /** Retries of the first download after its first attempt (default 10, as the reference). */
  initialRetries: number;
}

/** Defaults of {@link LoaderTuning}. */
export const DEFAULT_LOADER_TUNING: Readonly<LoaderTuning> = {
  minimumPollingInterval: MINIMUM_POLLING_INTERVAL,
  initialBackoff: { initialMs: 1000, maxMs: 10000 },
  refreshBackoff: { initialMs: 1000, maxMs: DEFAULT_BACKOFF_MAX_MS },
  initialRetries: 10,
};

/** What the loader needs from the engine. */
export interface LoaderDeps<T> {
  /** The loader's configuration, checked (see `engineSettingsOf`). */
  settings: LoaderSettings;
  platform: Platform;
  logger: SafeLogger;
  emit: EventEmitter;
  telemetry: TelemetryStore;
  /** Internal knobs; see {@link LoaderTuning}. */
  tuning?: Partial<LoaderTuning>;
  /**
   * Makes what decisions use out of a prepared artifact (the engine's decider). Called once
   * per artifact before it is swapped in; a throw refuses the artifact as an invalid one is.
   */
  adopt(prepared: PreparedArtifact): T;
}

/** Holds the current artifact, adopted, and keeps it fresh. */
export interface ArtifactLoader<T> {
  /**
   * Settles once the first artifact is in (resolves) or cannot be had (rejects with an
   * ArtifactError), honouring `config.maximumWaitReady`.
   */
  readonly ready: Promise<void>;
  /** What decisions use now, made by `adopt` from the current artifact; swapped whole, never mixed. */
  current(): T | undefined;
  /** The artifact half of request traces. */
  trace(): ArtifactTrace;
  /** Called before each decision (drives the on-request refresh mode). */
  beforeDecision(): void;
  /** Stop refreshing and abort a download in flight; the current artifact stays. */
  stopPolling(): void;
  /** Stop refreshing and wait for in-flight downloads and snapshot writes to end. */
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

/** An artifact ready to be swapped in: prepared, and adopted. */
interface Loaded<T> {
  prepared: PreparedArtifact;
  adopted: T;
}

interface LoadedSnapshot<T> {
  loaded: Loaded<T>;
  savedAt: number;
  etag: string | undefined;
}

const ARTIFACT_DOWNLOAD = "ArtifactDownload";

/** How one download attempt ended: a usable artifact (or a 304), a failure, or the body refused last time, again. */
type Outcome = "ok" | "failed" | "refused-again";

/**
 * The artifact loader: takes `artifactPayload` or downloads the artifact, validates every
 * download before swapping it in, refreshes it by polling (or on request), retries with
 * jittered backoff, and falls back to a stored snapshot when the first download fails.
 */
export function createArtifactLoader<T>(deps: LoaderDeps<T>): ArtifactLoader<T> {
  const { settings, platform, logger, emit, telemetry, adopt } = deps;
  const tuning: LoaderTuning = { ...DEFAULT_LOADER_TUNING, ...deps.tuning };
  const { location, format, timeoutMs, maxBytes, verify, maximumWaitReady } = settings;
  const usesPayload = settings.payload !== undefined;
  const interval = pollingIntervalOf(settings.pollingInterval, tuning.minimumPollingInterval);
  const mode = settings.refreshMode;
  const expectedSha = settings.sha256;
  const store = settings.snapshotStore;
  const initialBackoff = createBackoff(platform.random, tuning.initialBackoff);
  // The longest wait between refresh attempts: retrying less often than polling would make a
  // failure cost more than one missed poll. A body refused twice waits this long every time.
  const refreshCap = Math.min(tuning.refreshBackoff.maxMs ?? DEFAULT_BACKOFF_MAX_MS, interval > 0 ? interval : DEFAULT_BACKOFF_MAX_MS);
  const refreshBackoff = createBackoff(platform.random, {
    ...tuning.refreshBackoff,
    maxMs: refreshCap,
  });
  // Our own aborts (stop, close, deadline) carry this reason, so they are not reported as failures.
  const cancelled = new ArtifactError(ErrorCode.ArtifactNotAvailable, "Artifact loading was stopped");

  let current: Loaded<T> | undefined;
  let etag: string | undefined;
  let retrievalCount = 0;
  let lastRetrieved = platform.now();
  let lastTrace: { current: Loaded<T> | undefined; retrievalCount: number; halted: boolean; lastRetrieved: number; trace: ArtifactTrace } | undefined;
  let snapshotSavedAt: number | undefined;
  let synced = false;
  let halted = false;
  let timer: unknown;
  let inflight: { controller: AbortController; done: Promise<Outcome> } | undefined;
  let lastError: unknown;
  /** How the last refused body came back, when the last attempt got it again. */
  let refusedAgain: SameBody | undefined;
  const refusedBodies = new RefusedBodies();
  let nextDueAt = Number.POSITIVE_INFINITY;
  let snapshotLoad: Promise<LoadedSnapshot<T> | undefined> | undefined;
  let snapshotLoaded: LoadedSnapshot<T> | undefined;
  let saveChain: Promise<void> = Promise.resolve();
  const background = new Set<Promise<unknown>>();

  let readySettled = false;
  let deadlineTimer: unknown;
  let resolveReady!: () => void;
  let rejectReady!: (error: unknown) => void;
  const ready = new Promise<void>((resolve, reject) => {
    resolveReady = () => {
      if (readySettled) return;
      readySettled = true;
      platform.clearTimeout(deadlineTimer);
      resolve();
    };
    rejectReady = (error) => {
      if (readySettled) return;
      readySettled = true;
      platform.clearTimeout(deadlineTimer);
      halt();
      reject(error);
    };
  });
  // The engine awaits `ready`; a loader used on its own must not crash the process when nobody does.
  ready.catch(() => {});

  function track(task: Promise<unknown>): void {
    background.add(task);
    void task.finally(() => background.delete(task));
  }

  function setTimer(run: () => void, ms: number, keepAlive: boolean): void {
    platform.clearTimeout(timer);
    timer = platform.setTimeout(() => {
      timer = undefined;
      run();
    }, ms);
    // Refresh timers must not keep a finished Node process alive; the first load must.
    if (!keepAlive) unref(timer);
  }

  function halt(): void {
    halted = true;
    nextDueAt = Number.POSITIVE_INFINITY;
    platform.clearTimeout(timer);
    timer = undefined;
    inflight?.controller.abort(cancelled);
  }

  function adopted(prepared: PreparedArtifact): Loaded<T> {
    return { prepared, adopted: adopt(prepared) };
  }

  /**
   * Check, parse and adopt a body. Throws an `UnusableBody` when the body itself is refused (the
   * same bytes always will be); a `verifyArtifact` that throws may pass on another try.
   */
  async function accept(body: Uint8Array): Promise<Loaded<T>> {
    let prepared: PreparedArtifact;
    try {
      await checkSha256(body, expectedSha);
      prepared = parseArtifactBody(body, format, settings.organizationId);
    } catch (error) {
      throw new UnusableBody(error);
    }
    if (!(await verifyHookAccepts(body, prepared.artifact, verify))) {
      throw new UnusableBody(new ArtifactError(ErrorCode.ArtifactIntegrity, "Artifact refused: verifyArtifact did not return true"));
    }
    try {
      return adopted(prepared);
    } catch (error) {
      throw new UnusableBody(error);
    }
  }

  function refreshOnce(): Promise<Outcome> {
    if (inflight) return inflight.done;
    const controller = new AbortController();
    const done = attempt(controller).finally(() => {
      if (inflight?.controller === controller) inflight = undefined;
    });
    inflight = { controller, done };
    return done;
  }

  async function attempt(controller: AbortController): Promise<Outcome> {
    const started = platform.monotonic();
    refusedAgain = undefined;
    let body: { bytes: Uint8Array; etag: string | undefined } | undefined;
    try {
      const fetchApi = platform.fetch;
      if (!fetchApi) throw new ArtifactError(ErrorCode.ArtifactFetchFailed, "No fetch implementation: pass `fetchApi`");
      const result = await download({
        url: location,
        fetch: fetchApi,
        platform,
        // Only conditional when a 304 has something to keep.
        etag: current ? etag : undefined,
        timeoutMs,
        maxBytes,
        controller,
      });
      const execution = twoDecimals(platform.monotonic() - started);
      if (result.status === 304) {
        if (!current) {
          etag = undefined;
          throw new ArtifactError(ErrorCode.ArtifactFetchFailed, `HTTP 304 Not Modified from ${location}, but no artifact is cached to keep`);
        }
        telemetry.add({ requestId: ARTIFACT_DOWNLOAD, timestamp: platform.now(), execution });
        if (snapshotSavedAt !== undefined) logger.info("the artifact snapshot in use is confirmed current by the CDN (304)");
        snapshotSavedAt = undefined;
        synced = true;
        refusedBodies.forget();
        logger.debug(`artifact not modified (304): ${location}`);
        return "ok";
      }
      body = { bytes: result.body, etag: result.etag };
      const parsingStarted = platform.monotonic();
      const loaded = await accept(result.body);
      // Stopped while verifying: keep the artifact the caller last saw.
      if (controller.signal.aborted) return "failed";
      const { prepared } = loaded;
      const previous = current;
      current = loaded;
      etag = result.etag;
      retrievalCount += 1;
      lastRetrieved = platform.now();
      snapshotSavedAt = undefined;
      synced = true;
      lastError = undefined;
      refusedBodies.forget();
      telemetry.add({
        requestId: ARTIFACT_DOWNLOAD,
        timestamp: platform.now(),
        execution,
        parsing: twoDecimals(platform.monotonic() - parsingStarted),
      });
      logger.debug(`artifact ${prepared.artifact.version} downloaded: ${location}`);
      emit("artifactDownloadSucceeded", { artifactLocation: location, artifactPayload: prepared.artifact });
      reportClient(previous, loaded);
      emit("geoLocationUpdated", { geoContext: geoFromLookup((name) => result.headers.get(name)) });
      saveSnapshot(result.body, result.etag);
      return "ok";
    } catch (thrown) {
      if (controller.signal.reason === cancelled) return "failed";
      const error = thrown instanceof UnusableBody ? thrown.error : thrown;
      lastError = error;
      if (thrown instanceof UnusableBody && body) refusedAgain = await refusedBodies.refused(body.bytes, body.etag);
      if (controller.signal.reason === cancelled) return "failed";
      emit("artifactDownloadFailed", { artifactLocation: location, error });
      if (refusedAgain) {
        const still = current ? `; still deciding with artifact ${current.prepared.artifact.version}, next try in ${refreshCap} ms` : "";
        logger.error(
          `${location} served the artifact it refused last time again (${describeSameBody(refusedAgain)}), which no retry can fix${still}: ${messageOf(error)}`,
        );
        return "refused-again";
      }
      if (current) logger.warn(`artifact refresh failed, still deciding with artifact ${current.prepared.artifact.version}: ${messageOf(error)}`);
      else logger.error(`artifact download failed: ${messageOf(error)}`);
      return "failed";
    }
  }

  // Every path into the refresh loop goes through here, so an unexpected throw (a broken
  // injected timer, say) is reported instead of becoming an unhandled rejection or a hang.
  function runCycle(): Promise<void> {
    return cycle().catch((error: unknown) => {
      logger.error(`artifact loader failed: ${messageOf(error)}`);
      rejectReady(error);
    });
  }

  // Runs one attempt, then decides what comes next: readiness, the next poll, or a retry.
  async function cycle(): Promise<void> {
    const outcome = await refreshOnce();
    const ok = outcome === "ok";
    if (halted) return;
    if (!readySettled) {
      if (ok) {
        resolveReady();
      } else {
        const snapshot = snapshotLoad ? await snapshotLoad : undefined;
        if (halted) return;
        if (!readySettled && snapshot) useSnapshot(snapshot);
        if (!readySettled) {
          if (outcome === "refused-again") {
            rejectReady(refusedAgainError());
            return;
          }
          if (initialBackoff.failures >= tuning.initialRetries) {
            rejectReady(notAvailable());
            return;
          }
          setTimer(() => void runCycle(), initialBackoff.next(), true);
          return;
        }
      }
    }
    if (ok) refreshBackoff.reset();
    // A body refused again will be refused until the CDN changes it: no faster than polling.
    scheduleRefresh(ok ? interval : outcome === "refused-again" ? refreshCap : refreshBackoff.next());
  }

  function scheduleRefresh(delay: number): void {
    if (halted) return;
    // Polling disabled: stop once one download (or 304) has succeeded.
    if (interval === 0 && synced) return;
    if (mode === "on-request") nextDueAt = platform.monotonic() + delay;
    else setTimer(() => void runCycle(), delay, false);
  }

  function notAvailable(): ArtifactError {
    const why = lastError === undefined ? "" : `: ${messageOf(lastError)}`;
    return new ArtifactError(
      ErrorCode.ArtifactNotAvailable,
      `No artifact could be loaded from ${location} after ${tuning.initialRetries + 1} attempts${why}`,
      lastError === undefined ? undefined : { cause: lastError },
    );
  }

  function refusedAgainError(): ArtifactError {
    return new ArtifactError(
      ErrorCode.ArtifactNotAvailable,
      `No artifact could be loaded from ${location}: it served the artifact it refused before again ` +
        `(${describeSameBody(refusedAgain as SameBody)}), which no retry can fix: ${messageOf(lastError)}`,
      { cause: lastError },
    );
  }

  function onDeadline(): void {
    deadlineTimer = undefined;
    if (readySettled) return;
    if (snapshotLoaded) {
      useSnapshot(snapshotLoaded);
      // A retry may be waiting on a keep-alive timer; from now on it is a background refresh.
      unref(timer);
      return;
    }
    const why = lastError === undefined ? "" : `; last failure: ${messageOf(lastError)}`;
    rejectReady(
      new ArtifactError(
        ErrorCode.Timeout,
        `No artifact within maximumWaitReady (${maximumWaitReady} ms) from ${location}${why}`,
        lastError === undefined ? undefined : { cause: lastError },
      ),
    );
  }

  async function loadSnapshot(source: SnapshotStore): Promise<LoadedSnapshot<T> | undefined> {
    try {
      const snapshot: Snapshot | undefined = await source.load(location);
      if (snapshot === undefined || snapshot === null) return undefined;
      if (!(snapshot.body instanceof Uint8Array) || typeof snapshot.savedAt !== "number") {
        throw new ArtifactError(ErrorCode.ArtifactInvalid, "snapshot must have a Uint8Array body and a numeric savedAt");
      }
      const loaded: LoadedSnapshot<T> = { loaded: await accept(snapshot.body), savedAt: snapshot.savedAt, etag: snapshot.etag };
      snapshotLoaded = loaded;
      return loaded;
    } catch (thrown) {
      logger.warn(`the artifact snapshot cannot be used: ${messageOf(thrown instanceof UnusableBody ? thrown.error : thrown)}`);
      return undefined;
    }
  }

  /**
   * Warn when an artifact swapped in was published for another client code than `client`: on
   * the first load, and whenever a refresh brings another client's artifact than the last.
   */
  function reportClient(previous: Loaded<T> | undefined, loaded: Loaded<T>): void {
    // Without a configured client, each artifact is decided with its own client code.
    if (settings.client === undefined) return;
    const mismatch = clientMismatchOf(settings.client, loaded.prepared.artifact);
    if (!mismatch) return;
    if (previous && artifactClientCodeOf(previous.prepared.artifact) === mismatch.artifactClientCode) return;
    logger.warn(clientMismatchMessage(mismatch, usesPayload && !previous ? "artifactPayload" : location));
    emit("artifactClientMismatch", { ...mismatch, artifactLocation: location });
  }

  function useSnapshot(snapshot: LoadedSnapshot<T>): void {
    const previous = current;
    current = snapshot.loaded;
    etag = snapshot.etag;
    snapshotSavedAt = snapshot.savedAt;
    lastRetrieved = snapshot.savedAt;
    const ageMs = Math.max(0, platform.now() - snapshot.savedAt);
    logger.warn(
      `no fresh artifact from ${location}; deciding with the snapshot saved at ${isoOf(snapshot.savedAt)} ` +
        `(${Math.round(ageMs / 1000)} s old) until a download succeeds`,
    );
    emit("artifactSnapshotUsed", { artifactLocation: location, savedAt: snapshot.savedAt, ageMs });
    reportClient(previous, snapshot.loaded);
    resolveReady();
  }

  function saveSnapshot(body: Uint8Array, bodyEtag: string | undefined): void {
    if (!store) return;
    const snapshot: Snapshot = { body, savedAt: platform.now() };
    if (bodyEtag !== undefined) snapshot.etag = bodyEtag;
    // Serialised, so a slow older write can never land after a newer one.
    saveChain = saveChain
      .then(() => store.save(location, snapshot))
      .catch((error: unknown) => logger.warn(`saving the artifact snapshot failed: ${messageOf(error)}`));
    track(saveChain);
  }

  function start(): void {
    if (usesPayload) {
      try {
        current = adopted(prepareArtifact(settings.payload));
      } catch (error) {
        rejectReady(error);
        return;
      }
      reportClient(undefined, current);
      retrievalCount = 1;
      synced = true;
      resolveReady();
      // As the reference does, a payload is refreshed from the artifact location afterwards.
      scheduleRefresh(interval);
      return;
    }
    if (store) snapshotLoad = loadSnapshot(store);
    if (maximumWaitReady > 0) deadlineTimer = platform.setTimeout(onDeadline, maximumWaitReady);
    void runCycle();
  }

  function stopPolling(): void {
    halt();
    rejectReady(new ArtifactError(ErrorCode.ArtifactNotAvailable, "Artifact loading was stopped before an artifact was loaded"));
  }

  start();

  return {
    ready,
    current: () => current?.adopted,
    trace() {
      // Every traced decision asks: the last answer serves until what it shows changes (a
      // snapshot's age changes with the clock). Decisions copy it into their traces.
      const last = lastTrace;
      if (
        last &&
        last.current === current &&
        last.retrievalCount === retrievalCount &&
        last.halted === halted &&
        last.lastRetrieved === lastRetrieved &&
        snapshotSavedAt === undefined
      ) {
        return last.trace;
      }
      const trace: ArtifactTrace = {
        artifactLocation: usesPayload ? "Not Applicable" : location,
        pollingInterval: interval,
        pollingHalted: halted,
        artifactVersion: current ? current.prepared.artifact.version : "unknown",
        artifactRetrievalCount: retrievalCount,
        artifactLastRetrieved: isoOf(lastRetrieved),
      };
      if (snapshotSavedAt !== undefined) {
        trace.artifactSnapshot = { savedAt: isoOf(snapshotSavedAt), ageMs: Math.max(0, platform.now() - snapshotSavedAt) };
      }
      const whole = { ...trace, ...current?.prepared.artifact.meta };
      lastTrace = { current, retrievalCount, halted, lastRetrieved, trace: whole };
      return whole;
    },
    beforeDecision() {
      if (mode !== "on-request" || halted || !readySettled || inflight) return;
      if (platform.monotonic() < nextDueAt) return;
      nextDueAt = Number.POSITIVE_INFINITY;
      const task = runCycle();
      track(task);
      settings.waitUntil?.(task);
    },
    stopPolling,
    async close() {
      stopPolling();
      await inflight?.done;
      await snapshotLoad;
      await Promise.allSettled([...background]);
    },
  };
}

function unref(handle: unknown): void {
  const timer = handle as { unref?: () => void } | undefined;
  if (timer && typeof timer.unref === "function") timer.unref();
}

function isoOf(ms: number): string {
  const date = new Date(ms);
  return Number.isNaN(date.getTime()) ? "unknown" : date.toISOString();
}
