import { ArtifactError, ErrorCode } from "../errors.js";
import type { FetchApi, FetchResponseLike, Platform } from "../types.js";
import { messageOf } from "./integrity.js";

/** One conditional GET of the artifact. */
export interface DownloadRequest {
  url: string;
  fetch: FetchApi;
  platform: Pick<Platform, "setTimeout" | "clearTimeout">;
  /** Sent as `If-None-Match` when defined. */
  etag: string | undefined;
  timeoutMs: number;
  maxBytes: number;
  /** Aborted by the caller to cancel (stopPolling, close); also aborted here on timeout. */
  controller: AbortController;
}

/** What one download attempt yielded. */
export type DownloadResult = { status: 304 } | { status: 200; body: Uint8Array; etag: string | undefined; headers: FetchResponseLike["headers"] };

interface StreamReader {
  read(): Promise<{ done: boolean; value?: Uint8Array }>;
  cancel(reason?: unknown): Promise<void>;
}

interface StreamLike {
  getReader?: () => StreamReader;
  cancel?: (reason?: unknown) => Promise<void>;
  destroy?: () => void;
}

/**
 * GET the artifact once. Resolves with the body of a `200` or with a `304`; rejects with an
 * `ArtifactError`: `ARTIFACT_FETCH_FAILED` (network error, other status, broken body),
 * `TIMEOUT` (headers and body not in within `timeoutMs`), `ARTIFACT_TOO_LARGE`. The timeout
 * races the fetch as well as aborting it, because an injected fetch may ignore `signal`.
 */
export async function download(request: DownloadRequest): Promise<DownloadResult> {
  const { controller, platform } = request;
  const signal = controller.signal;
  let timer: unknown;
  let onAbort: (() => void) | undefined;
  const interrupted = new Promise<never>((_, reject) => {
    timer = platform.setTimeout(() => {
      const error = new ArtifactError(ErrorCode.Timeout, `Artifact request timed out after ${request.timeoutMs} ms: ${request.url}`);
      reject(error);
      controller.abort(error);
    }, request.timeoutMs);
    onAbort = () => reject(abortErrorOf(signal.reason, request.url));
    if (signal.aborted) onAbort();
    else signal.addEventListener("abort", onAbort, { once: true });
  });
  const work = attempt(request);
  // Whichever loses the race must not surface as an unhandled rejection.
  interrupted.catch(() => {});
  work.catch(() => {});
  try {
    return await Promise.race([work, interrupted]);
  } finally {
    platform.clearTimeout(timer);
    if (onAbort) signal.removeEventListener("abort", onAbort);
  }
}

async function attempt(request: DownloadRequest): Promise<DownloadResult> {
  const headers: Record<string, string> = {};
  if (request.etag !== undefined) headers["If-None-Match"] = request.etag;
  let response: FetchResponseLike;
  try {
    response = await request.fetch(request.url, { headers, signal: request.controller.signal });
  } catch (cause) {
    throw fetchFailed(request.url, messageOf(cause), cause);
  }
  if (response.status === 304) {
    discard(response);
    return { status: 304 };
  }
  if (response.status !== 200) {
    discard(response);
    throw fetchFailed(request.url, `HTTP ${response.status}`);
  }
  const declared = Number.parseInt(response.headers.get("content-length") ?? "", 10);
  if (declared > request.maxBytes) {
    discard(response);
    throw refuse(request, tooLarge(request.url, request.maxBytes, `declared ${declared} bytes`));
  }
  const body = await readBody(response, request);
  const etag = response.headers.get("etag") ?? undefined;
  return { status: 200, body, etag: etag === "" ? undefined : etag, headers: response.headers };
}

async function readBody(response: FetchResponseLike, request: DownloadRequest): Promise<Uint8Array> {
  const stream = (response as { body?: StreamLike | null }).body;
  try {
    if (stream && typeof stream.getReader === "function") return await readStream(stream.getReader(), request);
    // Not a web stream (a fetch that gives a Node stream, or none): read it whole, then check the size.
    const bytes = new Uint8Array(await response.arrayBuffer());
    if (bytes.length > request.maxBytes) throw tooLarge(request.url, request.maxBytes, `${bytes.length} bytes`);
    return bytes;
  } catch (cause) {
    if (cause instanceof ArtifactError) throw cause;
    throw fetchFailed(request.url, `body not received in full (${messageOf(cause)})`, cause);
  }
}

// Streaming lets an oversized body be refused after maxBytes instead of after buffering it all.
async function readStream(reader: StreamReader, request: DownloadRequest): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (!value) continue;
    total += value.length;
    if (total > request.maxBytes) {
      reader.cancel().catch(() => {});
      throw refuse(request, tooLarge(request.url, request.maxBytes, `over ${request.maxBytes} bytes`));
    }
    chunks.push(value);
  }
  if (chunks.length === 1 && chunks[0]) return chunks[0];
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.length;
  }
  return bytes;
}

// An unread body pins its connection in undici until garbage collection; release it now.
function discard(response: FetchResponseLike): void {
  const stream = (response as { body?: StreamLike | null }).body;
  if (!stream) return;
  if (typeof stream.cancel === "function") stream.cancel().catch(() => {});
  // Some fetches (node-fetch, say) give Node streams.
  else if (typeof stream.destroy === "function") stream.destroy();
}

// Abort with the error as the reason, so the abort race reports this error and not "aborted".
function refuse(request: DownloadRequest, error: ArtifactError): ArtifactError {
  request.controller.abort(error);
  return error;
}

function abortErrorOf(reason: unknown, url: string): ArtifactError {
  if (reason instanceof ArtifactError) return reason;
  return fetchFailed(url, "request aborted", reason);
}

function fetchFailed(url: string, why: string, cause?: unknown): ArtifactError {
  return new ArtifactError(ErrorCode.ArtifactFetchFailed, `Failed to retrieve artifact from ${url}: ${why}`, cause === undefined ? undefined : { cause });
}

function tooLarge(url: string, max: number, what: string): ArtifactError {
  return new ArtifactError(ErrorCode.ArtifactTooLarge, `Artifact refused: the body from ${url} (${what}) exceeds maxArtifactBytes (${max})`);
}
