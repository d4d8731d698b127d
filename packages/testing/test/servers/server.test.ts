import { Agent, request as httpRequest } from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import { bodyBytes, etagOf, fault, startFakeCdn, type FakeCdn } from "../../src/servers/index.js";

const rules = { version: "1.0.0", meta: { clientCode: "acme" } };

let cdn: FakeCdn | undefined;
afterEach(async () => {
  await cdn?.close();
  cdn = undefined;
});

const started = async (options: { record?: boolean } = {}): Promise<FakeCdn> =>
  (cdn = await startFakeCdn({ artifact: rules, path: "/rules.json", ...options }));

describe("what every fake server does", () => {
  it("records each request: method, path, query, headers, body as text and as JSON, arrival and outcome", async () => {
    const server = await started();
    const before = Date.now();
    await fetch(`${server.url()}?a=1&b=2`, { headers: { "x-test": "yes" } });
    await fetch(server.url("/submit"), { method: "POST", headers: { "content-type": "application/json" }, body: '{"k":[1]}' });
    await fetch(server.url("/submit"), { method: "POST", body: "plain" });
    const [get, json, text] = server.requests;
    expect(get).toMatchObject({ method: "GET", path: "/rules.json", query: { a: "1", b: "2" }, body: "", json: undefined, outcome: 200 });
    expect(get?.headers["x-test"]).toBe("yes");
    expect(get?.at).toBeGreaterThanOrEqual(before);
    expect(json).toMatchObject({ method: "POST", path: "/submit", body: '{"k":[1]}', json: { k: [1] }, outcome: 404 });
    expect(text).toMatchObject({ body: "plain", json: undefined });
    expect(server.requestsTo()).toEqual([get]);
    expect(server.requestsTo("/submit")).toEqual([json, text]);
  });

  it("serves static routes with their headers, ETag and content type, refusing other methods", async () => {
    const server = await started();
    server.setRoute("/geo", { body: { city: "BASEL" }, headers: { "x-geo-city": "BASEL" } });
    server.setRoute("/plain", { body: "hello", contentType: "text/plain", etag: '"fixed"' });
    server.setRoute("/no-etag", { body: "x", etag: false });
    const geo = await fetch(server.url("/geo"));
    expect(geo.headers.get("x-geo-city")).toBe("BASEL");
    expect(geo.headers.get("etag")).toBe(etagOf({ city: "BASEL" }));
    expect(geo.headers.get("content-length")).toBe(String(bodyBytes({ city: "BASEL" }).length));
    const plain = await fetch(server.url("/plain"));
    expect([plain.headers.get("content-type"), plain.headers.get("etag"), await plain.text()]).toEqual(["text/plain", '"fixed"', "hello"]);
    expect((await fetch(server.url("/plain"), { headers: { "if-none-match": '"fixed"' } })).status).toBe(304);
    const bare = await fetch(server.url("/no-etag"), { headers: { "if-none-match": "*" } });
    expect([bare.status, bare.headers.get("etag")]).toEqual([200, null]);
    expect((await fetch(server.url(), { method: "POST", body: "{}" })).status).toBe(405);
  });

  it("sends a chunked route without Content-Length", async () => {
    const server = await started();
    server.setRoute("/rules.json", { body: rules, chunked: true });
    const response = await fetch(server.url());
    expect(response.headers.get("content-length")).toBeNull();
    expect(response.headers.get("transfer-encoding")).toBe("chunked");
    expect(await response.json()).toEqual(rules);
  });

  it("waits for a number of requests, and times out with a TIMEOUT error naming what it waited for", async () => {
    const server = await started();
    const waiting = server.waitForRequests(2);
    await fetch(server.url());
    await fetch(server.url("/other"));
    await fetch(server.url());
    expect((await waiting).map((r) => r.path)).toEqual(["/rules.json", "/rules.json"]);
    await expect(server.waitForRequests(3, "/rules.json", 50)).rejects.toMatchObject({
      name: "TestingError",
      code: "TIMEOUT",
      message: expect.stringContaining("3 requests to /rules.json"),
    });
  });

  it("counts requests in progress, the most at once, and open sockets, and waits for them to end", async () => {
    const server = await started();
    server.failAlways(fault.delay(100));
    const agent = new Agent({ keepAlive: false });
    const get = () =>
      new Promise<void>((resolve, reject) => {
        httpRequest(server.url(), { agent }, (response) => {
          response.resume();
          response.on("end", resolve);
        })
          .on("error", reject)
          .end();
      });
    const all = Promise.all([get(), get(), get()]);
    await server.waitForRequests(3);
    expect(server.activeRequests()).toBe(3);
    expect(server.openConnections()).toBe(3);
    await all;
    await server.waitForNoActiveRequests();
    await server.waitForNoConnections();
    expect(server.activeRequests()).toBe(0);
    expect(server.openConnections()).toBe(0);
    expect(server.maxConcurrent()).toBe(3);
    expect(server.maxConcurrent("/other")).toBe(0);
    agent.destroy();
  });

  it("keeps no requests when started with record: false", async () => {
    const server = await started({ record: false });
    await fetch(server.url());
    expect(server.requests).toEqual([]);
    expect(server.maxConcurrent()).toBe(1);
  });

  it("closes with hanging requests open", async () => {
    const server = await started();
    server.failAlways(fault.hang());
    const pending = fetch(server.url()).catch((error: unknown) => error);
    await server.waitForRequests(1);
    await server.close();
    cdn = undefined;
    expect(await pending).toBeInstanceOf(Error);
  });
});
