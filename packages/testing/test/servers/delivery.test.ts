import { afterEach, describe, expect, it } from "vitest";
import { artifact } from "../../src/index.js";
import { fault, startFakeDeliveryApi, type FakeDeliveryApi } from "../../src/servers/index.js";

const built = artifact({ client: "acme" })
  .activity("t")
  .mbox("m")
  .experience("Only", 100, { json: { on: true } })
  .remoteMbox("server-only")
  .build();

let api: FakeDeliveryApi | undefined;
afterEach(async () => {
  await api?.close();
  api = undefined;
});

const post = async (endpoint: string, body: unknown, query = "?client=acme&sessionId=s-1&version=2.4.3", signal?: AbortSignal) => {
  const response = await fetch(`${endpoint}${query}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
    ...(signal ? { signal } : {}),
  });
  return { status: response.status, json: (await response.json()) as any };
};

const notification = { id: "n-1", type: "display", timestamp: 1, mbox: { name: "m" }, tokens: ["t-1"] };

describe("startFakeDeliveryApi", () => {
  it("decides with the engine, answering every name as the real server would", async () => {
    api = await startFakeDeliveryApi({ artifact: built, edgeHost: "mboxedge35.tt.omtrdc.net" });
    expect(api.host).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(api.endpoint).toBe(`http://${api.host}/rest/v1/delivery`);
    const { status, json } = await post(api.endpoint, {
      id: { tntId: "v" },
      execute: {
        mboxes: [
          { name: "m", index: 1 },
          { name: "server-only", index: 2 },
        ],
      },
    });
    expect(status).toBe(200);
    expect(json).toMatchObject({
      status: 200,
      client: "acme",
      edgeHost: "mboxedge35.tt.omtrdc.net",
      execute: {
        mboxes: [
          { name: "m", options: [{ content: { on: true } }] },
          { name: "server-only", index: 2 },
        ],
      },
    });
    expect(json.remoteMboxes).toBeUndefined();
    expect(api.calls[0]?.query).toEqual({ client: "acme", sessionId: "s-1", version: "2.4.3" });
    expect(api.calls[0]?.headers["content-type"]).toBe("application/json");
  });

  it("answers canned offers per mbox, with event tokens for prefetched ones", async () => {
    api = await startFakeDeliveryApi({ offers: { hero: { title: "Hello" } } });
    const { json } = await post(api.endpoint, {
      requestId: "r-1",
      execute: {
        mboxes: [
          { name: "hero", index: 1 },
          { name: "other", index: 2 },
        ],
      },
      prefetch: { mboxes: [{ name: "hero", index: 3 }] },
    });
    expect(json).toEqual({
      status: 200,
      requestId: "r-1",
      client: "acme",
      id: { tntId: expect.stringMatching(/^[0-9a-f]{32}$/) },
      execute: {
        mboxes: [
          { index: 1, name: "hero", options: [{ type: "json", content: { title: "Hello" }, responseTokens: { "activity.decisioningMethod": "server-side" } }] },
          { index: 2, name: "other" },
        ],
      },
      prefetch: {
        mboxes: [
          {
            index: 3,
            name: "hero",
            options: [{ type: "json", content: { title: "Hello" }, eventToken: "token-hero", responseTokens: { "activity.decisioningMethod": "server-side" } }],
          },
        ],
      },
    });
    api.setOffers({ hero: { title: "Bye" } });
    expect((await post(api.endpoint, { execute: { mboxes: [{ name: "hero", index: 1 }] } })).json.execute.mboxes[0].options[0].content).toEqual({
      title: "Bye",
    });
  });

  it("refuses an artifact and offers at once", async () => {
    await expect(startFakeDeliveryApi({ artifact: built, offers: {} })).rejects.toMatchObject({
      code: "INVALID_ARGUMENT",
      message: expect.stringMatching(/artifact.*offers/),
    });
  });

  it("answers a notification-only call with the envelope and the ids, and records the notifications it accepts", async () => {
    api = await startFakeDeliveryApi({ artifact: built });
    const { json } = await post(api.endpoint, { id: { tntId: "v" }, notifications: [notification] });
    expect(json).toMatchObject({ status: 200, client: "acme", id: { tntId: "v" }, notifications: [{ id: "n-1" }] });
    expect(api.notifications).toEqual([notification]);
  });

  it("does not accept the notifications of a call it faulted, though it records the call", async () => {
    api = await startFakeDeliveryApi();
    api.fail(fault.status(503));
    expect((await post(api.endpoint, { notifications: [notification] })).status).toBe(503);
    expect(api.calls).toHaveLength(1);
    expect(api.notifications).toEqual([]);
    await post(api.endpoint, { notifications: [notification] });
    expect(api.notifications).toEqual([notification]);
  });

  it("does not accept the notifications of a client that gave up while the answer was delayed", async () => {
    api = await startFakeDeliveryApi();
    api.fail(fault.delay(300));
    await expect(post(api.endpoint, { notifications: [notification] }, "", AbortSignal.timeout(50))).rejects.toThrow();
    // Past the delay: the API would have handled the call by now.
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(api.calls).toHaveLength(1);
    expect(api.notifications).toEqual([]);
    expect(api.requests[0]?.outcome).toBe("dropped");
  });

  it("answers with a handler, which can build on the answer it would have given", async () => {
    api = await startFakeDeliveryApi({ offers: { m: { from: "offers" } } });
    api.respondWith((call, answer) => ({ ...answer(), edgeHost: "mboxedge31.tt.omtrdc.net", id: { tntId: `${call.request.id?.tntId}.31_0` } }));
    const { json } = await post(api.endpoint, { id: { tntId: "v" }, execute: { mboxes: [{ name: "m", index: 1 }] } });
    expect(json).toMatchObject({
      edgeHost: "mboxedge31.tt.omtrdc.net",
      id: { tntId: "v.31_0" },
      execute: { mboxes: [{ options: [{ content: { from: "offers" } }] }] },
    });
    api.respondWith(async ({ request }) => ({
      status: 200,
      requestId: "r",
      client: "acme",
      id: request.id ?? {},
      execute: { mboxes: [{ name: "m", index: 1, options: [{ type: "json", content: { from: "handler" } }] }] },
    }));
    expect(
      (await post(api.endpoint, { id: { tntId: "v" }, execute: { mboxes: [{ name: "m", index: 1 }] } })).json.execute.mboxes[0].options[0].content,
    ).toEqual({ from: "handler" });
    api.respondWith(undefined);
    expect((await post(api.endpoint, { execute: { mboxes: [{ name: "m", index: 1 }] } })).json.execute.mboxes[0].options[0].content).toEqual({
      from: "offers",
    });
  });

  it("answers 500 with the message when a handler throws", async () => {
    api = await startFakeDeliveryApi();
    api.respondWith(() => {
      throw new Error("handler bug");
    });
    expect(await post(api.endpoint, {})).toEqual({ status: 500, json: { status: 500, message: "handler bug" } });
  });

  it("scripts faults like the CDN does", async () => {
    api = await startFakeDeliveryApi({ artifact: built });
    api.fail(fault.status(400, { status: 400, message: "Invalid request" }));
    expect(await post(api.endpoint, {})).toEqual({ status: 400, json: { status: 400, message: "Invalid request" } });
    api.fail(fault.status(502), 1);
    expect((await post(api.endpoint, { execute: { mboxes: [{ name: "m", index: 1 }] } })).status).toBe(502);
    expect((await post(api.endpoint, { id: { tntId: "v" }, execute: { mboxes: [{ name: "m", index: 1 }] } })).status).toBe(200);
    expect(api.requests.map((r) => r.outcome)).toEqual([400, 502, 200]);
  });

  it("waits for calls", async () => {
    api = await startFakeDeliveryApi();
    const waiting = api.waitForCalls(2);
    await post(api.endpoint, { requestId: "a" });
    await post(api.endpoint, { requestId: "b" });
    expect((await waiting).map((call) => call.request.requestId)).toEqual(["a", "b"]);
    await expect(api.waitForCalls(3, 50)).rejects.toMatchObject({ code: "TIMEOUT", message: expect.stringContaining("3 delivery calls") });
  });

  it("serves artifacts beside the endpoint", async () => {
    api = await startFakeDeliveryApi();
    api.setRoute("/rules.json", { body: built });
    expect(await (await fetch(api.url("/rules.json"))).json()).toEqual(built);
    expect(api.requestsTo()).toEqual([]);
    expect(api.calls).toEqual([]);
  });

  it("decides from a new artifact after setArtifact", async () => {
    api = await startFakeDeliveryApi({ offers: {} });
    api.setArtifact(
      artifact()
        .activity("t")
        .mbox("m")
        .experience("Only", 100, { json: { on: false } })
        .build(),
    );
    expect(
      (await post(api.endpoint, { id: { tntId: "v" }, execute: { mboxes: [{ name: "m", index: 1 }] } })).json.execute.mboxes[0].options[0].content,
    ).toEqual({ on: false });
  });

  it("refuses what is not a delivery call", async () => {
    api = await startFakeDeliveryApi({ artifact: built });
    expect((await fetch(`${api.origin}/rest/v2/other`, { method: "POST" })).status).toBe(404);
    expect((await fetch(api.endpoint)).status).toBe(405);
    const bad = await fetch(api.endpoint, { method: "POST", body: "{" });
    expect(bad.status).toBe(400);
    expect(api.calls).toEqual([]);
  });
});
