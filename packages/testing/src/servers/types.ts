/** The public types of `@decisioning/testing/servers`. */
import type { DeliveryRequest, DeliveryResponse, Notification } from "@decisioning/engine";

/** What a static route serves when no fault applies. */
export interface Route {
  /** A JSON value (sent as JSON), a string (sent as is) or bytes (e.g. a `rules.bin`). */
  body: unknown;
  /** The ETag to send and honour with `304`; default a hash of the body; `false` sends none. */
  etag?: string | false;
  /** Extra response headers (e.g. Target's CDN's `x-geo-country-code`). */
  headers?: Record<string, string>;
  /** Default `application/json`, or `application/octet-stream` for bytes. */
  contentType?: string;
  /** Send the body chunked, without `Content-Length`. */
  chunked?: boolean;
}

/**
 * Something going wrong on purpose (or a scripted answer) for one request, instead of the
 * server's own answer. Make them with {@link fault}.
 */
export type Fault =
  /** Answer with this status and body (default a `{status, message}` JSON body; none for 204 and 304). */
  | { type: "status"; status: number; body?: unknown }
  /** The server's own answer, once `ms` have passed or `until` has settled. */
  | { type: "delay"; ms?: number; until?: PromiseLike<unknown> }
  /** Never answer (until the client gives up or the server closes). */
  | { type: "hang" }
  /** Close the connection without answering. */
  | { type: "drop" }
  /** The server's own answer with its full `Content-Length`, cut after `bytes` (default half), then the connection closed. */
  | { type: "truncate"; bytes?: number }
  /** The server's own answer, stalling `ms` after its first `bytes` (default 10). */
  | { type: "stall"; ms: number; bytes?: number };

/** Chooses the fault for one request (undefined: answer normally); it may wait before choosing. */
export type FaultChooser = (request: RecordedRequest) => Fault | undefined | Promise<Fault | undefined>;

/** How a request was answered: the status sent, or what happened instead. */
export type Outcome = number | "dropped" | "truncated" | "hung";

/** One request a fake server received, and how it was answered. */
export interface RecordedRequest {
  /** `GET`, `POST`, ... */
  method: string;
  /** The path, without the query. */
  path: string;
  /** Query parameters (the last of repeated ones). */
  query: Record<string, string>;
  /** Request headers, lower-case names, repeated ones joined with `, `. */
  headers: Record<string, string>;
  /** The body as text (`""` when there is none). */
  body: string;
  /** The body parsed as JSON; undefined when it is empty or not JSON. */
  json: unknown;
  /** `Date.now()` on arrival. */
  at: number;
  /** Set when the answer starts, or when the connection ends without one; undefined until then. */
  outcome: Outcome | undefined;
}

/**
 * What every fake server offers. Methods taking a `path` default to the server's main path:
 * the artifact for a CDN, `/rest/v1/delivery` for the Delivery API.
 */
export interface FakeServer {
  /** `http://127.0.0.1:<port>` */
  readonly origin: string;
  /** `127.0.0.1:<port>`: a client's `serverDomain` (with `secure: false`). */
  readonly host: string;
  /** Absolute URL of a path. */
  url(path?: string): string;
  /** Serve `route` at `path` from now on (a new body gets a new ETag). */
  setRoute(path: string, route: Route): void;
  /** Every request received, in arrival order (empty when started with `record: false`). */
  readonly requests: readonly RecordedRequest[];
  /** The requests received for one path. */
  requestsTo(path?: string): RecordedRequest[];
  /** Resolve with the requests to `path` once there are `count` (rejects after `timeoutMs`, default 5000). */
  waitForRequests(count: number, path?: string, timeoutMs?: number): Promise<RecordedRequest[]>;
  /** Play `fault` for the next `times` (default 1) requests to `path`, after faults already queued. */
  fail(fault: Fault, times?: number, path?: string): void;
  /** Play `fault`, or the one `chooser` picks, for every request to `path` that no queued fault takes, until {@link recover}. */
  failAlways(fault: Fault | FaultChooser, path?: string): void;
  /** Drop every queued and standing fault. */
  recover(): void;
  /** The most requests to `path` that were in progress at once. */
  maxConcurrent(path?: string): number;
  /** Requests (all paths) whose answer has neither finished nor been cut off. */
  activeRequests(): number;
  /** Resolve once no request is in progress (rejects after `timeoutMs`, default 2000). */
  waitForNoActiveRequests(timeoutMs?: number): Promise<void>;
  /** Sockets open to the server (a client's pool may keep idle keep-alive sockets open). */
  openConnections(): number;
  /** Resolve once no socket is open (rejects after `timeoutMs`, default 2000). */
  waitForNoConnections(timeoutMs?: number): Promise<void>;
  /** Stop listening and destroy every socket (hanging requests included). */
  close(): Promise<void>;
}

/** Options every fake server takes. */
export interface FakeServerOptions {
  /** Port to listen on (default: a free one). */
  port?: number;
  /** Keep every request in `requests` (and calls, notifications); `false` for long runs, where they would grow without end. */
  record?: boolean;
}

/** Options of `startFakeCdn`. */
export interface FakeCdnOptions extends FakeServerOptions {
  /** The artifact to serve: a JSON value, or the bytes of a `rules.bin`. */
  artifact: unknown;
  /** Its path (default `/<client>/production/v1/rules.json`, client from `meta.clientCode`, else `acme`). */
  path?: string;
  /** Also serve it obfuscated for this organization, as `rules.bin` beside the JSON. */
  organizationId?: string;
  /** Extra headers of the artifact's answers (e.g. the `x-geo-*` headers Target's CDN adds). */
  headers?: Record<string, string>;
}

/** A running fake artifact CDN: its main path is the artifact's. */
export interface FakeCdn extends FakeServer {
  /** Full URL of the JSON artifact: a client's `artifactLocation`. */
  readonly artifactUrl: string;
  /** Full URL of the `rules.bin` form, when started with an organization id. */
  readonly binUrl: string | undefined;
  /** ETag of the current artifact (quoted, as sent; empty when its route sends none). */
  readonly etag: string;
  /** Serve another artifact (with a new ETag) from now on. */
  setArtifact(artifact: unknown): void;
}

/** A call to the fake Delivery API: a POST to `/rest/v1/delivery` with a JSON body. */
export interface DeliveryCall {
  /** The parsed body. */
  request: DeliveryRequest;
  /** Query parameters: `client`, `sessionId`, `version`, `imsOrgId`. */
  query: Record<string, string>;
  /** Request headers, as in {@link RecordedRequest}. */
  headers: Record<string, string>;
}

/** Content of the JSON offer each mbox answers with, by mbox name. */
export type Offers = Record<string, unknown>;

/** Answers a call that no fault took; `answer()` is what the API would have answered. */
export type DeliveryHandler = (call: DeliveryCall, answer: () => DeliveryResponse) => DeliveryResponse | Promise<DeliveryResponse>;

/** Options of `startFakeDeliveryApi`: answer from an artifact (with the engine) or from canned offers. */
export interface FakeDeliveryApiOptions extends FakeServerOptions {
  /** Decide every call with the engine from this artifact (every name is answered: the server has no remote names). */
  artifact?: unknown;
  /** Answer each requested mbox with its JSON offer here (or with no option), without an engine. */
  offers?: Offers;
  /** Answer with this instead (see {@link FakeDeliveryApi.respondWith}). */
  handler?: DeliveryHandler;
  /** Client code when a call's `?client=` gives none (default: the artifact's, else `acme`). */
  client?: string;
  /** `edgeHost` of every answer, as Target's edge sends (e.g. `mboxedge35.tt.omtrdc.net`). */
  edgeHost?: string;
  /** Clock of the engine's decisions (default: now). */
  now?: () => number;
}

/**
 * A running fake Delivery API: its main path is `/rest/v1/delivery`. Without an artifact or
 * offers it answers each call with the bare envelope (status, requestId, client, id).
 */
export interface FakeDeliveryApi extends FakeServer {
  /** `http://127.0.0.1:<port>/rest/v1/delivery` */
  readonly endpoint: string;
  /** Every delivery call received, faulted or not, in order. */
  readonly calls: readonly DeliveryCall[];
  /** Every notification the API accepted (answered with a 2xx), in order. */
  readonly notifications: readonly Notification[];
  /** Resolve with the calls once there are `count` (rejects after `timeoutMs`, default 5000). */
  waitForCalls(count: number, timeoutMs?: number): Promise<DeliveryCall[]>;
  /** Decide with the engine from this artifact from now on (offers are dropped). */
  setArtifact(artifact: unknown): void;
  /** Answer with these offers from now on (the artifact is dropped). */
  setOffers(offers: Offers): void;
  /** Answer calls with a handler from now on (undefined: back to the artifact or offers). */
  respondWith(handler: DeliveryHandler | undefined): void;
}
