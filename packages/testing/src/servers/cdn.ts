/** A fake artifact CDN: serves rules.json (and rules.bin) with ETags, conditional GETs and scripted faults. */
import { createHash } from "node:crypto";
import { FaultScript, listen, type Fault, type RecordedRequest } from "./http.js";

/** Options of {@link startFakeCdn}. */
export interface FakeCdnOptions {
  /** The artifact to serve (JSON value). */
  artifact: unknown;
  /** Path of the JSON artifact (default `/<client>/production/v1/rules.json`, client from `meta.clientCode` or `acme`). */
  path?: string;
  /** Also serve the obfuscated form at the same path with `.bin`, keyed with this organization id. */
  organizationId?: string;
  /** Port to listen on (default: a free one). */
  port?: number;
}

/** A running fake CDN. */
export interface FakeCdn {
  /** `http://127.0.0.1:<port>` */
  origin: string;
  /** Full URL of the JSON artifact: pass as `artifactLocation`. */
  artifactUrl: string;
  /** Full URL of the `rules.bin` form, when an organization id was given. */
  binUrl: string | undefined;
  /** ETag of the current artifact (quoted, as sent). */
  readonly etag: string;
  /** Every request received, in order. */
  readonly requests: RecordedRequest[];
  /** Serve a new artifact (new ETag) from now on. */
  setArtifact(artifact: unknown): void;
  /** Apply a fault to the next `times` requests. */
  fail(f: Fault, times?: number): void;
  /** Apply a fault to every request until `recover()`. */
  failAlways(f: Fault): void;
  /** Stop failing. */
  recover(): void;
  /** Stop the server (hanging requests are dropped). */
  close(): Promise<void>;
}

const HEADER_KEY_LENGTH = 32;

/** Obfuscate artifact JSON into the `rules.bin` layout the engine reads. */
export function obfuscateArtifact(json: string, organizationId: string): Uint8Array {
  const encoder = new TextEncoder();
  const key = "0123456789abcdef0123456789abcdef".slice(0, HEADER_KEY_LENGTH);
  const header = encoder.encode(`ATOD:001${key}`);
  const mask = encoder.encode(organizationId + key);
  const body = encoder.encode(json);
  const out = new Uint8Array(header.length + body.length);
  out.set(header, 0);
  for (let i = 0; i < body.length; i++) out[header.length + i] = (body[i] ?? 0) ^ (mask[i % mask.length] ?? 0);
  return out;
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);

/** Start a fake CDN on 127.0.0.1. */
export async function startFakeCdn(options: FakeCdnOptions): Promise<FakeCdn> {
  const meta = isRecord(options.artifact) && isRecord(options.artifact.meta) ? options.artifact.meta : {};
  const client = typeof meta.clientCode === "string" ? meta.clientCode : "acme";
  const path = options.path ?? `/${client}/production/v1/rules.json`;
  const binPath = options.organizationId !== undefined ? path.replace(/\.json$/, "") + ".bin" : undefined;
  let body = "";
  let binary: Uint8Array | undefined;
  let etag = "";
  const set = (artifact: unknown): void => {
    body = JSON.stringify(artifact);
    binary = options.organizationId !== undefined ? obfuscateArtifact(body, options.organizationId) : undefined;
    etag = `"${createHash("sha256").update(body).digest("hex").slice(0, 32)}"`;
  };
  set(options.artifact);
  const script = new FaultScript();
  const requests: RecordedRequest[] = [];
  const listening = await listen(
    (request) => {
      const isBin = binPath !== undefined && request.path === binPath;
      if (request.path !== path && !isBin) return { status: 404, headers: { "content-type": "text/plain" }, body: "not found" };
      if (request.method !== "GET" && request.method !== "HEAD") return { status: 405, body: "" };
      const headers = { etag, "cache-control": "max-age=0, no-cache" };
      if (request.headers["if-none-match"] === etag) return { status: 304, headers };
      if (isBin) return { status: 200, headers: { ...headers, "content-type": "application/octet-stream" }, body: binary ?? new Uint8Array() };
      return { status: 200, headers: { ...headers, "content-type": "application/json" }, body };
    },
    script,
    requests,
    options.port,
  );
  return {
    origin: listening.origin,
    artifactUrl: `${listening.origin}${path}`,
    binUrl: binPath !== undefined ? `${listening.origin}${binPath}` : undefined,
    get etag() {
      return etag;
    },
    requests,
    setArtifact: set,
    fail: (f, times = 1) => script.next(f, times),
    failAlways: (f) => script.always(f),
    recover: () => script.recover(),
    close: () => listening.close(),
  };
}
