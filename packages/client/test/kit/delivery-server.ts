/**
 * A real HTTP server on 127.0.0.1 (port 0) standing in for Target: it answers the Delivery API
 * like the edge would (scripted per test), serves artifacts, and records every request.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** A request the server received. */
export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: IncomingMessage["headers"];
  /** Parsed JSON body (POST), else undefined. */
  body: any;
  /** Order of arrival, from 1. */
  seq: number;
}

/** What a handler answers. */
export interface Reply {
  status?: number;
  statusText?: string;
  body?: unknown;
  /** Raw text instead of JSON. */
  text?: string;
  delayMs?: number;
}

/** Answers a Delivery API request; return undefined for the default answer. */
export type DeliveryHandler = (request: RecordedRequest) => Reply | undefined | Promise<Reply | undefined>;

/** Offer content per mbox name, used by the default Delivery API answer. */
export type MboxContent = Record<string, unknown>;

/** The default edge answer: every requested mbox gets its configured JSON offer (or none). */
export function edgeAnswer(request: RecordedRequest, content: MboxContent, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const body = request.body ?? {};
  const answerMboxes = (mboxes: any[] | undefined, withToken: boolean) =>
    mboxes?.map((mbox) => {
      const offer = content[mbox.name];
      const options =
        offer === undefined
          ? undefined
          : [{ type: "json", content: offer, ...(withToken ? { eventToken: `token-${mbox.name}` } : {}), responseTokens: { "activity.decisioningMethod": "server-side" } }];
      return { index: mbox.index, name: mbox.name, ...(options ? { options } : {}) };
    });
  const response: Record<string, unknown> = {
    status: 200,
    requestId: body.requestId,
    client: "acmeclient",
    id: { tntId: "server-tnt-id", ...body.id },
    ...extra,
  };
  if (body.execute?.mboxes) response.execute = { mboxes: answerMboxes(body.execute.mboxes, false) };
  if (body.prefetch?.mboxes) response.prefetch = { mboxes: answerMboxes(body.prefetch.mboxes, true) };
  if (body.notifications) response.notifications = body.notifications.map((n: any) => ({ id: n.id }));
  return response;
}

/** The fake Target edge and CDN. */
export class FakeTarget {
  /** Every request received, in order. */
  readonly requests: RecordedRequest[] = [];
  /** Delivery API behaviour; default: {@link edgeAnswer} with {@link mboxContent}. */
  handler: DeliveryHandler = () => undefined;
  /** Offer content per mbox for the default answer. */
  mboxContent: MboxContent = {};
  /** Extra fields of the default answer (e.g. `edgeHost`). */
  answerExtra: Record<string, unknown> = {};
  private readonly artifacts = new Map<string, { body: unknown; gate?: Promise<void> }>();
  private readonly waiters: Array<() => void> = [];

  private constructor(private readonly server: Server) {}

  /** Start on 127.0.0.1 with an OS-chosen port. */
  static async start(): Promise<FakeTarget> {
    let target: FakeTarget | undefined;
    const server = createServer((req, res) => void target?.handle(req, res));
    target = new FakeTarget(server);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    return target;
  }

  /** `127.0.0.1:PORT`, for `serverDomain`. */
  get host(): string {
    const address = this.server.address() as AddressInfo;
    return `127.0.0.1:${address.port}`;
  }

  /** Base URL, for artifact locations. */
  get origin(): string {
    return `http://${this.host}`;
  }

  /** Delivery API requests only. */
  get deliveryRequests(): RecordedRequest[] {
    return this.requests.filter((r) => r.path === "/rest/v1/delivery");
  }

  /** Serve an artifact at `path`; with a gate, the answer waits until the gate resolves. */
  serveArtifact(path: string, artifact: unknown, gate?: Promise<void>): string {
    this.artifacts.set(path, gate ? { body: artifact, gate } : { body: artifact });
    return this.origin + path;
  }

  /** Resolve once `count` Delivery API requests have arrived. */
  async waitForDeliveryRequests(count: number, timeoutMs = 5000): Promise<RecordedRequest[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.deliveryRequests.length < count) {
      if (Date.now() > deadline) throw new Error(`expected ${count} delivery requests, got ${this.deliveryRequests.length}`);
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 20);
      });
    }
    return this.deliveryRequests;
  }

  /** Stop listening and drop kept-alive connections. */
  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString("utf8");
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const recorded: RecordedRequest = {
      method: req.method ?? "GET",
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers: req.headers,
      body: text ? JSON.parse(text) : undefined,
      seq: this.requests.length + 1,
    };
    this.requests.push(recorded);
    for (const wake of this.waiters.splice(0)) wake();

    const artifact = this.artifacts.get(url.pathname);
    if (req.method === "GET" && artifact) {
      if (artifact.gate) await artifact.gate;
      this.send(res, { body: artifact.body });
      return;
    }
    if (url.pathname !== "/rest/v1/delivery") {
      this.send(res, { status: 404, body: { status: 404, message: "Not found" } });
      return;
    }
    let reply: Reply | undefined;
    try {
      reply = await this.handler(recorded);
    } catch (error) {
      reply = { status: 500, body: { status: 500, message: String(error) } };
    }
    this.send(res, reply ?? { body: edgeAnswer(recorded, this.mboxContent, this.answerExtra) });
  }

  private send(res: ServerResponse, reply: Reply): void {
    const write = () => {
      if (res.destroyed) return;
      const status = reply.status ?? 200;
      const text = reply.text ?? (reply.body === undefined ? "" : JSON.stringify(reply.body));
      const headers = { "content-type": "application/json" };
      if (reply.statusText) res.writeHead(status, reply.statusText, headers);
      else res.writeHead(status, headers);
      res.end(text);
    };
    if (reply.delayMs) setTimeout(write, reply.delayMs);
    else write();
  }
}
