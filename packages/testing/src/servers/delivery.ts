/**
 * A fake Delivery API: `POST /rest/v1/delivery` answered by the engine from an artifact (or by
 * your handler), recording requests and notifications, with scripted faults.
 */
import { createDecider, type Decider, type DeliveryRequest, type DeliveryResponse, type Notification } from "@decisioning/engine";
import { FaultScript, listen, type Fault, type RecordedRequest } from "./http.js";

/** What a handler is given. */
export interface DeliveryCall {
  request: DeliveryRequest;
  /** Query parameters: `client`, `sessionId`, `version`. */
  query: Record<string, string>;
}

/** Answers a delivery call; return a response body, or `{status, body}` for an HTTP error. */
export type DeliveryHandler = (call: DeliveryCall) => DeliveryResponse | { httpStatus: number; body: unknown } | Promise<DeliveryResponse | { httpStatus: number; body: unknown }>;

/** Options of {@link startFakeDeliveryApi}. */
export interface FakeDeliveryApiOptions {
  /** Decide with the engine from this artifact (every name is answered: the server has no remote names). */
  artifact?: unknown;
  /** Client code when a request's `?client=` does not give one (default: the artifact's, else `acme`). */
  client?: string;
  /** Answer with this instead of the engine. */
  handler?: DeliveryHandler;
  /** `edgeHost` to put in responses, as Target's edge does (e.g. `mboxedge35.tt.omtrdc.net`). */
  edgeHost?: string;
  /** Clock for decisions (default: now). */
  now?: () => number;
  port?: number;
}

/** A running fake Delivery API. */
export interface FakeDeliveryApi {
  /** `http://127.0.0.1:<port>` */
  origin: string;
  /** `http://127.0.0.1:<port>/rest/v1/delivery` */
  endpoint: string;
  /** `127.0.0.1:<port>`: a client's `serverDomain` (with `secure: false`). */
  serverDomain: string;
  /** Every request received, raw. */
  readonly requests: RecordedRequest[];
  /** Every delivery request body received, parsed, with its query. */
  readonly calls: DeliveryCall[];
  /** Every notification received, in order. */
  readonly notifications: Notification[];
  /** Decide from another artifact from now on. */
  setArtifact(artifact: unknown): void;
  /** Answer with a handler from now on (undefined: back to the engine). */
  respondWith(handler: DeliveryHandler | undefined): void;
  fail(f: Fault, times?: number): void;
  failAlways(f: Fault): void;
  recover(): void;
  close(): Promise<void>;
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);
const json = (status: number, body: unknown) => ({ status, headers: { "content-type": "application/json" }, body: JSON.stringify(body) });

/** Start a fake Delivery API on 127.0.0.1. */
export async function startFakeDeliveryApi(options: FakeDeliveryApiOptions = {}): Promise<FakeDeliveryApi> {
  let artifact = options.artifact;
  let handler = options.handler;
  const meta = isRecord(artifact) && isRecord(artifact.meta) ? artifact.meta : {};
  const defaultClient = options.client ?? (typeof meta.clientCode === "string" ? meta.clientCode : "acme");
  let deciders = new Map<string, Decider>();
  const deciderFor = (client: string): Decider => {
    let decider = deciders.get(client);
    if (!decider) {
      decider = createDecider({ client, artifact, telemetryEnabled: false, ...(options.now ? { platform: { now: options.now } } : {}) });
      deciders.set(client, decider);
    }
    return decider;
  };
  const script = new FaultScript();
  const requests: RecordedRequest[] = [];
  const calls: DeliveryCall[] = [];
  const notifications: Notification[] = [];

  const listening = await listen(
    async (record) => {
      if (record.path !== "/rest/v1/delivery") return json(404, { status: 404, message: `no such endpoint ${record.path}` });
      if (record.method !== "POST") return json(405, { status: 405, message: "POST only" });
      let request: DeliveryRequest;
      try {
        request = JSON.parse(record.body) as DeliveryRequest;
      } catch {
        return json(400, { status: 400, message: "body is not JSON" });
      }
      const call: DeliveryCall = { request, query: record.query };
      calls.push(call);
      if (Array.isArray(request.notifications)) notifications.push(...request.notifications);
      if (handler) {
        const answer = await handler(call);
        if (isRecord(answer) && typeof answer.httpStatus === "number") return json(answer.httpStatus, answer.body);
        return json(200, answer);
      }
      const client = record.query.client || defaultClient;
      let response: DeliveryResponse;
      if (artifact === undefined || (!request.execute && !request.prefetch)) {
        // Notification-only calls (and a server without an artifact) get the bare envelope.
        response = { status: 200, requestId: request.requestId ?? globalThis.crypto.randomUUID().replace(/-/g, ""), client, id: request.id ?? {} };
      } else {
        response = deciderFor(client).decide({ request }).response;
        // The real server decides everything; on-device "remote" markers do not apply here.
        response.status = 200;
        delete response.remoteMboxes;
        delete response.remoteViews;
      }
      if (options.edgeHost) response.edgeHost = options.edgeHost;
      return json(200, response);
    },
    script,
    requests,
    options.port,
  );
  return {
    origin: listening.origin,
    endpoint: `${listening.origin}/rest/v1/delivery`,
    serverDomain: `127.0.0.1:${listening.port}`,
    requests,
    calls,
    notifications,
    setArtifact(next) {
      artifact = next;
      deciders = new Map();
    },
    respondWith(next) {
      handler = next;
    },
    fail: (f, times = 1) => script.next(f, times),
    failAlways: (f) => script.always(f),
    recover: () => script.recover(),
    close: () => listening.close(),
  };
}
