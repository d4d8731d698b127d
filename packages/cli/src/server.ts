/**
 * A local Delivery API: `POST /rest/v1/delivery` decided on-device, so services in any
 * language can use the engine as a sidecar with the HTTP client they already have.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { createDecider, RequestError, type Decider, type NotificationPayload } from "@decisioning/engine";

/** Largest request body accepted, in bytes: a delivery request is a few kilobytes. */
const MAX_BODY_BYTES = 1024 * 1024;

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

/** Options of {@link createDeliveryServer}. */
export interface DeliveryServerOptions {
  /** The artifact (parsed JSON). Replace it later with `setArtifact`. */
  artifact: unknown;
  /** Client code to decide for when a request's `?client=` does not say. */
  client: string;
  /** Called after each decision that owes Target a notification (display impressions, telemetry). */
  onNotification?: (payload: NotificationPayload, query: { client: string; sessionId: string | undefined }) => void;
  /** Called after every request. */
  onRequest?: (served: ServedRequest) => void;
  /** Clock override (tests). */
  now?: () => number;
}

/** The server and a way to swap its artifact. */
export interface DeliveryServer {
  server: Server;
  /** Decide from a new artifact from now on; throws the engine's `ArtifactError` (keeping the old one) if it is unusable. */
  setArtifact(artifact: unknown): void;
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
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

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new HttpProblem(413, `request body over ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString("utf8");
}

/** Create (but do not start) a Delivery API server that decides on-device. */
export function createDeliveryServer(options: DeliveryServerOptions): DeliveryServer {
  let artifact = options.artifact;
  // Allocation depends on the client code, so each client asked for gets its own decider.
  let deciders = new Map<string, Decider>();
  const platform = options.now ? { platform: { now: options.now } } : {};
  const deciderFor = (client: string): Decider => {
    let decider = deciders.get(client);
    if (!decider) {
      decider = createDecider({ client, artifact, ...platform });
      deciders.set(client, decider);
    }
    return decider;
  };
  deciderFor(options.client);

  async function handle(req: IncomingMessage, res: ServerResponse, served: ServedRequest): Promise<void> {
    const url = new URL(req.url ?? "/", "http://localhost");
    served.path = url.pathname;
    if (url.pathname === "/health" || url.pathname === "/healthz") {
      const decider = deciderFor(options.client);
      send(res, 200, { status: "ok", client: options.client, artifact: { version: decider.artifact.version, meta: decider.artifact.meta } });
      served.status = 200;
      return;
    }
    if (url.pathname !== "/rest/v1/delivery") throw new HttpProblem(404, `no such endpoint: ${url.pathname} (POST /rest/v1/delivery decides)`);
    if (req.method !== "POST") throw new HttpProblem(405, "POST a delivery request to /rest/v1/delivery");
    const client = url.searchParams.get("client") || options.client;
    const sessionId = url.searchParams.get("sessionId") ?? undefined;
    let request: unknown;
    try {
      request = JSON.parse(await readBody(req));
    } catch (error) {
      if (error instanceof HttpProblem) throw error;
      throw new HttpProblem(400, `the body is not JSON: ${error instanceof Error ? error.message : String(error)}`);
    }
    let result;
    try {
      result = deciderFor(client).decide({ request: request as never, ...(sessionId ? { sessionId } : {}) });
    } catch (error) {
      if (error instanceof RequestError) throw new HttpProblem(400, error.message);
      throw error;
    }
    send(res, 200, result.response);
    served.status = 200;
    served.decision = result.response.status;
    if (result.notification && options.onNotification) options.onNotification(result.notification, { client, sessionId });
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
        // The Delivery API's own error shape.
        if (!res.headersSent) send(res, status, { status, message });
        else res.destroy();
      })
      .finally(() => {
        served.ms = Math.round((performance.now() - started) * 100) / 100;
        options.onRequest?.(served);
      });
  });
  return {
    server,
    setArtifact(next) {
      const fresh = createDecider({ client: options.client, artifact: next, ...platform });
      artifact = next;
      deciders = new Map([[options.client, fresh]]);
    },
  };
}
