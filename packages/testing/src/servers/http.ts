/** Shared plumbing of the fake servers: listening on 127.0.0.1, recording, scripted faults. */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** Something going wrong on purpose, for one request. */
export type Fault =
  /** Answer with this HTTP status (and body). */
  | { type: "status"; status: number; body?: string }
  /** Answer normally, after a delay. */
  | { type: "delay"; ms: number }
  /** Never answer (the connection stays open until the server closes). */
  | { type: "hang" }
  /** Drop the connection without answering. */
  | { type: "reset" }
  /** Answer with this raw body (default status 200), e.g. truncated or not JSON. */
  | { type: "body"; body: string; status?: number };

/** Fault constructors: `cdn.fail(fault.status(503), 2)`. */
export const fault = {
  status: (status: number, body?: string): Fault => ({ type: "status", status, ...(body !== undefined ? { body } : {}) }),
  delay: (ms: number): Fault => ({ type: "delay", ms }),
  hang: (): Fault => ({ type: "hang" }),
  reset: (): Fault => ({ type: "reset" }),
  body: (body: string, status = 200): Fault => ({ type: "body", body, status }),
} as const;

/** A request a fake server received, and how it was answered. */
export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string>;
  body: string;
  /** Ms since epoch. */
  at: number;
  /** HTTP status sent, or the fault that replaced the answer. */
  outcome: number | "hang" | "reset";
}

/** Faults to apply to coming requests, in order, then an optional lasting one. */
export class FaultScript {
  private readonly queue: Fault[] = [];
  private lasting: Fault | undefined;

  /** Apply `f` to the next `times` requests (after faults already queued). */
  next(f: Fault, times = 1): void {
    for (let i = 0; i < times; i++) this.queue.push(f);
  }

  /** Apply `f` to every request from now on, until `recover()`. */
  always(f: Fault): void {
    this.lasting = f;
  }

  /** Drop queued and lasting faults. */
  recover(): void {
    this.queue.length = 0;
    this.lasting = undefined;
  }

  /** The fault for the request arriving now, if any. */
  take(): Fault | undefined {
    return this.queue.shift() ?? this.lasting;
  }
}

/** A request handler's answer. */
export interface Answer {
  status: number;
  headers?: Record<string, string>;
  body?: string | Uint8Array;
}

/** A started server. */
export interface Listening {
  server: Server;
  /** `http://127.0.0.1:<port>` */
  origin: string;
  port: number;
  close(): Promise<void>;
}

function flatHeaders(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(req.headers)) if (value !== undefined) out[key] = Array.isArray(value) ? value.join(", ") : value;
  return out;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

function write(res: ServerResponse, answer: Answer): void {
  res.writeHead(answer.status, answer.headers);
  res.end(answer.body);
}

/** Listen on 127.0.0.1 (a free port unless given), recording requests and applying scripted faults. */
export async function listen(
  handle: (request: RecordedRequest) => Answer | Promise<Answer>,
  script: FaultScript,
  log: RecordedRequest[],
  port = 0,
): Promise<Listening> {
  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? "/", "http://127.0.0.1");
      const record: RecordedRequest = {
        method: req.method ?? "GET",
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
        headers: flatHeaders(req),
        body: await readBody(req),
        at: Date.now(),
        outcome: 200,
      };
      log.push(record);
      const f = script.take();
      if (f?.type === "reset") {
        record.outcome = "reset";
        req.socket.destroy();
        return;
      }
      if (f?.type === "hang") {
        record.outcome = "hang";
        return;
      }
      if (f?.type === "status") {
        record.outcome = f.status;
        write(res, { status: f.status, headers: { "content-type": "application/json" }, body: f.body ?? JSON.stringify({ status: f.status, message: "scripted failure" }) });
        return;
      }
      if (f?.type === "body") {
        record.outcome = f.status ?? 200;
        write(res, { status: f.status ?? 200, headers: { "content-type": "application/json" }, body: f.body });
        return;
      }
      if (f?.type === "delay") await new Promise((resolve) => setTimeout(resolve, f.ms));
      let answer: Answer;
      try {
        answer = await handle(record);
      } catch (error) {
        answer = { status: 500, headers: { "content-type": "application/json" }, body: JSON.stringify({ status: 500, message: error instanceof Error ? error.message : String(error) }) };
      }
      record.outcome = answer.status;
      if (!res.destroyed) write(res, answer);
    })();
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", resolve);
  });
  const address = server.address() as AddressInfo;
  return {
    server,
    origin: `http://127.0.0.1:${address.port}`,
    port: address.port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Hanging requests would otherwise keep the server open forever.
        server.closeAllConnections();
      }),
  };
}
