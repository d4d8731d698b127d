/**
 * What the host lends the engine and the client: a logger, a fetch, an event emitter, a
 * domain parser, clocks and timers, snapshot storage. Structural types, so that the global
 * `fetch`, the Node transport or a test's fake fit.
 */

/** A four-method logger; every method is optional. */
export interface Logger {
  debug?: (...args: unknown[]) => void;
  info?: (...args: unknown[]) => void;
  warn?: (...args: unknown[]) => void;
  error?: (...args: unknown[]) => void;
}

/** What the engine and the client pass to fetch. */
export interface FetchInit {
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  signal?: AbortSignal;
}

/** The part of a fetch Response the engine and the client use. */
export interface FetchResponseLike {
  ok: boolean;
  status: number;
  statusText?: string;
  headers: { get(name: string): string | null };
  text(): Promise<string>;
  json(): Promise<unknown>;
  arrayBuffer(): Promise<ArrayBuffer>;
}

/** A WHATWG-fetch-compatible function (the global `fetch` qualifies; plain or async). */
export type FetchApi = (input: string, init?: FetchInit) => Promise<FetchResponseLike>;

/**
 * Names of the events the engine emits, with their payloads:
 * - `artifactDownloadSucceeded` `{artifactLocation, artifactPayload}`: an artifact was downloaded and is in use.
 * - `artifactDownloadFailed` `{artifactLocation, error}`: a download or its artifact failed; the last good artifact stays.
 * - `artifactSnapshotUsed` `{artifactLocation, savedAt, ageMs}`: the start fell back to the stored snapshot.
 * - `artifactClientMismatch` `{client, artifactClientCode, artifactLocation}`: the artifact in use was published for
 *   another client code than `client` (the first load, and each refresh that brings another client's artifact).
 * - `geoLocationUpdated` `{geoContext}`: geo context from the CDN's headers or an IP lookup.
 * - `sendNotificationError` `{notification, error}`: `sendNotificationFunc` threw or rejected.
 */
export type EngineEventName =
  | "artifactDownloadSucceeded"
  | "artifactDownloadFailed"
  | "artifactSnapshotUsed"
  | "artifactClientMismatch"
  | "geoLocationUpdated"
  | "sendNotificationError";

/** The reference's event emitter signature: `(eventName, payload)`. */
export type EventEmitter = (eventName: EngineEventName | string, payload?: Record<string, unknown>) => void;

/** Host name split by a domain parser. */
export interface DomainParts {
  domain: string;
  subdomain: string;
  topLevelDomain: string;
}

/** A domain parser, as in the reference's `parseDomainImpl`. */
export type ParseDomain = (host: string) => Partial<DomainParts>;

/**
 * Everything the engine needs from its host, injected so that the core stays free of I/O and
 * tests can drive time and randomness. Defaults use web-standard globals only.
 */
export interface Platform {
  /** A WHATWG fetch (plain or async function). */
  fetch: FetchApi | undefined;
  /** Wall clock, ms since epoch. */
  now: () => number;
  /** Monotonic high-resolution clock in ms, for durations. */
  monotonic: () => number;
  setTimeout: (fn: () => void, ms: number) => unknown;
  clearTimeout: (handle: unknown) => void;
  /** Uniform in [0, 1): used for backoff jitter. */
  random: () => number;
  /** A fresh id: 32 lower-case hex digits, as Target's ids. */
  uuid: () => string;
}

/** A stored last-good artifact. */
export interface Snapshot {
  /** The artifact body as fetched (JSON text, or the raw bytes of `rules.bin`). */
  body: Uint8Array;
  /** When it was downloaded, ms since epoch (a later `304` does not move it). */
  savedAt: number;
  /** Its ETag, if the server sent one. */
  etag?: string;
}

/**
 * Pluggable storage for the last good artifact: a file on Node, a KV namespace at the edge.
 * Both methods may be async; errors are reported, never fatal. `key` identifies the artifact
 * (its location), so one store can serve several engines.
 */
export interface SnapshotStore {
  load(key: string): Snapshot | undefined | Promise<Snapshot | undefined>;
  save(key: string, snapshot: Snapshot): void | Promise<void>;
}

/**
 * The string key-value API shared by Cloudflare Workers KV, Vercel KV/Upstash-style clients and
 * simple `Map` wrappers: `get` resolves to the stored text or `null`.
 */
export interface KeyValueNamespace {
  get(key: string): Promise<string | null | undefined> | string | null | undefined;
  put(key: string, value: string): Promise<unknown> | unknown;
}
