import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { Agent as HttpAgent, createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { Agent as HttpsAgent, createServer as createHttpsServer } from "node:https";
import type { AddressInfo, Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createNodeFetch, type NodeFetch } from "@decisioning/engine/node";
import { internal } from "@decisioning/engine";

/** A real server on 127.0.0.1 that counts its connections and answers with `handler`. */
async function peer(handler: (req: IncomingMessage, res: ServerResponse, body: string) => void, make: () => Server = () => createServer()) {
  const server = make();
  const sockets = new Set<Socket>();
  let connections = 0;
  let peak = 0;
  server.on("connection", (socket: Socket) => {
    connections += 1;
    sockets.add(socket);
    peak = Math.max(peak, sockets.size);
    socket.on("close", () => sockets.delete(socket));
  });
  server.on("request", (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => handler(req, res, Buffer.concat(chunks).toString("utf8")));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  const stop = () =>
    new Promise<void>((resolve) => {
      for (const socket of sockets) socket.destroy();
      server.close(() => resolve());
    });
  cleanups.push(stop);
  return { port, connections: () => connections, peak: () => peak, open: () => sockets.size, stop };
}

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function transport(options?: Parameters<typeof createNodeFetch>[0]): NodeFetch {
  const fetchApi = createNodeFetch(options);
  cleanups.push(() => fetchApi.close());
  return fetchApi;
}

const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text), ...headers });
  res.end(text);
};

describe("the Node transport", () => {
  it("POSTs a body with its length and reads status, headers and JSON as fetch does", async () => {
    const seen: Array<{ method?: string; length?: string; type?: string; body: string; url?: string }> = [];
    const server = await peer((req, res, body) => {
      seen.push({ method: req.method, length: req.headers["content-length"], type: req.headers["content-type"], body, url: req.url });
      json(res, 201, { ok: "ü" }, { ETag: '"v1"', "X-Twice": "a" });
    });
    const fetchApi = transport();
    const body = JSON.stringify({ name: "grüße" });
    const response = await fetchApi(`http://127.0.0.1:${server.port}/rest/v1/delivery?client=a%20b&sessionId=s`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body,
    });
    expect([response.ok, response.status, response.statusText]).toEqual([true, 201, "Created"]);
    expect(response.headers.get("etag")).toBe('"v1"');
    expect(response.headers.get("X-TWICE")).toBe("a");
    expect(response.headers.get("missing")).toBeNull();
    expect(await response.json()).toEqual({ ok: "ü" });
    expect(seen).toEqual([
      { method: "POST", length: String(Buffer.byteLength(body)), type: "application/json", body, url: "/rest/v1/delivery?client=a%20b&sessionId=s" },
    ]);
  });

  it("answers a non-2xx status without rejecting, and refuses to read a body twice", async () => {
    const server = await peer((_req, res) => json(res, 503, { message: "down" }));
    const response = await transport()(`http://127.0.0.1:${server.port}/`);
    expect([response.ok, response.status]).toEqual([false, 503]);
    expect(await response.text()).toBe('{"message":"down"}');
    await expect(response.text()).rejects.toThrow(/already been read/);
  });

  it("keeps one socket alive across sequential requests", async () => {
    const server = await peer((_req, res) => json(res, 200, {}));
    const fetchApi = transport();
    for (let i = 0; i < 20; i++) await (await fetchApi(`http://127.0.0.1:${server.port}/${i}`, { method: "POST", body: "{}" })).text();
    expect(server.connections()).toBe(1);
  });

  it("never opens more sockets to a host than maxSockets, however many requests are in flight", async () => {
    const server = await peer((_req, res) => setTimeout(() => json(res, 200, {}), 20));
    const fetchApi = transport({ maxSockets: 3 });
    const answers = await Promise.all(Array.from({ length: 30 }, (_, i) => fetchApi(`http://127.0.0.1:${server.port}/${i}`).then((r) => r.text())));
    expect(answers).toHaveLength(30);
    expect(server.peak()).toBeLessThanOrEqual(3);
    expect(server.connections()).toBe(3);
  });

  it("gives the body as a web stream to a reader that stops early (the artifact loader's size limit)", async () => {
    const server = await peer((_req, res) => {
      res.writeHead(200);
      res.write("a".repeat(1000));
      setTimeout(() => res.end("b".repeat(1000)), 10);
    });
    const response = await transport()(`http://127.0.0.1:${server.port}/rules.json`);
    const reader = (response as unknown as { body: ReadableStream<Uint8Array> }).body.getReader();
    const first = await reader.read();
    expect(first.value?.length).toBeGreaterThan(0);
    await reader.cancel();
  });

  it("rejects with the signal's reason when aborted before the answer, and closes the socket", async () => {
    const server = await peer(() => {
      // Never answers.
    });
    const controller = new AbortController();
    const pending = transport()(`http://127.0.0.1:${server.port}/slow`, { signal: controller.signal });
    await new Promise((resolve) => setTimeout(resolve, 30));
    const reason = new Error("timed out");
    controller.abort(reason);
    await expect(pending).rejects.toBe(reason);
    await expect.poll(() => server.open()).toBe(0);
  });

  it("takes the engine's abort hook instead of reading the signal, which then is never made", async () => {
    const server = await peer(() => {
      // Never answers.
    });
    let abort: (reason: unknown) => void = () => {};
    const init = {
      get signal(): AbortSignal {
        throw new Error("the signal was read");
      },
      [internal.ON_ABORT](listener: (reason: unknown) => void) {
        abort = listener;
      },
    };
    const pending = transport()(`http://127.0.0.1:${server.port}/slow`, init as never);
    await new Promise((resolve) => setTimeout(resolve, 30));
    const reason = new Error("deadline");
    abort(reason);
    await expect(pending).rejects.toBe(reason);
    await expect.poll(() => server.open()).toBe(0);
  });

  it("ends a body read with the abort's reason when aborted mid-body", async () => {
    const server = await peer((_req, res) => {
      res.writeHead(200);
      res.write("partial");
      // The rest never comes.
    });
    const controller = new AbortController();
    const response = await transport()(`http://127.0.0.1:${server.port}/`, { signal: controller.signal });
    const reading = response.text();
    controller.abort(new Error("too slow"));
    await expect(reading).rejects.toThrow(/too slow/);
  });

  it("fails a body read, rather than hanging it, when the server closes the connection mid-body", async () => {
    const server = await peer((_req, res) => {
      res.writeHead(200, { "content-length": "100" });
      res.write("partial");
      setTimeout(() => res.socket?.destroy(), 10);
    });
    const response = await transport()(`http://127.0.0.1:${server.port}/`);
    await expect(response.text()).rejects.toThrow();
  });

  it("rejects a request the signal already aborted without connecting", async () => {
    const server = await peer((_req, res) => json(res, 200, {}));
    const controller = new AbortController();
    controller.abort(new Error("gone"));
    await expect(transport()(`http://127.0.0.1:${server.port}/`, { signal: controller.signal })).rejects.toThrow("gone");
    expect(server.connections()).toBe(0);
  });

  it("names the cause when nothing listens (ECONNREFUSED)", async () => {
    const server = await peer((_req, res) => json(res, 200, {}));
    await server.stop();
    await expect(transport()(`http://127.0.0.1:${server.port}/`)).rejects.toMatchObject({ code: "ECONNREFUSED" });
  });

  it.each([
    ["http://user:secret@127.0.0.1:9/", /credentials/],
    ["ftp://127.0.0.1/rules.json", /unsupported protocol/],
    ["not a url", /Invalid URL/],
  ])("refuses %s", async (url, message) => {
    await expect(transport()(url)).rejects.toThrow(message);
  });

  it("sends through a given agent (a proxy's, say) and leaves it open on close()", async () => {
    const server = await peer((_req, res) => json(res, 200, {}));
    class CountingAgent extends HttpAgent {
      created = 0;
      override createConnection(...args: Parameters<HttpAgent["createConnection"]>) {
        this.created += 1;
        return super.createConnection(...args);
      }
    }
    const agent = new CountingAgent({ keepAlive: true });
    cleanups.push(() => agent.destroy());
    const fetchApi = createNodeFetch({ agent });
    await (await fetchApi(`http://127.0.0.1:${server.port}/`)).text();
    fetchApi.close();
    await (await fetchApi(`http://127.0.0.1:${server.port}/`)).text();
    expect(agent.created).toBe(1);
    expect(server.connections()).toBe(1);
  });

  it("closes its own kept-alive sockets on close()", async () => {
    const server = await peer((_req, res) => json(res, 200, {}));
    const fetchApi = transport();
    await (await fetchApi(`http://127.0.0.1:${server.port}/`)).text();
    expect(server.open()).toBe(1);
    fetchApi.close();
    await expect.poll(() => server.open()).toBe(0);
  });

  it("speaks https, through the given https agent", async () => {
    const dir = mkdtempSync(join(tmpdir(), "tls-"));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    execFileSync(
      "openssl",
      [
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-days",
        "1",
        "-subj",
        "/CN=127.0.0.1",
        "-addext",
        "subjectAltName=IP:127.0.0.1",
        "-keyout",
        join(dir, "key.pem"),
        "-out",
        join(dir, "cert.pem"),
      ],
      { stdio: "ignore" },
    );
    const cert = readFileSync(join(dir, "cert.pem"));
    const key = readFileSync(join(dir, "key.pem"));
    const server = await peer(
      (_req, res) => json(res, 200, { secure: true }),
      () => createHttpsServer({ cert, key }),
    );
    const https = new HttpsAgent({ ca: cert, keepAlive: true });
    cleanups.push(() => https.destroy());
    const fetchApi = createNodeFetch({ agent: { https } });
    expect(await (await fetchApi(`https://127.0.0.1:${server.port}/`)).json()).toEqual({ secure: true });
    // The transport's own agents verify certificates: a self-signed one is refused.
    await expect(transport()(`https://127.0.0.1:${server.port}/`)).rejects.toMatchObject({ code: "DEPTH_ZERO_SELF_SIGNED_CERT" });
  });
});
