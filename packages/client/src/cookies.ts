/**
 * Target's first-party cookies. The `mbox` cookie packs several internal cookies as
 * `name#value#expires|name#value#expires` (name and value URI-encoded, `expires` in seconds
 * since epoch); `session` holds the session id and `PC` the tntId. `mboxEdgeCluster` holds the
 * edge cluster (location hint) the visitor is served from.
 */
import { internal } from "@decisioning/engine";

const { clusterOfEdgeHost, clusterOfTntId, edgeClusterOf } = internal;

/** Name of Target's cookie. */
export const TARGET_COOKIE = "mbox";
/** Internal cookie holding the session id. */
export const SESSION_ID_COOKIE = "session";
/** Internal cookie holding the tntId (device id). */
export const DEVICE_ID_COOKIE = "PC";
/** Name of the edge-cluster cookie. */
export const LOCATION_HINT_COOKIE = "mboxEdgeCluster";
/** Seconds a session lives: 31 minutes. */
export const SESSION_ID_MAX_AGE = 1860;
/** Seconds a tntId lives: two years. */
export const DEVICE_ID_MAX_AGE = 63244800;
/** Seconds the edge-cluster cookie lives. */
export const LOCATION_HINT_MAX_AGE = 1860;

/** A cookie for the caller to set on its HTTP response; `maxAge` is in seconds. */
export interface TargetCookie {
  name: string;
  value: string;
  maxAge: number;
}

/** One entry of the `mbox` cookie. */
export interface InternalCookie {
  name: string;
  value: string;
  /** Seconds since epoch. */
  expires: number;
}

function decode(text: string): string | undefined {
  try {
    return decodeURIComponent(text);
  } catch {
    // A malformed escape in a cookie someone else wrote is skipped, not fatal.
    return undefined;
  }
}

function deserialize(text: string): InternalCookie | undefined {
  const parts = text.split("#");
  if (parts.length < 3) return undefined;
  const expires = Number.parseInt(parts[2] ?? "", 10);
  if (Number.isNaN(expires)) return undefined;
  const name = decode(parts[0] ?? "");
  const value = decode(parts[1] ?? "");
  if (name === undefined || value === undefined) return undefined;
  return { name, value, expires: Number(parts[2]) };
}

/**
 * The unexpired entries of an `mbox` cookie value, by name (a null-prototype object: names
 * come from the request).
 */
export function parseTargetCookie(cookieValue: string | undefined, nowMs: number): Record<string, InternalCookie> {
  const result: Record<string, InternalCookie> = Object.create(null) as Record<string, InternalCookie>;
  if (typeof cookieValue !== "string" || cookieValue === "") return result;
  const nowSeconds = Math.ceil(nowMs / 1000);
  for (const raw of cookieValue.split("|")) {
    const cookie = deserialize(raw);
    if (cookie && nowSeconds <= cookie.expires) result[cookie.name] = cookie;
  }
  return result;
}

// A lone surrogate half (invalid UTF-16, which a visitor id or session id from a request may
// hold) makes encodeURIComponent throw; such halves become U+FFFD, as a UTF-8 decoder would.
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

// Well-formed strings (nearly all) skip the regular expression where the host can tell cheaply.
const isWellFormed: ((value: string) => boolean) | undefined =
  typeof (String.prototype as { isWellFormed?: unknown }).isWellFormed === "function"
    ? (value) => (value as string & { isWellFormed(): boolean }).isWellFormed()
    : undefined;

// Characters encodeURIComponent leaves as they are: ids (hex, uuids) are nothing else.
const NEEDS_NO_ENCODING = /^[A-Za-z0-9\-_.!~*'()]*$/;

function encodePart(value: string): string {
  if (NEEDS_NO_ENCODING.test(value)) return value;
  return encodeURIComponent(isWellFormed?.(value) ? value : value.replace(LONE_SURROGATE, "\ufffd"));
}

/** Serialize entries into one `mbox` cookie whose `maxAge` is that of the longest-lived entry. */
export function createTargetCookie(cookies: InternalCookie[], nowMs: number): TargetCookie {
  // Loops rather than spread, map and join: this runs for every decision.
  let maxExpires = -Infinity;
  let value = "";
  for (let i = 0; i < cookies.length; i++) {
    const c = cookies[i] as InternalCookie;
    // As Math.max: NaN wins.
    if (c.expires > maxExpires || Number.isNaN(c.expires)) maxExpires = c.expires;
    value += `${i === 0 ? "" : "|"}${encodePart(c.name)}#${encodePart(c.value)}#${c.expires}`;
  }
  const maxAgeMs = Math.abs(maxExpires * 1000 - nowMs);
  return { name: TARGET_COOKIE, value, maxAge: Math.ceil(maxAgeMs / 1000) };
}

/** The `mbox` cookie to set after a request: the session, and the tntId when one is known. */
export function targetCookieFor(sessionId: string, tntId: string | undefined, nowMs: number): TargetCookie {
  const nowSeconds = Math.ceil(nowMs / 1000);
  const cookies: InternalCookie[] = [{ name: SESSION_ID_COOKIE, value: sessionId, expires: nowSeconds + SESSION_ID_MAX_AGE }];
  // A tntId that is not a string (the request's, on-device) is no device id to remember.
  if (typeof tntId === "string" && tntId) cookies.push({ name: DEVICE_ID_COOKIE, value: tntId, expires: nowSeconds + DEVICE_ID_MAX_AGE });
  return createTargetCookie(cookies, nowMs);
}

/** The edge cluster a tntId was minted on (`<uuid>.<cluster>_<n>`), when it names a valid one. */
export function clusterOfDeviceId(deviceId: string | undefined): string | undefined {
  return clusterOfTntId(deviceId);
}

/** The edge cluster to remember after a request: the request's (valid) cluster, else the one the edge reported. */
export function locationHintOf(requestCluster: string | undefined, edgeHost: string | undefined): string | undefined {
  return edgeClusterOf(requestCluster) ?? clusterOfEdgeHost(edgeHost);
}

/**
 * The `mboxEdgeCluster` cookie to set: the request's cluster, else the one the edge reported.
 * Only a value in Target's shape is handed back, so no `Set-Cookie` built from it can carry
 * attributes of a visitor's making.
 */
export function locationHintCookieFor(requestCluster: string | undefined, edgeHost: string | undefined): TargetCookie | undefined {
  const cluster = locationHintOf(requestCluster, edgeHost);
  if (!cluster) return undefined;
  return { name: LOCATION_HINT_COOKIE, value: cluster, maxAge: LOCATION_HINT_MAX_AGE };
}
