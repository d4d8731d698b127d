/// <reference types="node" />
/**
 * A `fetchApi` on `node:http` and `node:https` with keep-alive agents: the Node transport of
 * every Delivery API call and artifact download. Global `fetch` (undici) and node-fetch spend
 * 270-430 µs of CPU on one small POST on Node 20, a bare `http.request` over a kept-alive
 * socket 40-80 µs; on-device decisions owe Target one such POST per new visitor, so the
 * transport is most of what a decision costs a server (measured by scripts/bench/delivery).
 * Only what the engine and the client read of a fetch response is implemented.
 */
import { Agent as HttpAgent, request as httpRequest, type IncomingHttpHeaders, type IncomingMessage, type RequestOptions } from "node:http";
import { Agent as HttpsAgent, request as httpsRequest } from "node:https";
import { Readable } from "node:stream";
import { listenForAbort } from "../platform/abort.js";
import type { FetchApi, FetchInit, FetchResponseLike } from "../types.js";

/** An `http.Agent` or `https.Agent`: a proxy agent (e.g. `https-proxy-agent`) or your own pool. */
export type NodeAgent = HttpAgent;

/** How the Node transport connects. */
export interface NodeFetchOptions {
  /**
   * The agent for every request (a proxy agent, say), or one per protocol. Default: the
   * transport's own keep-alive agents, bounded by `maxSockets`.
   */
  agent?: NodeAgent | { http?: NodeAgent; https?: NodeAgent };
  /** Most sockets open to one host by the transport's own agents; default 64. */
  maxSockets?: number;
  /** Ms an idle kept-alive socket stays open; default 15000 (Target's edge keeps them ~60 s). */
  idleSocketTimeout?: number;
}

/** A fetch on `node:http`; `close()` ends the sockets of its own agents. */
export interface NodeFetch extends FetchApi {
  /** Destroy the sockets of the transport's own agents (a given agent is left alone). */
  close(): void;
}

/** Default bound on sockets per host. */
export const DEFAULT_MAX_SOCKETS = 64;
const DEFAULT_IDLE_SOCKET_TIMEOUT = 15000;

/** The scheme, host and port of a URL, checked once per origin. */
interface Origin {
  https: boolean;
  protocol: string;
  hostname: string;
  port: string;
}

/** Origins remembered; a caller calling more hosts than this parses each again, no more. */
const MAX_ORIGINS = 64;

function parseOrigin(text: string): Origin {
  const url = new URL(text);
  const https = url.protocol === "https:";
  if (!https && url.protocol !== "http:") throw new TypeError(`unsupported protocol ${url.protocol} in ${url.origin}`);
  // As fetch: credentials in a URL are not sent anywhere by accident.
  if (url.username || url.password) throw new TypeError("a URL with credentials is refused");
  return { https, protocol: url.protocol, hostname: url.hostname.startsWith("[") ? url.hostname.slice(1, -1) : url.hostname, port: url.port };
}

/** The error a fetch rejects with when its signal aborts it. */
function abortError(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException("This operation was aborted", "AbortError");
}

/** The headers of a response, read as a fetch `Headers` reads them (names are case-insensitive). */
class NodeHeaders {
  constructor(private readonly raw: IncomingHttpHeaders) {}

  get(name: string): string | null {
    const value = this.raw[name.toLowerCase()];
    if (value === undefined) return null;
    return Array.isArray(value) ? value.join(", ") : value;
  }
}

/** What the engine and the client read of a response: status, headers and the body, once. */
class NodeResponse implements FetchResponseLike {
  readonly ok: boolean;
  readonly status: number;
  readonly statusText: string;
  #used = false;

  constructor(private readonly message: IncomingMessage) {
    this.status = message.statusCode ?? 0;
    this.ok = this.status >= 200 && this.status < 300;
    this.statusText = message.statusMessage ?? "";
  }

  /** Made when read: the Delivery API client never reads them. */
  get headers(): NodeHeaders {
    return new NodeHeaders(this.message.headers);
  }

  /** The body as a web stream (what the artifact loader reads to stop an oversized body early). */
  get body(): ReadableStream<Uint8Array> {
    this.#take();
    return Readable.toWeb(this.message) as ReadableStream<Uint8Array>;
  }

  async arrayBuffer(): Promise<ArrayBuffer> {
    const bytes = await this.#bytes();
    return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  }

  async text(): Promise<string> {
    return (await this.#bytes()).toString("utf8");
  }

  async json(): Promise<unknown> {
    return JSON.parse(await this.text());
  }

  #take(): void {
    if (this.#used) throw new TypeError("Body has already been read");
    this.#used = true;
  }

  #bytes(): Promise<Buffer> {
    this.#take();
    const { message } = this;
    return new Promise<Buffer>((resolve, reject) => {
      const chunks: Buffer[] = [];
      let length = 0;
      message.on("data", (chunk: Buffer) => {
        chunks.push(chunk);
        length += chunk.length;
      });
      let ended = false;
      message.once("end", () => {
        ended = true;
        resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, length));
      });
      message.once("error", reject);
      // A socket closed before the body ended fails the read (with the abort's reason, if any)
      // rather than leaving it hanging.
      message.once("close", () => {
        if (!ended) reject(message.errored ?? new Error("response body ended early (connection closed)"));
      });
    });
  }
}

function ownAgents(options: NodeFetchOptions): { http: HttpAgent; https: HttpsAgent } {
  const common = {
    keepAlive: true,
    maxSockets: options.maxSockets ?? DEFAULT_MAX_SOCKETS,
    // Most recently used first: a burst reuses warm sockets and lets the rest time out.
    scheduling: "lifo" as const,
    timeout: options.idleSocketTimeout ?? DEFAULT_IDLE_SOCKET_TIMEOUT,
  };
  return { http: new HttpAgent(common), https: new HttpsAgent(common) };
}

/**
 * A fetch on `node:http`/`node:https` over keep-alive agents. Rejects, as fetch does, when the
 * request cannot be made or is aborted (with the signal's reason); resolves with any HTTP status.
 */
export function createNodeFetch(options: NodeFetchOptions = {}): NodeFetch {
  const given = options.agent;
  const own = given === undefined ? ownAgents(options) : undefined;
  const agentFor = (https: boolean): HttpAgent | undefined => {
    if (own) return https ? own.https : own.http;
    if (given instanceof HttpAgent) return given;
    return https ? given?.https : given?.http;
  };
  const origins = new Map<string, Origin>();
  /** Where a path starts in a URL (its length when it has none). */
  const pathStart = (input: string): number => {
    const scheme = input.indexOf("://");
    const slash = scheme === -1 ? -1 : input.indexOf("/", scheme + 3);
    return slash === -1 ? input.length : slash;
  };
  const originOf = (input: string, slash: number): Origin => {
    // Most calls go to one origin: it is parsed once, and each call only splits its path off.
    const key = input.slice(0, slash);
    let origin = origins.get(key);
    if (origin === undefined) {
      origin = parseOrigin(key);
      if (origins.size >= MAX_ORIGINS) origins.clear();
      origins.set(key, origin);
    }
    return origin;
  };
  const fetchApi = (input: string, init?: FetchInit): Promise<FetchResponseLike> =>
    new Promise<FetchResponseLike>((resolve, reject) => {
      const slash = pathStart(input);
      const target = originOf(input, slash);
      const body = init?.body;
      const headers: Record<string, string | number> = { ...init?.headers };
      // A known length: no chunked encoding, and the server can read the body in one go.
      if (body !== undefined) headers["Content-Length"] = Buffer.byteLength(body);
      const requestOptions: RequestOptions = {
        method: init?.method ?? "GET",
        protocol: target.protocol,
        hostname: target.hostname,
        port: target.port,
        path: slash === input.length ? "/" : input.slice(slash),
        headers,
        agent: agentFor(target.https),
      };
      /** What an abort destroys: the request until its response comes, then the response. */
      let current: { destroy(error?: Error): unknown } | undefined;
      let aborted: unknown;
      const abort = (reason: unknown): void => {
        aborted = reason ?? new DOMException("This operation was aborted", "AbortError");
        current?.destroy(aborted as Error);
      };
      // The engine's abort hook when the caller offers one (its signal is then never read, so
      // never made), else the signal.
      if (!listenForAbort(init, abort)) {
        const signal = init?.signal;
        if (signal?.aborted) abort(abortError(signal));
        else signal?.addEventListener("abort", () => abort(abortError(signal)), { once: true });
      }
      if (aborted !== undefined) {
        reject(aborted);
        return;
      }
      const request = (target.https ? httpsRequest : httpRequest)(requestOptions, (message) => {
        current = message;
        resolve(new NodeResponse(message));
      });
      current = request;
      request.once("error", reject);
      request.end(body);
    });
  return Object.assign(fetchApi, {
    close(): void {
      own?.http.destroy();
      own?.https.destroy();
    },
  });
}
