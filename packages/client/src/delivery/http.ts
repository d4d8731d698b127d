/**
 * The Delivery API over HTTP: host selection, one POST with an overall timeout, bounded retries
 * of failures that cannot have been processed, and the timings telemetry reports. Web-standard
 * APIs only (fetch, AbortController, TextEncoder), so it runs in edge workers too.
 */
import { edgeHostOf } from "../cookies.js";
import { ClientErrorCode, DeliveryApiError } from "../errors.js";
import { Messages } from "../messages.js";
import type { ClientPlatform } from "../platform.js";
import type { DeliveryRequest, DeliveryResponse } from "../types.js";
import { SDK_NAME, SDK_VERSION } from "../version.js";

/** What the client passes to fetch. */
export interface FetchInit {
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  signal?: AbortSignal;
}

/** The part of a fetch Response the client and the engine use. */
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

/** The Delivery API path. */
export const DELIVERY_PATH = "/rest/v1/delivery";
const HOST_SUFFIX = "tt.omtrdc.net";
/** Extra attempts after a failure the server cannot have processed (connection failure, 502/503/504). */
export const DEFAULT_DELIVERY_RETRIES = 2;
const RETRY_DELAY_MS = 50;
const RETRIABLE_STATUS = new Set([502, 503, 504]);

/**
 * The Delivery API origin: the visitor's edge cluster when known (it holds the profile),
 * else `serverDomain`, else `{client}.tt.omtrdc.net`; `http://` only when `secure` is false.
 */
export function targetHost(serverDomain: string | undefined, cluster: string | undefined, client: string, secure: boolean | undefined): string {
  const scheme = secure === false ? "http://" : "https://";
  if (cluster) return scheme + edgeHostOf(cluster);
  if (serverDomain) return scheme + serverDomain;
  return `${scheme}${client}.${HOST_SUFFIX}`;
}

/** The Delivery API URL for a host: `?client=&sessionId=&version=` plus `imsOrgId`, which the reference sends. */
export function deliveryUrl(host: string, query: { client: string; sessionId: string; version: string; imsOrgId: string }): string {
  const params = new URLSearchParams({ client: query.client, sessionId: query.sessionId, version: query.version, imsOrgId: query.imsOrgId });
  return `${host}${DELIVERY_PATH}?${params.toString()}`;
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
  return {
    response: parsed as DeliveryResponse,
    timings: {
      timeToFirstByte: firstByte - started,
      download: downloaded - firstByte,
      parsing: monotonic() - parsingStarted,
      responseSize: new TextEncoder().encode(text).byteLength,
    },
  };
}

/**
 * POST a request to the Delivery API. Rejects with a {@link DeliveryApiError}: `DELIVERY_TIMEOUT`
 * ("Request timed out", as the reference) once `timeout` ms have passed, `DELIVERY_HTTP_ERROR`
 * for a non-2xx answer (4xx is never retried), `DELIVERY_NETWORK_ERROR`,
 * `DELIVERY_INVALID_RESPONSE`, or `DELIVERY_INVALID_REQUEST` for a request that is not JSON.
 */
export async function postDelivery(transport: DeliveryTransport, url: string, headers: Record<string, string>, request: DeliveryRequest): Promise<DeliveryResult> {
  const { platform } = transport;
  const controller = typeof AbortController === "function" ? new AbortController() : undefined;
  let body: string;
  try {
    body = JSON.stringify(request);
  } catch (cause) {
    // A request nested deeper than the stack (or cyclic) from the caller: refused, never sent.
    throw new DeliveryApiError(ClientErrorCode.DeliveryInvalidRequest, `Delivery API request cannot be serialized as JSON: ${String(cause)}`, { url, cause });
  }
  const init: FetchInit = { method: "POST", headers, body };
  if (controller) init.signal = controller.signal;
  let timedOut = false;
  let timer: unknown;
  const timeout = new Promise<never>((_, reject) => {
    timer = platform.setTimeout(() => {
      timedOut = true;
      controller?.abort();
      reject(new DeliveryApiError(ClientErrorCode.DeliveryTimeout, Messages.REQUEST_TIMED_OUT, { url }));
    }, transport.timeout);
  });
  const sleep = (ms: number) => new Promise<void>((resolve) => platform.setTimeout(resolve, ms));

  async function attempts(): Promise<DeliveryResult> {
    for (let tried = 0; ; tried++) {
      try {
        return await attempt(transport, url, init);
      } catch (failure) {
        if (!(failure instanceof Retriable)) throw failure;
        if (timedOut || tried >= transport.retries) throw failure.error;
        await sleep(RETRY_DELAY_MS * 2 ** tried);
        // The overall timeout has already answered the caller; stop quietly.
        if (timedOut) throw failure.error;
      }
    }
  }

  const work = attempts();
  // The losing side of the race must not surface as an unhandled rejection.
  work.catch(() => {});
  try {
    return await Promise.race([work, timeout]);
  } finally {
    platform.clearTimeout(timer);
  }
}
