/**
 * The Delivery API over HTTP: host selection, one POST with an overall timeout, bounded retries
 * of failures that cannot have been processed, and the timings telemetry reports. Web-standard
 * APIs only (fetch, AbortController, TextEncoder), so it runs in edge workers too.
 */
import { internal, type DeliveryRequest, type DeliveryResponse, type FetchApi, type FetchInit, type FetchResponseLike } from "@decisioning/engine";
import { ClientErrorCode, DeliveryApiError } from "../errors.js";
import { Messages } from "../messages.js";
import type { ClientPlatform } from "../platform.js";
import { SDK_NAME, SDK_VERSION } from "../version.js";

const { edgeHostOf, isEdgeCluster, ON_ABORT } = internal;

/** The Delivery API path. */
export const DELIVERY_PATH = "/rest/v1/delivery";
const HOST_SUFFIX = "tt.omtrdc.net";
/** Extra attempts after a failure the server cannot have processed (connection failure, 502/503/504). */
export const DEFAULT_DELIVERY_RETRIES = 2;
const RETRY_DELAY_MS = 50;
/** Answers retried within a call: the edge cannot have processed them. */
const RETRIABLE_STATUS = new Set([502, 503, 504]);
/** Answers worth another attempt later (the notification queue's backoff): also "too soon" and "too slow". */
const RETRIABLE_LATER_STATUS = new Set([408, 429, 502, 503, 504]);

/**
 * The Delivery API origin: the visitor's edge cluster when known and valid (it holds the profile),
 * else `serverDomain`, else `{client}.tt.omtrdc.net`; `http://` only when `secure` is false.
 */
export function targetHost(serverDomain: string | undefined, cluster: string | undefined, client: string, secure: boolean | undefined): string {
  const scheme = secure === false ? "http://" : "https://";
  // Checked again here, whoever calls: a cluster becomes part of the host.
  if (isEdgeCluster(cluster)) return scheme + edgeHostOf(cluster);
  if (serverDomain) return scheme + serverDomain;
  return `${scheme}${client}.${HOST_SUFFIX}`;
}

/** Characters `URLSearchParams` leaves as they are. */
const FORM_SAFE = /^[A-Za-z0-9*\-._]*$/;
const encodedValues = new Map<string, string>();

/**
 * A query value encoded exactly as `URLSearchParams` encodes it. Safe values (session ids) are
 * returned as given and the few others (client, version, org id) are remembered: building a
 * `URLSearchParams` per call costs more than the whole URL.
 */
export function formEncode(value: string): string {
  if (FORM_SAFE.test(value)) return value;
  let encoded = encodedValues.get(value);
  if (encoded === undefined) {
    encoded = new URLSearchParams({ v: value }).toString().slice(2);
    if (encodedValues.size >= 256) encodedValues.clear();
    encodedValues.set(value, encoded);
  }
  return encoded;
}

/** The Delivery API URL for a host: `?client=&sessionId=&version=` plus `imsOrgId`, which the reference sends. */
export function deliveryUrl(host: string, query: { client: string; sessionId: string; version: string; imsOrgId: string }): string {
  const parts = deliveryUrlParts(host, query);
  return parts.head + formEncode(query.sessionId) + parts.tail;
}

/** A Delivery API URL around its session id: what stays the same for every call of a client to one host. */
export interface DeliveryUrlParts {
  /** Up to `sessionId=`. */
  head: string;
  /** From `&version=` on. */
  tail: string;
}

/** The parts of a host's Delivery API URL that do not depend on the session. */
export function deliveryUrlParts(host: string, query: { client: string; version: string; imsOrgId: string }): DeliveryUrlParts {
  return {
    head: `${host}${DELIVERY_PATH}?client=${formEncode(query.client)}&sessionId=`,
    tail: `&version=${formEncode(query.version)}&imsOrgId=${formEncode(query.imsOrgId)}`,
  };
}

/** Headers of a Delivery API call. */
export function deliveryHeaders(requestId: string): Record<string, string> {
  return {
    "Content-Type": "application/json",
    "X-EXC-SDK": SDK_NAME,
    "X-EXC-SDK-Version": SDK_VERSION,
    "X-Request-Id": requestId,
  };
}

/** How to reach the Delivery API. */
export interface DeliveryTransport {
  fetchApi: FetchApi;
  /** Ms for the whole call, retries included. */
  timeout: number;
  retries: number;
  platform: Pick<ClientPlatform, "monotonic" | "setTimeout" | "clearTimeout">;
}

/** Network timings of one successful call, in ms (size in bytes). */
export interface DeliveryTimings {
  timeToFirstByte: number;
  download: number;
  parsing: number;
  responseSize: number;
}

/** A parsed Delivery API answer with its timings. */
export interface DeliveryResult {
  response: DeliveryResponse;
  timings: DeliveryTimings;
}

/**
 * The `init` of a Delivery API call: `{method, headers, body, signal}`. The signal is an
 * AbortController's made only when something reads it: Node takes ~2.5 µs to make an
 * AbortSignal, more than the rest of the call, and a fetch that never looks (a stub, a mock)
 * or that takes the engine's `ON_ABORT` hook instead (the Node transport) needs none. A timeout
 * aborts it whether it is made before or after. Assigning `signal` (a wrapper putting in its
 * own) stores the value, as on a plain object.
 */
class DeliveryInit implements FetchInit {
  method: string;
  headers: Record<string, string>;
  body: string;
  declare signal: AbortSignal;
  #controller: AbortController | undefined;
  #aborted = false;
  #listeners: Array<(reason: unknown) => void> | undefined;

  constructor(headers: Record<string, string>, body: string) {
    this.method = "POST";
    this.headers = headers;
    this.body = body;
    if (typeof AbortController === "function") Object.defineProperty(this, "signal", DeliveryInit.signalProperty);
  }

  // One shared descriptor: defining it costs far less than a literal's per-call accessor closures.
  static readonly signalProperty: PropertyDescriptor = {
    get(this: DeliveryInit): AbortSignal {
      return this.#signal();
    },
    set(this: DeliveryInit, value: unknown): void {
      Object.defineProperty(this, "signal", { value, writable: true, enumerable: true, configurable: true });
    },
    enumerable: true,
    configurable: true,
  };

  /** The engine's abort hook (see `ON_ABORT`): call `listener` once on abort, at once if aborted already. */
  [ON_ABORT](listener: (reason: unknown) => void): void {
    if (this.#aborted) listener(new DeliveryAbort());
    else (this.#listeners ??= []).push(listener);
  }

  #signal(): AbortSignal {
    if (this.#controller === undefined) {
      this.#controller = new AbortController();
      if (this.#aborted) this.#controller.abort();
    }
    return this.#controller.signal;
  }

  /** Abort the call: its signal, now if it exists, else as soon as it is made, and its abort listeners. */
  abort(): void {
    if (this.#aborted) return;
    this.#aborted = true;
    this.#controller?.abort();
    const listeners = this.#listeners;
    this.#listeners = undefined;
    if (listeners) for (const listener of listeners) listener(new DeliveryAbort());
  }
}

/** The reason given to abort listeners: the call ran out of time (the caller already has its error). */
class DeliveryAbort extends Error {
  constructor() {
    super("Delivery API request aborted: the call's timeout passed");
    this.name = "AbortError";
  }
}

class Retriable {
  constructor(readonly error: DeliveryApiError) {}
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function httpError(url: string, status: number, statusText: string | undefined, text: string): DeliveryApiError {
  const body = parseJson(text) ?? text;
  const serverMessage =
    typeof body === "object" && body !== null && typeof (body as { message?: unknown }).message === "string"
      ? (body as { message: string }).message
      : undefined;
  const label = statusText ? `${status} ${statusText}` : String(status);
  const message = `Delivery API request failed with HTTP ${label}${serverMessage ? `: ${serverMessage}` : ""}`;
  return new DeliveryApiError(ClientErrorCode.DeliveryHttpError, message, { url, status, body });
}

/** Deepest nesting of objects and arrays taken in an answer: the bound artifacts have too. */
export const MAX_ANSWER_DEPTH = 512;

/** Whether objects or arrays in `root` nest more than `max` levels deep, found without recursion. */
export function nestsDeeperThan(root: unknown, max: number): boolean {
  const stack: Array<{ value: unknown; depth: number }> = [{ value: root, depth: 0 }];
  while (stack.length > 0) {
    const { value, depth } = stack.pop() as { value: unknown; depth: number };
    if (typeof value !== "object" || value === null) continue;
    if (depth >= max) return true;
    for (const key in value) {
      const item = (value as Record<string, unknown>)[key];
      // Only objects and arrays can nest: leaves (most of an answer) get no visit.
      if (typeof item === "object" && item !== null) stack.push({ value: item, depth: depth + 1 });
    }
  }
  return false;
}

/** Bytes of `text` in UTF-8, as `TextEncoder` would write it (a lone surrogate as U+FFFD), without encoding it. */
export function utf8Length(text: string): number {
  let bytes = text.length;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x80) continue;
    if (code < 0x800) bytes += 1;
    else if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      // A surrogate pair: two UTF-16 units, four bytes.
      bytes += 2;
      i += 1;
    } else bytes += 2;
  }
  return bytes;
}

async function attempt(transport: DeliveryTransport, url: string, init: FetchInit): Promise<DeliveryResult> {
  const { monotonic } = transport.platform;
  const started = monotonic();
  let response: FetchResponseLike;
  let text: string;
  try {
    response = await transport.fetchApi(url, init);
  } catch (cause) {
    throw new Retriable(new DeliveryApiError(ClientErrorCode.DeliveryNetworkError, `Delivery API request failed: ${String(cause)}`, { url, cause }));
  }
  const firstByte = monotonic();
  try {
    text = await response.text();
  } catch (cause) {
    throw new DeliveryApiError(ClientErrorCode.DeliveryNetworkError, `Delivery API response could not be read: ${String(cause)}`, {
      url,
      status: response.status,
      cause,
    });
  }
  const downloaded = monotonic();
  if (response.status < 200 || response.status >= 300) {
    const error = httpError(url, response.status, response.statusText, text);
    throw RETRIABLE_STATUS.has(response.status) ? new Retriable(error) : error;
  }
  let parsed: unknown = {};
  const parsingStarted = monotonic();
  if (response.status !== 204 && text.trim() !== "") {
    try {
      parsed = JSON.parse(text);
    } catch (cause) {
      throw new DeliveryApiError(ClientErrorCode.DeliveryInvalidResponse, "Delivery API response is not valid JSON", {
        url,
        status: response.status,
        body: text,
        cause,
      });
    }
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw new DeliveryApiError(ClientErrorCode.DeliveryInvalidResponse, "Delivery API response is not a JSON object", {
      url,
      status: response.status,
      body: parsed,
    });
  }
  if (nestsDeeperThan(parsed, MAX_ANSWER_DEPTH)) {
    // As deep an answer as no artifact may be: reading it (copying offer content) would overflow the stack.
    throw new DeliveryApiError(
      ClientErrorCode.DeliveryInvalidResponse,
      `Delivery API response nests objects or arrays more than ${MAX_ANSWER_DEPTH} levels deep`,
      {
        url,
        status: response.status,
      },
    );
  }
  return {
    response: parsed as DeliveryResponse,
    timings: {
      timeToFirstByte: firstByte - started,
      download: downloaded - firstByte,
      parsing: monotonic() - parsingStarted,
      responseSize: utf8Length(text),
    },
  };
}

/**
 * POST a request to the Delivery API. Rejects with a {@link DeliveryApiError}: `DELIVERY_TIMEOUT`
 * ("Request timed out", as the reference) once `timeout` ms have passed, `DELIVERY_HTTP_ERROR`
 * for a non-2xx answer (4xx is never retried), `DELIVERY_NETWORK_ERROR`,
 * `DELIVERY_INVALID_RESPONSE`, or `DELIVERY_INVALID_REQUEST` for a request that is not JSON.
 */
export async function postDelivery(
  transport: DeliveryTransport,
  url: string,
  headers: Record<string, string>,
  request: DeliveryRequest,
): Promise<DeliveryResult> {
  const { platform } = transport;
  let body: string;
  try {
    body = JSON.stringify(request);
  } catch (cause) {
    // A request nested deeper than the stack (or cyclic) from the caller: refused, never sent.
    throw new DeliveryApiError(ClientErrorCode.DeliveryInvalidRequest, `Delivery API request cannot be serialized as JSON: ${String(cause)}`, { url, cause });
  }
  const init = new DeliveryInit(headers, body);
  const state = { timedOut: false };
  // One promise settled by whichever comes first, the attempts or the timer, rather than a
  // timeout promise raced against them: fewer promises and closures per call.
  return new Promise<DeliveryResult>((resolve, reject) => {
    const timer = platform.setTimeout(() => {
      state.timedOut = true;
      init.abort();
      reject(new DeliveryApiError(ClientErrorCode.DeliveryTimeout, Messages.REQUEST_TIMED_OUT, { url }));
    }, transport.timeout);
    attempts(transport, url, init, state).then(
      (result) => {
        platform.clearTimeout(timer);
        resolve(result);
      },
      (error: unknown) => {
        platform.clearTimeout(timer);
        reject(error);
      },
    );
  });
}

/** Attempts until one succeeds, fails for good, the retries run out, or the overall timeout passed. */
async function attempts(transport: DeliveryTransport, url: string, init: FetchInit, state: { timedOut: boolean }): Promise<DeliveryResult> {
  for (let tried = 0; ; tried++) {
    try {
      return await attempt(transport, url, init);
    } catch (failure) {
      if (!(failure instanceof Retriable)) throw failure;
      if (state.timedOut || tried >= transport.retries) throw failure.error;
      await new Promise<void>((resolve) => transport.platform.setTimeout(resolve, RETRY_DELAY_MS * 2 ** tried));
      // The overall timeout has already answered the caller; stop quietly.
      if (state.timedOut) throw failure.error;
    }
  }
}

/**
 * Delivery API failures worth another attempt later: the edge could not be reached, did not
 * answer in time, or asked to come back later (408, 429, 502, 503, 504). A 500 or another 4xx
 * is not retried: the edge may have counted it, or will refuse it again.
 */
export function isRetriableDeliveryFailure(error: unknown): boolean {
  if (!(error instanceof DeliveryApiError)) return false;
  if (error.code === ClientErrorCode.DeliveryNetworkError || error.code === ClientErrorCode.DeliveryTimeout) return true;
  return error.code === ClientErrorCode.DeliveryHttpError && error.status !== undefined && RETRIABLE_LATER_STATUS.has(error.status);
}
