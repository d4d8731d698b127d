import { afterEach, describe, expect, it } from "vitest";
import { fault, startFakeCdn, type FakeCdn, type Fault, type Outcome } from "../../src/servers/index.js";

const rules = { version: "1.0.0", meta: { clientCode: "acme" }, padding: "x".repeat(200) };

let cdn: FakeCdn | undefined;
afterEach(async () => {
  await cdn?.close();
  cdn = undefined;
});

const started = async (): Promise<FakeCdn> => (cdn = await startFakeCdn({ artifact: rules, path: "/rules.json" }));
const get = (url: string, timeoutMs = 1000) => fetch(url, { signal: AbortSignal.timeout(timeoutMs) });

describe("faults", () => {
  const cases: Array<[string, Fault, Outcome, (response: Promise<Response>) => Promise<void>]> = [
    [
      "an HTTP status, with a JSON body",
      fault.status(503),
      503,
      async (r) => expect(await (await r).json()).toEqual({ status: 503, message: "scripted fault" }),
    ],
    [
      "an HTTP status with the body given",
      fault.status(400, { status: 400, message: "bad" }),
      400,
      async (r) => expect(await (await r).json()).toEqual({ status: 400, message: "bad" }),
    ],
    ["a 304 with no body", fault.status(304), 304, async (r) => expect((await r).status).toBe(304)],
    ["a body that is not JSON", fault.body("{truncated"), 200, async (r) => expect(await (await r).text()).toBe("{truncated")],
    ["a JSON body of another shape", fault.body([1, 2]), 200, async (r) => expect(await (await r).json()).toEqual([1, 2])],
    ["a dropped connection", fault.drop(), "dropped", async (r) => await expect(r).rejects.toThrow()],
    ["a request that never ends", fault.hang(), "hung", async (r) => await expect(r).rejects.toThrow(/aborted|timeout/i)],
    ["a body cut short", fault.truncate(), "truncated", async (r) => await expect((await r).text()).rejects.toThrow()],
    ["a body cut after 5 bytes", fault.truncate(5), "truncated", async (r) => await expect((await r).text()).rejects.toThrow()],
  ];

  it.each(cases)("plays %s for the next request, then answers normally", async (_name, f, outcome, check) => {
    const server = await started();
    server.fail(f);
    await check(get(server.url()));
    const after = await get(server.url());
    expect(after.status).toBe(200);
    expect(await after.json()).toEqual(rules);
    await server.waitForNoActiveRequests();
    expect(server.requests.map((r) => r.outcome)).toEqual([outcome, 200]);
  });

  it("delays the answer by a time", async () => {
    const server = await started();
    server.fail(fault.delay(150));
    const begun = Date.now();
    expect(await (await get(server.url())).json()).toEqual(rules);
    expect(Date.now() - begun).toBeGreaterThanOrEqual(140);
  });

  it("holds the answer until a gate opens", async () => {
    const server = await started();
    let open: () => void = () => {};
    server.fail(fault.delay(new Promise<void>((resolve) => (open = resolve))));
    let answered = false;
    const response = get(server.url(), 3000).then((r) => {
      answered = true;
      return r;
    });
    await server.waitForRequests(1);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(answered).toBe(false);
    open();
    expect((await response).status).toBe(200);
  });

  it("stalls mid-body, then sends the rest", async () => {
    const server = await started();
    server.fail(fault.stall(200, 4));
    const begun = Date.now();
    const response = await get(server.url());
    const headersAt = Date.now() - begun;
    expect(await response.json()).toEqual(rules);
    expect(Date.now() - begun - headersAt).toBeGreaterThanOrEqual(150);
    expect(server.requests[0]?.outcome).toBe(200);
  });

  it("queues faults in order, each for as many requests as asked", async () => {
    const server = await started();
    server.fail(fault.status(500), 2);
    server.fail(fault.drop());
    server.fail(fault.status(503));
    for (let i = 0; i < 5; i++) await get(server.url()).catch(() => undefined);
    await server.waitForNoActiveRequests();
    expect(server.requests.map((r) => r.outcome)).toEqual([500, 500, "dropped", 503, 200]);
  });

  it("plays a standing fault until recover(), after the queued ones", async () => {
    const server = await started();
    server.failAlways(fault.status(404));
    server.fail(fault.status(500));
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await get(server.url())).status);
    server.recover();
    statuses.push((await get(server.url())).status);
    expect(statuses).toEqual([500, 404, 404, 200]);
  });

  it("chooses a fault per request with a function, which may wait and sees the request", async () => {
    const server = await started();
    const seen: string[] = [];
    server.failAlways(async (request) => {
      seen.push(request.query.try ?? "");
      await new Promise((resolve) => setTimeout(resolve, 10));
      return request.query.try === "2" ? fault.status(502) : undefined;
    });
    const statuses = [];
    for (const attempt of ["1", "2", "3"]) statuses.push((await get(`${server.url()}?try=${attempt}`)).status);
    expect(statuses).toEqual([200, 502, 200]);
    expect(seen).toEqual(["1", "2", "3"]);
  });

  it("scopes faults to one path, by default the main one", async () => {
    const server = await started();
    server.setRoute("/geo", { body: { "x-geo-city": "BASEL" } });
    server.failAlways(fault.status(503));
    server.fail(fault.status(500), 1, "/geo");
    expect((await get(server.url("/geo"))).status).toBe(500);
    expect((await get(server.url("/geo"))).status).toBe(200);
    expect((await get(server.url())).status).toBe(503);
  });

  it("records a request whose client gave up during a delay as dropped", async () => {
    const server = await started();
    server.fail(fault.delay(300));
    await expect(get(server.url(), 50)).rejects.toThrow(/aborted|timeout/i);
    await server.waitForNoActiveRequests();
    expect(server.requests[0]?.outcome).toBe("dropped");
  });
});
