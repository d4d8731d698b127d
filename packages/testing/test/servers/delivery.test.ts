import { afterEach, describe, expect, it } from "vitest";
import { artifact } from "../../src/index.js";
import { fault, startFakeDeliveryApi, type FakeDeliveryApi } from "../../src/servers/index.js";

const built = artifact({ client: "acme" }).activity("t").mbox("m").experience("Only", 100, { json: { on: true } }).remoteMbox("server-only").build();

let api: FakeDeliveryApi | undefined;
afterEach(async () => {
  await api?.close();
  api = undefined;
});

const post = async (endpoint: string, body: unknown, query = "?client=acme&sessionId=s-1&version=2.4.3") => {
  const response = await fetch(`${endpoint}${query}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  return { status: response.status, json: (await response.json()) as any };
};

describe("startFakeDeliveryApi", () => {
  it("decides with the engine, answering every name as the real server would", async () => {
    api = await startFakeDeliveryApi({ artifact: built, edgeHost: "mboxedge35.tt.omtrdc.net" });
    expect(api.serverDomain).toMatch(/^127\.0\.0\.1:\d+$/);
    const { status, json } = await post(api.endpoint, { id: { tntId: "v" }, execute: { mboxes: [{ name: "m", index: 1 }, { name: "server-only", index: 2 }] } });
    expect(status).toBe(200);
    expect(json).toMatchObject({ status: 200, client: "acme", edgeHost: "mboxedge35.tt.omtrdc.net", execute: { mboxes: [{ name: "m", options: [{ content: { on: true } }] }, { name: "server-only", index: 2 }] } });
    expect(json.remoteMboxes).toBeUndefined();
    expect(api.calls[0]?.query).toEqual({ client: "acme", sessionId: "s-1", version: "2.4.3" });
  });

  it("records the notifications it receives", async () => {
    api = await startFakeDeliveryApi({ artifact: built });
    const notification = { id: "n-1", type: "display", timestamp: 1, mbox: { name: "m" }, tokens: ["t-1"] };
    const { json } = await post(api.endpoint, { id: { tntId: "v" }, notifications: [notification] });
    expect(json).toMatchObject({ status: 200, client: "acme", id: { tntId: "v" } });
    expect(api.notifications).toEqual([notification]);
  });

  it("answers with a handler when given one", async () => {
    api = await startFakeDeliveryApi();
    api.respondWith(({ request }) => ({ status: 200, requestId: "r", client: "acme", id: request.id ?? {}, execute: { mboxes: [{ name: "m", index: 1, options: [{ type: "json", content: { from: "handler" } }] }] } }));
    expect((await post(api.endpoint, { id: { tntId: "v" }, execute: { mboxes: [{ name: "m", index: 1 }] } })).json.execute.mboxes[0].options[0].content).toEqual({ from: "handler" });
    api.respondWith(() => ({ httpStatus: 400, body: { status: 400, message: "Invalid request" } }));
    expect(await post(api.endpoint, {})).toEqual({ status: 400, json: { status: 400, message: "Invalid request" } });
  });

  it("scripts faults like the CDN does", async () => {
    api = await startFakeDeliveryApi({ artifact: built });
    api.fail(fault.status(502), 1);
    expect((await post(api.endpoint, { execute: { mboxes: [{ name: "m", index: 1 }] } })).status).toBe(502);
    expect((await post(api.endpoint, { id: { tntId: "v" }, execute: { mboxes: [{ name: "m", index: 1 }] } })).status).toBe(200);
    expect(api.requests.map((r) => r.outcome)).toEqual([502, 200]);
  });

  it("decides from a new artifact after setArtifact", async () => {
    api = await startFakeDeliveryApi({ artifact: built });
    api.setArtifact(artifact().activity("t").mbox("m").experience("Only", 100, { json: { on: false } }).build());
    expect((await post(api.endpoint, { id: { tntId: "v" }, execute: { mboxes: [{ name: "m", index: 1 }] } })).json.execute.mboxes[0].options[0].content).toEqual({ on: false });
  });

  it("refuses what is not a delivery call", async () => {
    api = await startFakeDeliveryApi({ artifact: built });
    expect((await fetch(`${api.origin}/rest/v2/other`, { method: "POST" })).status).toBe(404);
    expect((await fetch(api.endpoint)).status).toBe(405);
    const bad = await fetch(api.endpoint, { method: "POST", body: "{" });
    expect(bad.status).toBe(400);
  });
});
