/**
 * What the host lends the engine and the client: a logger, a fetch, an event emitter, a
 * domain parser. Structural types, so that the global `fetch`, the Node transport or a test's fake fit.
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

/** Names of the events the engine emits. */
export type EngineEventName = "artifactDownloadSucceeded" | "artifactDownloadFailed" | "geoLocationUpdated" | "sendNotificationError";

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
