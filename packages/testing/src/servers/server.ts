/**
 * What the fake CDN and Delivery API share: a real HTTP server on 127.0.0.1 that serves static
 * routes with ETags, records requests, plays queued and standing faults, and tracks requests
 * and sockets in progress so tests can wait for them.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { TestingError, TestingErrorCode } from "../errors.js";
import { faultAnswer, jsonAnswer, prepare, routeAnswer, send, type Answer, type PreparedRoute } from "./answers.js";
import { bodyBytes } from "./bodies.js";
import type { Fault, FakeServer, FakeServerOptions, FaultChooser, RecordedRequest, Route } from "./types.js";

/** What a CDN or a Delivery API adds to the shared server. */
export interface ServerSpec extends FakeServerOptions {
  /** Names the server in error messages. */
  name: string;
  /** The default path of `url()`, `requestsTo()`, `fail()` and the like. */
  mainPath: string;
  /** Static routes to start with. */
  routes?: Record<string, Route>;
  /** Answers a request to a path without a static route (undefined: 404). */
  respond?: (request: RecordedRequest) => Answer | undefined | Promise<Answer | undefined>;
  /** Sees every request on arrival, before any fault, whether or not requests are recorded. */
  observe?: (request: RecordedRequest) => void;
}

/** A started server, with the hooks its CDN or Delivery API builds on. */
export interface StartedServer {
  server: FakeServer;
  /** Wake the waits, after the CDN or Delivery API changed what they look at. */
  notify(): void;
  /** Resolve once `check()` holds (rejects after `timeoutMs` with a TIMEOUT error naming `what`). */
  waitUntil(check: () => boolean, timeoutMs: number, what: string): Promise<void>;
}

function flatHeaders(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) if (value !== undefined) out[name] = Array.isArray(value) ? value.join(", ") : value;
  return out;
}

async function readText(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

function parseJson(text: string): unknown {
  if (text === "") return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** Start a fake server on 127.0.0.1 (a free port unless one is given). */
export async function startServer(spec: ServerSpec): Promise<StartedServer> {
  const record = spec.record !== false;
  const routes = new Map<string, PreparedRoute>(Object.entries(spec.routes ?? {}).map(([path, route]) => [path, prepare(route)]));
  const queued = new Map<string, Fault[]>();
  const standing = new Map<string, Fault | FaultChooser>();
  const requests: RecordedRequest[] = [];
  const sockets = new Set<Socket>();
  const timers = new Set<ReturnType<typeof setTimeout>>();
  const active = new Map<string, number>();
  const peak = new Map<string, number>();
  const listeners = new Set<() => void>();

  const notify = (): void => {
    for (const listener of [...listeners]) listener();
  };

  const sleep = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      const timer = setTimeout(() => {
        timers.delete(timer);
        resolve();
      }, ms);
      timers.add(timer);
    });

  const ownAnswer = async (request: RecordedRequest): Promise<Answer> => {
    const prepared = routes.get(request.path);
    if (prepared) return routeAnswer(prepared, request);
    try {
      return (await spec.respond?.(request)) ?? { status: 404, headers: { "content-type": "text/plain" }, body: bodyBytes(`no route ${request.path}`) };
    } catch (error) {
      return jsonAnswer(500, { status: 500, message: error instanceof Error ? error.message : String(error) });
    }
  };

  const answerWith = async (req: IncomingMessage, res: ServerResponse, request: RecordedRequest, f: Fault | undefined): Promise<void> => {
    switch (f?.type) {
      case "drop":
        request.outcome = "dropped";
        req.socket.destroy();
        return;
      case "hang":
        request.outcome = "hung";
        return;
      case "status":
        request.outcome = f.status;
        send(res, faultAnswer(f.status, f.body));
        return;
      case "delay":
        if (f.ms !== undefined) await sleep(f.ms);
        if (f.until !== undefined) await f.until;
        break;
      default:
        break;
    }
    // A client that gave up while the answer waited gets none, and its request is not handled.
    if (res.destroyed) return;
    const answer = await ownAnswer(request);
    if (res.destroyed) return;
    if (f?.type === "truncate" || f?.type === "stall") {
      const { body } = answer;
      res.writeHead(answer.status, { ...answer.headers, "content-length": String(body.length) });
      if (f.type === "truncate") {
        request.outcome = "truncated";
        const sent = Math.max(0, Math.min(body.length - 1, f.bytes ?? Math.floor(body.length / 2)));
        res.write(body.subarray(0, sent), () => req.socket.destroy());
        return;
      }
      request.outcome = answer.status;
      const first = Math.min(body.length, f.bytes ?? 10);
      res.write(body.subarray(0, first));
      await sleep(f.ms);
      if (!res.destroyed) res.end(body.subarray(first));
      return;
    }
    request.outcome = answer.status;
    send(res, answer);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const path = url.pathname;
    const now = (active.get(path) ?? 0) + 1;
    active.set(path, now);
    peak.set(path, Math.max(peak.get(path) ?? 0, now));
    let text: string;
    try {
      text = await readText(req);
    } catch {
      // The client went away while sending its body.
      text = "";
    }
    const request: RecordedRequest = {
      method: req.method ?? "GET",
      path,
      query: Object.fromEntries(url.searchParams),
      headers: flatHeaders(req),
      body: text,
      json: parseJson(text),
      at: Date.now(),
      outcome: undefined,
    };
    let ended = false;
    const end = (): void => {
      if (ended) return;
      ended = true;
      active.set(path, (active.get(path) ?? 1) - 1);
      if (request.outcome === undefined) request.outcome = "dropped";
      notify();
    };
    res.on("finish", end);
    res.on("close", end);
    if (res.destroyed) end();
    if (record) requests.push(request);
    spec.observe?.(request);
    notify();
    const next = queued.get(path)?.shift() ?? standing.get(path);
    const f = typeof next === "function" ? await next(request) : next;
    if (res.destroyed) return;
    await answerWith(req, res, request, f);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) send(res, jsonAnswer(500, { status: 500, message: error instanceof Error ? error.message : String(error) }));
      else res.destroy();
    });
  });
  // Like a CDN's, idle connections stay open for reuse: the client's pool decides when to close them.
  server.keepAliveTimeout = 60_000;
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => {
      sockets.delete(socket);
      notify();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(spec.port ?? 0, "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;

  const waitUntil = (check: () => boolean, timeoutMs: number, what: string): Promise<void> =>
    new Promise<void>((resolve, reject) => {
      if (check()) return resolve();
      const listener = (): void => {
        if (!check()) return;
        listeners.delete(listener);
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        listeners.delete(listener);
        reject(new TestingError(TestingErrorCode.Timeout, `${spec.name}: timed out after ${timeoutMs} ms waiting for ${what}`));
      }, timeoutMs);
      listeners.add(listener);
    });

  const requestsTo = (path = spec.mainPath): RecordedRequest[] => requests.filter((request) => request.path === path);

  const fake: FakeServer = {
    origin,
    host: `127.0.0.1:${port}`,
    url: (path = spec.mainPath) => origin + path,
    setRoute: (path, route) => void routes.set(path, prepare(route)),
    requests,
    requestsTo,
    async waitForRequests(count, path = spec.mainPath, timeoutMs = 5000) {
      await waitUntil(() => requestsTo(path).length >= count, timeoutMs, `${count} requests to ${path}`);
      return requestsTo(path);
    },
    fail(f, times = 1, path = spec.mainPath) {
      const list = queued.get(path) ?? [];
      for (let i = 0; i < times; i++) list.push(f);
      queued.set(path, list);
    },
    failAlways: (f, path = spec.mainPath) => void standing.set(path, f),
    recover() {
      queued.clear();
      standing.clear();
    },
    maxConcurrent: (path = spec.mainPath) => peak.get(path) ?? 0,
    activeRequests: () => [...active.values()].reduce((sum, n) => sum + n, 0),
    waitForNoActiveRequests: (timeoutMs = 2000) => waitUntil(() => fake.activeRequests() === 0, timeoutMs, "no request in progress"),
    openConnections: () => sockets.size,
    waitForNoConnections: (timeoutMs = 2000) => waitUntil(() => sockets.size === 0, timeoutMs, "every connection to close"),
    async close() {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return { server: fake, notify, waitUntil };
}
