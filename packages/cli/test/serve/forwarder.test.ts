import { fault, startFakeDeliveryApi, type FakeDeliveryApi } from "@decisioning/testing/servers";
import { afterEach, describe, expect, it } from "vitest";
import { createForwarder, type ForwardJob } from "../../src/serve/forwarder.js";
import { closedPort } from "../helpers/net.js";

const apis: FakeDeliveryApi[] = [];
afterEach(async () => {
  await Promise.all(apis.splice(0).map((api) => api.close()));
});

async function deliveryApi(): Promise<FakeDeliveryApi> {
  const api = await startFakeDeliveryApi();
  apis.push(api);
  return api;
}

const job = (id: string): ForwardJob => ({
  body: { id: { tntId: "v" }, notifications: [{ id, type: "display", timestamp: 1, tokens: ["t"] }] },
  count: 1,
  client: "acme",
  sessionId: "s",
});

describe("the notification forwarder", () => {
  it("retries once after a 503 and counts the notification as forwarded", async () => {
    const api = await deliveryApi();
    api.fail(fault.status(503), 1);
    const forwarder = createForwarder({ url: api.endpoint, retryDelayMs: 10 });
    expect(forwarder.submit(job("n-1"))).toEqual({ queued: true });
    await expect.poll(() => forwarder.stats().forwarded, { timeout: 3000 }).toBe(1);
    expect(api.requests.map((r) => r.outcome)).toEqual([503, 200]);
    expect(api.calls[0]?.query).toEqual({ client: "acme", sessionId: "s" });
  });

  it("drops with reason timeout a request that gets no answer in time", async () => {
    const api = await deliveryApi();
    api.failAlways(fault.hang());
    const forwarder = createForwarder({ url: api.endpoint, timeoutMs: 100, retryDelayMs: 10 });
    forwarder.submit(job("n-1"));
    await expect.poll(() => forwarder.stats(), { timeout: 3000 }).toMatchObject({ dropped: 1, droppedByReason: { timeout: 1 }, inFlight: 0 });
    expect(forwarder.stats().lastError?.message).toMatch(/^no answer within 100 ms from http:\/\/127\.0\.0\.1:\d+$/);
  });

  it("names the cause of a refused connection", async () => {
    const forwarder = createForwarder({ url: `http://127.0.0.1:${await closedPort()}/rest/v1/delivery`, retryDelayMs: 10 });
    forwarder.submit(job("n-1"));
    await expect.poll(() => forwarder.stats().dropped, { timeout: 3000 }).toBe(1);
    expect(forwarder.stats()).toMatchObject({ droppedByReason: { "network-error": 1 }, lastError: { message: expect.stringContaining("ECONNREFUSED") } });
  });

  it("keeps the queue within its byte limit", async () => {
    const api = await deliveryApi();
    api.failAlways(fault.hang());
    const forwarder = createForwarder({ url: api.endpoint, concurrency: 1, maxQueuedBytes: 200 });
    const results = Array.from({ length: 5 }, (_, i) => forwarder.submit(job(`n-${i}`)));
    // One is sent at once; each waiting one takes 95 bytes, so two fit in 200.
    expect(results.map((r) => r.queued)).toEqual([true, true, true, false, false]);
    expect(forwarder.stats()).toMatchObject({ queued: 2, inFlight: 1, droppedByReason: { "queue-full": 2 } });
    await forwarder.close(50);
    expect(forwarder.stats()).toMatchObject({ forwarded: 0, dropped: 5, droppedByReason: { "queue-full": 2, shutdown: 3 }, queued: 0 });
  });

  it("sends what is queued before it closes", async () => {
    const api = await deliveryApi();
    const forwarder = createForwarder({ url: api.endpoint, concurrency: 1 });
    for (let i = 0; i < 5; i++) forwarder.submit(job(`n-${i}`));
    await forwarder.close(5000);
    expect(forwarder.stats()).toMatchObject({ forwarded: 5, dropped: 0 });
    expect(api.notifications.map((n) => n.id)).toEqual(["n-0", "n-1", "n-2", "n-3", "n-4"]);
  });

  it("without a URL drops every notification with reason no-notify-url", () => {
    const forwarder = createForwarder({ url: undefined });
    expect(forwarder.submit(job("n-1"))).toMatchObject({ queued: false, reason: "no-notify-url" });
    expect(forwarder.stats()).toEqual({ target: null, forwarded: 0, dropped: 1, droppedByReason: { "no-notify-url": 1 }, queued: 0, inFlight: 0 });
  });
});
