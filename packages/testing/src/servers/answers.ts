/** The answers a fake server writes: static routes with ETags and `304`s, scripted statuses. */
import type { ServerResponse } from "node:http";
import { bodyBytes, etagOf } from "./bodies.js";
import type { RecordedRequest, Route } from "./types.js";

/** A server's own answer to one request, before any fault distorts it. */
export interface Answer {
  status: number;
  headers: Record<string, string>;
  body: Uint8Array;
  chunked?: boolean;
}

/** A route with its bytes and ETag worked out once. */
export interface PreparedRoute {
  route: Route;
  body: Uint8Array;
  etag: string | undefined;
}

/** A JSON answer. */
export function jsonAnswer(status: number, body: unknown): Answer {
  return { status, headers: { "content-type": "application/json" }, body: bodyBytes(body) };
}

const EMPTY = new Uint8Array();
/** Statuses sent without a body. */
const BODYLESS = new Set([204, 304]);

/** A route ready to serve: its bytes and ETag worked out once. */
export function prepare(route: Route): PreparedRoute {
  return { route, body: bodyBytes(route.body), etag: route.etag === false ? undefined : (route.etag ?? etagOf(route.body)) };
}

/** Whether an `If-None-Match` header names this ETag (weak or strong, alone or in a list). */
function matches(ifNoneMatch: string | undefined, etag: string): boolean {
  if (ifNoneMatch === undefined) return false;
  const bare = etag.replace(/^W\//, "");
  return ifNoneMatch.split(",").some((tag) => tag.trim() === "*" || tag.trim().replace(/^W\//, "") === bare);
}

/** A static route's answer: 405 to other methods than GET and HEAD, 304 to a matching If-None-Match. */
export function routeAnswer(prepared: PreparedRoute, request: RecordedRequest): Answer {
  const { route, body, etag } = prepared;
  if (request.method !== "GET" && request.method !== "HEAD")
    return { status: 405, headers: { "content-type": "text/plain", allow: "GET, HEAD" }, body: bodyBytes("GET or HEAD only") };
  if (etag !== undefined && matches(request.headers["if-none-match"], etag)) return { status: 304, headers: { etag }, body: EMPTY };
  const headers: Record<string, string> = {
    "content-type": route.contentType ?? (route.body instanceof Uint8Array ? "application/octet-stream" : "application/json"),
    ...route.headers,
  };
  if (etag !== undefined) headers.etag = etag;
  return { status: 200, headers, body, ...(route.chunked ? { chunked: true } : {}) };
}

/** The answer of a status fault: the body given, else `{status, message}` (none for 204 and 304). */
export function faultAnswer(status: number, body: unknown): Answer {
  if (BODYLESS.has(status)) return { status, headers: {}, body: EMPTY };
  return jsonAnswer(status, body === undefined ? { status, message: "scripted fault" } : body);
}

/** Write an answer whole: with `Content-Length`, or chunked. */
export function send(res: ServerResponse, answer: Answer): void {
  res.statusCode = answer.status;
  for (const [name, value] of Object.entries(answer.headers)) res.setHeader(name, value);
  if (BODYLESS.has(answer.status)) {
    res.end();
  } else if (answer.chunked) {
    // A write before end() makes Node send Transfer-Encoding: chunked instead of a length.
    res.write(answer.body);
    res.end();
  } else {
    res.setHeader("content-length", String(answer.body.length));
    res.end(answer.body);
  }
}
