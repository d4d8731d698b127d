import { createHash } from "node:crypto";
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";

/** What a route serves when no fault applies. */
export interface Route {
  /** An object (served as JSON), a string, or raw bytes (e.g. a `rules.bin`). */
  body: unknown;
  /** The ETag to send and honour; default a quoted hash of the body; `false` sends none (and never answers 304). */
  etag?: string | false;
  /** Extra response headers (e.g. `x-geo-country-code`). */
  headers?: Record<string, string>;
  /** Default `application/json`, or `application/octet-stream` for bytes. */
  contentType?: string;
  /** Send the body chunked, without `Content-Length`. */
  chunked?: boolean;
}

/**
 * A scripted misbehaviour. Each may wait `delayMs` first. Queued faults answer one request
 * each, in order; a standing fault (`failAlways`) answers every request until cleared.
 */
export type Fault =
  /** Answer with this status (and a short text body). */
  | { type: "status"; status: number; body?: string; delayMs?: number }
  /** Close the connection without answering. */
  | { type: "drop"; delayMs?: number }
  /** Declare the full `Content-Length`, send only `bytes` of the body (default half), then close. */
  | { type: "truncate"; bytes?: number; delayMs?: number }
  /** Send the first `bytes` (default 10), then stall `stallMs` before the rest. */
  | { type: "slow-body"; bytes?: number; stallMs: number; delayMs?: number }
  /** A `200` whose body is not JSON. */
  | { type: "invalid-json"; delayMs?: number }
  /** A `304` whatever the request asked. */
  | { type: "not-modified"; delayMs?: number }
  /** A `200` with this body (and ETag) instead of the route's. */
  | { type: "body"; body: unknown; etag?: string | false; delayMs?: number }
  /** The route's normal answer, after `delayMs`. */
  | { type: "ok"; delayMs: number }
  /** Never answer (until the client gives up or the server closes). */
  | { type: "hang" };

/** How the server answered one request. */
export type Answer = number | "dropped" | "truncated" | "hung";

/** One request the server saw. */
export interface RecordedRequest {
  path: string;
  method: string;
  headers: IncomingHttpHeaders;
  /** The `If-None-Match` header, if sent. */
  ifNoneMatch: string | undefined;
  /** `Date.now()` on arrival. */
  at: number;
  /** Filled when the answer starts (status) or the connection is given up. */
  answer?: Answer;
}

/** Options of {@link startArtifactServer}. */
export interface ArtifactServerOptions {
  /** Path → route, e.g. `{"/rules.json": {body: artifact}}`. */
  routes?: Record<string, Route>;
  /** Keep connections alive between requests (default true, like a CDN); `false` answers `Connection: close`. */
  keepAlive?: boolean;
}

/** A real HTTP artifact CDN on 127.0.0.1 with scriptable faults. */
export interface ArtifactServer {
  /** `http://127.0.0.1:<port>` */
  readonly origin: string;
  /** Absolute URL of a path (default `/rules.json`). */
  url(path?: string): string;
  /** Serve this route at `path` from now on (a new body gets a new ETag). */
  setRoute(path: string, route: Route): void;
  /** Queue faults for the next requests to `path`, one request each. */
  fail(path: string, ...faults: Fault[]): void;
  /** Answer every request to `path` with `fault` until called with `undefined`. */
  failAlways(path: string, fault: Fault | undefined): void;
  /** Every request seen, in arrival order. */
  readonly requests: readonly RecordedRequest[];
  /** Requests seen for one path. */
  requestsTo(path?: string): RecordedRequest[];
  /** Resolve once `count` requests to `path` have arrived (rejects after `timeoutMs`, default 5000). */
  waitForRequests(count: number, path?: string, timeoutMs?: number): Promise<RecordedRequest[]>;
  /** Most requests to one path that were in progress at the same time. */
  maxConcurrent(path?: string): number;
  /** Requests whose answer has neither finished nor been cut off (all paths). */
  activeRequests(): number;
  /** Resolve once no request is in progress (rejects after `timeoutMs`, default 2000). */
  waitForNoActiveRequests(timeoutMs?: number): Promise<void>;
  /**
   * Sockets currently open to the server. Note that an HTTP client's pool may hold idle
   * keep-alive sockets (undici even reconnects after an abort); those are the client's.
   */
  openConnections(): number;
  /** Resolve once no socket is open (rejects after `timeoutMs`, default 2000). */
  waitForNoConnections(timeoutMs?: number): Promise<void>;
  /** Stop listening and destroy every socket. */
  close(): Promise<void>;
}

const DEFAULT_PATH = "/rules.json";

/** The bytes a route or fault body stands for. */
export function bodyBytes(body: unknown): Uint8Array {
  if (body instanceof Uint8Array) return body;
  if (typeof body === "string") return new TextEncoder().encode(body);
  return new TextEncoder().encode(JSON.stringify(body));
}

/** The ETag the server gives a body by default. */
export function etagOf(body: unknown): string {
  return `"${createHash("sha1").update(bodyBytes(body)).digest("hex").slice(0, 16)}"`;
}

/**
 * Start a real artifact server on 127.0.0.1 (port 0). It honours `If-None-Match` with `304`
 * and plays queued or standing {@link Fault}s, so tests exercise the loader's real HTTP path.
 */
export async function startArtifactServer(options: ArtifactServerOptions = {}): Promise<ArtifactServer> {
  const routes = new Map<string, Route>(Object.entries(options.routes ?? {}));
  const queued = new Map<string, Fault[]>();
  const standing = new Map<string, Fault>();
  const requests: RecordedRequest[] = [];
  const sockets = new Set<Socket>();
  const timers = new Set<ReturnType<typeof setTimeout>>();
  const active = new Map<string, number>();
  const peak = new Map<string, number>();
  const keepAlive = options.keepAlive !== false;
  let listeners: Array<() => void> = [];

  const notify = () => {
    const pending = listeners;
    listeners = [];
    for (const listener of pending) listener();
  };

  const later = (ms: number, run: () => void) => {
    if (!(ms > 0)) return run();
    const timer = setTimeout(() => {
      timers.delete(timer);
      run();
    }, ms);
    timers.add(timer);
  };

  function send(res: ServerResponse, status: number, body: Uint8Array, headers: Record<string, string>, chunked = false): void {
    res.statusCode = status;
    for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
    if (!keepAlive) res.setHeader("connection", "close");
    if (!chunked && status !== 304) res.setHeader("content-length", String(body.length));
    res.end(status === 304 ? undefined : body);
  }

  function serveRoute(req: IncomingMessage, res: ServerResponse, path: string, record: RecordedRequest, override?: { body: unknown; etag?: string | false }): void {
    const route = routes.get(path);
    if (!route && !override) {
      record.answer = 404;
      send(res, 404, bodyBytes("not found"), { "content-type": "text/plain" });
      return;
    }
    const source = override ?? route!;
    const body = bodyBytes(source.body);
    const etag = source.etag === false ? undefined : (source.etag ?? etagOf(source.body));
    const headers: Record<string, string> = {
      "content-type": route?.contentType ?? (source.body instanceof Uint8Array ? "application/octet-stream" : "application/json"),
      ...route?.headers,
    };
    if (etag !== undefined) headers.etag = etag;
    const asked = req.headers["if-none-match"];
    if (etag !== undefined && typeof asked === "string" && asked.split(",").some((tag) => tag.trim().replace(/^W\//, "") === etag.replace(/^W\//, ""))) {
      record.answer = 304;
      send(res, 304, new Uint8Array(), { etag });
      return;
    }
    record.answer = 200;
    send(res, 200, body, headers, route?.chunked === true && !override);
  }

  function playFault(req: IncomingMessage, res: ServerResponse, path: string, fault: Fault, record: RecordedRequest): void {
    switch (fault.type) {
      case "status":
        record.answer = fault.status;
        send(res, fault.status, bodyBytes(fault.body ?? `fault ${fault.status}`), { "content-type": "text/plain" });
        return;
      case "drop":
        record.answer = "dropped";
        req.socket.destroy();
        return;
      case "truncate": {
        const route = routes.get(path);
        const body = bodyBytes(route?.body ?? {});
        const sent = Math.min(body.length - 1, fault.bytes ?? Math.floor(body.length / 2));
        record.answer = "truncated";
        res.writeHead(200, { "content-type": "application/json", "content-length": String(body.length) });
        res.write(body.subarray(0, sent), () => req.socket.destroy());
        return;
      }
      case "slow-body": {
        const route = routes.get(path);
        const body = bodyBytes(route?.body ?? {});
        const first = Math.min(body.length, fault.bytes ?? 10);
        record.answer = 200;
        res.writeHead(200, { "content-type": "application/json", "content-length": String(body.length) });
        res.write(body.subarray(0, first));
        later(fault.stallMs, () => {
          if (!res.destroyed) res.end(body.subarray(first));
        });
        return;
      }
      case "invalid-json":
        record.answer = 200;
        send(res, 200, bodyBytes('{"version": "1.0.0", "rules": {"mboxes": '), { "content-type": "application/json" });
        return;
      case "not-modified":
        record.answer = 304;
        send(res, 304, new Uint8Array(), {});
        return;
      case "body": {
        const override: { body: unknown; etag?: string | false } = { body: fault.body };
        if (fault.etag !== undefined) override.etag = fault.etag;
        serveRoute(req, res, path, record, override);
        return;
      }
      case "ok":
        serveRoute(req, res, path, record);
        return;
      case "hang":
        record.answer = "hung";
        return;
    }
  }

  const server = createServer((req, res) => {
    const path = new URL(req.url ?? "/", "http://127.0.0.1").pathname;
    const record: RecordedRequest = {
      path,
      method: req.method ?? "GET",
      headers: req.headers,
      ifNoneMatch: typeof req.headers["if-none-match"] === "string" ? req.headers["if-none-match"] : undefined,
      at: Date.now(),
    };
    requests.push(record);
    const now = (active.get(path) ?? 0) + 1;
    active.set(path, now);
    peak.set(path, Math.max(peak.get(path) ?? 0, now));
    let ended = false;
    const end = () => {
      if (ended) return;
      ended = true;
      active.set(path, (active.get(path) ?? 1) - 1);
      if (record.answer === undefined) record.answer = "dropped";
      notify();
    };
    res.on("finish", end);
    res.on("close", end);
    notify();
    const fault = queued.get(path)?.shift() ?? standing.get(path);
    if (!fault) {
      serveRoute(req, res, path, record);
      return;
    }
    later("delayMs" in fault ? (fault.delayMs ?? 0) : 0, () => {
      if (res.destroyed) return;
      playFault(req, res, path, fault, record);
    });
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => {
      sockets.delete(socket);
      notify();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;

  const waitUntil = (check: () => boolean, timeoutMs: number, what: string) =>
    new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`artifact server: timed out waiting for ${what}`)), timeoutMs);
      const test = () => {
        if (check()) {
          clearTimeout(timer);
          resolve();
        } else listeners.push(test);
      };
      test();
    });

  const requestsTo = (path = DEFAULT_PATH) => requests.filter((r) => r.path === path);

  return {
    origin,
    url: (path = DEFAULT_PATH) => origin + path,
    setRoute: (path, route) => void routes.set(path, route),
    fail: (path, ...faults) => void queued.set(path, [...(queued.get(path) ?? []), ...faults]),
    failAlways: (path, fault) => void (fault ? standing.set(path, fault) : standing.delete(path)),
    requests,
    requestsTo,
    async waitForRequests(count, path = DEFAULT_PATH, timeoutMs = 5000) {
      await waitUntil(() => requestsTo(path).length >= count, timeoutMs, `${count} requests to ${path}`);
      return requestsTo(path);
    },
    maxConcurrent: (path = DEFAULT_PATH) => peak.get(path) ?? 0,
    activeRequests: () => [...active.values()].reduce((a, b) => a + b, 0),
    waitForNoActiveRequests: (timeoutMs = 2000) =>
      waitUntil(() => [...active.values()].every((n) => n === 0), timeoutMs, "no request in progress"),
    openConnections: () => sockets.size,
    waitForNoConnections: (timeoutMs = 2000) => waitUntil(() => sockets.size === 0, timeoutMs, "all connections to close"),
    async close() {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
