/**
 * A local Delivery API: `POST /rest/v1/delivery` decided on-device, so services in any
 * language can use the engine as a sidecar with the HTTP client they already have. Whatever
 * reaches the port cannot grow it without bound: request and answer sizes are capped, other
 * client codes are refused unless allowed (then cached in a small LRU), traces need the
 * operator's leave, and notifications go through a bounded queue.
 */
import { createHash, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { RequestError, type DeliveryRequest } from "@decisioning/engine";
import { knownNames, requestedNames, describeUnknown, type KnownNames } from "./names.js";
import { suggest } from "./args.js";
import { ClientRefused, DeciderSet } from "./serve/deciders.js";
import { createForwarder, type Forwarder, type ForwarderStats } from "./serve/forwarder.js";
import { clientNotificationsOf, forwardJobOf, NotificationsInvalid } from "./serve/notifications.js";
import type { SourceStatus } from "./serve/source.js";

/** Largest request body accepted, in bytes: a delivery request is a few kilobytes. */
const MAX_BODY_BYTES = 1024 * 1024;
/** Default largest answer, in bytes. */
export const DEFAULT_MAX_RESPONSE_BYTES = 4 * 1024 * 1024;
/** Longest `?sessionId=` accepted. */
const MAX_SESSION_ID = 256;
/**
 * Most mboxes, views and page loads in one traced request. A trace grows with the square of
 * the items (each item's trace repeats the ones before it): on a 400 KB artifact, 10 traced
 * items make a 5 MB answer in half a second, 50 make 95 MB in half a minute.
 */
export const MAX_TRACED_ITEMS = 10;
/** Unknown names reported (once each) before the server stops reporting new ones. */
const MAX_REPORTED_NAMES = 256;

/** One handled request, for logs. */
export interface ServedRequest {
  method: string;
  path: string;
  status: number;
  ms: number;
  /** Response `status` field of a decision (200, or 206 when something needs the Delivery API). */
  decision?: number;
  error?: string;
}

/** Who may ask for a trace: nobody (the default), anyone who reaches the port, or callers that send the token. */
export type TracePolicy = "off" | "any" | { token: string };

/** Options of {@link createDeliveryServer}. */
export interface DeliveryServerOptions {
  /** The artifact (parsed JSON). Replace it later with `setArtifact`. */
  artifact: unknown;
  /** The client code decided for: requests without `?client=` or with this one. */
  client: string;
  /** Most other `?client=` values decided at once (an LRU of deciders); 0, the default, answers them with a 400. */
  otherClients?: number;
  /** Who may ask for a trace (`request.trace`); default `off`: 403. */
  trace?: TracePolicy;
  /** Largest answer in bytes (default 4 MiB); a larger one is refused with a 413. */
  maxResponseBytes?: number;
  /** Where notifications go; default: none, every notification dropped and counted. */
  forwarder?: Forwarder;
  /** The artifact source's state, for `/health`. */
  sourceStatus?: () => SourceStatus;
  /** Called after every request. */
  onRequest?: (served: ServedRequest) => void;
  /** Called once per requested name the artifact does not know, with a did-you-mean. */
  onUnknownName?: (message: string) => void;
  /** Clock override (tests). */
  now?: () => number;
}

/** The server and a way to swap its artifact. */
export interface DeliveryServer {
  server: Server;
  /** Decide from a new artifact from now on; throws the engine's `ArtifactError` (keeping the old one) if it is unusable. */
  setArtifact(artifact: unknown): void;
  /** What `GET /health` answers. */
  health(): Record<string, unknown>;
}

function send(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", "content-length": Buffer.byteLength(text) });
  res.end(text);
}

class HttpProblem extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const encoding = (req.headers["content-encoding"] ?? "identity").toLowerCase();
  if (encoding !== "identity") {
    throw new HttpProblem(400, `the body is ${encoding}-encoded (Content-Encoding: ${encoding}): send the JSON uncompressed; this server does not decompress`);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new HttpProblem(413, `request body over ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

function parseRequest(body: Buffer): DeliveryRequest {
  if (body[0] === 0x1f && body[1] === 0x8b)
    throw new HttpProblem(400, "the body is gzip-compressed: send the JSON uncompressed; this server does not decompress");
  let request: unknown;
  try {
    request = JSON.parse(body.toString("utf8"));
  } catch (error) {
    throw new HttpProblem(400, `the body is not JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (typeof request !== "object" || request === null || Array.isArray(request))
    throw new HttpProblem(400, "the body must be a JSON object: a Delivery API request");
  return request as DeliveryRequest;
}

const sha256 = (text: string): Buffer => createHash("sha256").update(text).digest();

function itemCount(request: DeliveryRequest): number {
  let count = 0;
  for (const block of [request.execute, request.prefetch]) {
    if (typeof block !== "object" || block === null) continue;
    if (Array.isArray(block.mboxes)) count += block.mboxes.length;
    if (Array.isArray(block.views)) count += block.views.length;
    if (block.pageLoad) count += 1;
  }
  return count;
}

function checkTrace(request: DeliveryRequest, policy: TracePolicy): void {
  const trace = (request as { trace?: unknown }).trace;
  if (trace === undefined || trace === null) return;
  if (policy === "any") {
    checkTracedSize(request);
    return;
  }
  if (policy === "off") {
    throw new HttpProblem(
      403,
      "request.trace: traces are off on this server (they can be large and costly): start serve with --trace-token <token> and send it as trace.authorizationToken, or with --allow-trace",
    );
  }
  const given =
    typeof trace === "object" && typeof (trace as { authorizationToken?: unknown }).authorizationToken === "string"
      ? (trace as { authorizationToken: string }).authorizationToken
      : "";
  // Hashes have one length, so the comparison takes the same time whatever was sent.
  if (!timingSafeEqual(sha256(given), sha256(policy.token))) {
    throw new HttpProblem(403, "request.trace.authorizationToken: missing or not this server's trace token (--trace-token)");
  }
  checkTracedSize(request);
}

function checkTracedSize(request: DeliveryRequest): void {
  const items = itemCount(request);
  if (items > MAX_TRACED_ITEMS) {
    throw new HttpProblem(
      413,
      `request.trace: a traced request may ask for at most ${MAX_TRACED_ITEMS} mboxes, views and page loads (traces grow with the square of them); this one asks for ${items}`,
    );
  }
}

/** Create (but do not start) a Delivery API server that decides on-device. */
export function createDeliveryServer(options: DeliveryServerOptions): DeliveryServer {
  const now = options.now ?? Date.now;
  const deciders = new DeciderSet(options.artifact, {
    client: options.client,
    otherClients: options.otherClients ?? 0,
    ...(options.now ? { now: options.now } : {}),
  });
  const forwarder = options.forwarder ?? createForwarder({ url: undefined });
  const trace = options.trace ?? "off";
  const maxResponseBytes = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
  const startedAt = now();
  let known: KnownNames = knownNames(deciders.own.artifact);
  let reported = new Set<string>();

  function reportUnknown(request: DeliveryRequest): void {
    if (!options.onUnknownName || reported.size > MAX_REPORTED_NAMES) return;
    for (const { kind, name } of requestedNames(request)) {
      const names = kind === "mbox" ? known.mboxes : known.views;
      if (names.has(name) || reported.has(`${kind} ${name}`)) continue;
      reported.add(`${kind} ${name}`);
      if (reported.size > MAX_REPORTED_NAMES) {
        options.onUnknownName(`more than ${MAX_REPORTED_NAMES} unknown mbox and view names: not reporting more until the artifact changes`);
        return;
      }
      const suggestion = suggest(name, names);
      options.onUnknownName(describeUnknown({ kind, name, ...(suggestion !== undefined ? { suggestion } : {}) }));
    }
  }

  function health(): Record<string, unknown> {
    const source = options.sourceStatus?.();
    const loadedAt = source?.loadedAt ?? startedAt;
    const at = now();
    const { version, meta } = deciders.own.artifact;
    const notifications: ForwarderStats = forwarder.stats();
    return {
      status: source?.lastRefresh?.result === "failed" ? "degraded" : "ok",
      client: deciders.client,
      otherClients: { max: deciders.otherClients, cached: deciders.cachedOthers },
      trace: typeof trace === "string" ? trace : "token",
      artifact: {
        version,
        meta,
        ...(source ? { source: source.source, kind: source.kind, refresh: source.refresh } : {}),
        ...(source?.etag !== undefined ? { etag: source.etag } : {}),
        loadedAt: new Date(loadedAt).toISOString(),
        ageMs: Math.max(0, at - loadedAt),
        ...(source?.lastRefresh
          ? { lastRefresh: { ...source.lastRefresh, at: new Date(source.lastRefresh.at).toISOString(), agoMs: Math.max(0, at - source.lastRefresh.at) } }
          : {}),
      },
      notifications,
    };
  }

  async function handle(req: IncomingMessage, res: ServerResponse, served: ServedRequest): Promise<void> {
    const url = new URL(req.url ?? "/", "http://localhost");
    served.path = url.pathname;
    if (url.pathname === "/health" || url.pathname === "/healthz") {
      send(res, 200, JSON.stringify(health()));
      served.status = 200;
      return;
    }
    if (url.pathname !== "/rest/v1/delivery") throw new HttpProblem(404, `no such endpoint: ${url.pathname} (POST /rest/v1/delivery decides)`);
    if (req.method !== "POST") throw new HttpProblem(405, "POST a delivery request to /rest/v1/delivery");
    const client = url.searchParams.get("client");
    let decider;
    try {
      decider = deciders.for(client);
    } catch (error) {
      if (error instanceof ClientRefused) throw new HttpProblem(400, error.message);
      throw error;
    }
    const sessionId = url.searchParams.get("sessionId") ?? undefined;
    if (sessionId !== undefined && sessionId.length > MAX_SESSION_ID)
      throw new HttpProblem(400, `sessionId is ${sessionId.length} characters long; the limit is ${MAX_SESSION_ID}`);
    const request = parseRequest(await readBody(req));
    checkTrace(request, trace);
    let fromClient: Record<string, unknown>[];
    let result;
    try {
      result = decider.decide({ request, ...(sessionId ? { sessionId } : {}) });
      fromClient = clientNotificationsOf(request);
    } catch (error) {
      if (error instanceof RequestError || error instanceof NotificationsInvalid) throw new HttpProblem(400, error.message);
      throw error;
    }
    reportUnknown(request);
    const job = forwardJobOf(request, fromClient, result.notification, {
      client: client || deciders.client,
      sessionId: sessionId ?? globalThis.crypto.randomUUID(),
    });
    const submitted = job ? forwarder.submit(job) : { queued: true as const };
    const answer: Record<string, unknown> = { ...result.response };
    // Not part of Target's answer: says that what this request owed Target was not sent.
    if (!submitted.queued && job && job.count > 0) answer.notificationsDropped = { count: job.count, reason: submitted.reason, message: submitted.message };
    const text = JSON.stringify(answer);
    const bytes = Buffer.byteLength(text);
    if (bytes > maxResponseBytes) {
      throw new HttpProblem(
        413,
        `the answer would be ${bytes} bytes, over this server's limit of ${maxResponseBytes} (--max-response-bytes): ask for fewer mboxes and views at once${(request as { trace?: unknown }).trace ? ", or without trace" : ""}`,
      );
    }
    send(res, 200, text);
    served.status = 200;
    served.decision = result.response.status;
  }

  const server = createServer((req, res) => {
    const started = performance.now();
    const served: ServedRequest = { method: req.method ?? "GET", path: req.url ?? "/", status: 500, ms: 0 };
    handle(req, res, served)
      .catch((error: unknown) => {
        const status = error instanceof HttpProblem ? error.status : 500;
        const message = error instanceof Error ? error.message : String(error);
        served.status = status;
        served.error = message;
        // The Delivery API's own error shape. A body left unread would be taken for the next request.
        if (!res.headersSent) {
          res.setHeader("connection", "close");
          send(res, status, JSON.stringify({ status, message }));
        } else res.destroy();
      })
      .finally(() => {
        served.ms = Math.round((performance.now() - started) * 100) / 100;
        options.onRequest?.(served);
      });
  });
  return {
    server,
    setArtifact(next) {
      deciders.replace(next);
      known = knownNames(deciders.own.artifact);
      reported = new Set();
    },
    health,
  };
}
