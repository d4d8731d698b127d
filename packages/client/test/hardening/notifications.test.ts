/**
 * Notifications under pressure, against the fake Delivery API over real HTTP: whether the edge
 * is down for a while, always down, or slow, every display notification of an on-device
 * decision is delivered or reported (a `sendNotificationError` event with a reason), exactly
 * once, and `close()` flushes within its bound.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ServerVisitor, type NotificationQueueOptions, type TargetClientOptions, type TargetEvent } from "@decisioning/client";
import { fault, startFakeDeliveryApi, type FakeDeliveryApi, type Fault, type RecordedRequest } from "@decisioning/testing/servers";
import { demoArtifact, localServer, mboxCookie, readyClient, recordingLogger, type ClientUnderTest } from "../kit/clients.js";

let target: FakeDeliveryApi;
beforeEach(async () => {
  target = await startFakeDeliveryApi();
});
afterEach(async () => {
  await target.close();
});

/** Delivery API behaviour by phase, recording the notifications it accepted. */
class Edge {
  /** Notification ids answered with a 200, with how often each came. */
  readonly delivered = new Map<string, number>();
  mode: "up" | "down" | "slow" | "hang" = "up";
  slowMs = 100;
  active = 0;
  peak = 0;

  constructor(server: FakeDeliveryApi) {
    server.failAlways((request) => this.answer(request));
  }

  private async answer(request: RecordedRequest): Promise<Fault | undefined> {
    const notifications = ((request.json as { notifications?: unknown } | undefined)?.notifications ?? []) as Array<{ id: string }>;
    if (notifications.length === 0) return undefined;
    if (this.mode === "down") return fault.status(503, { status: 503, message: "edge down" });
    if (this.mode === "hang") return fault.hang();
    this.active += 1;
    this.peak = Math.max(this.peak, this.active);
    if (this.mode === "slow") await new Promise((resolve) => setTimeout(resolve, this.slowMs));
    this.active -= 1;
    for (const { id } of notifications) this.delivered.set(id, (this.delivered.get(id) ?? 0) + 1);
    return undefined;
  }

  /** Every delivered notification id came exactly once. */
  deliveredOnce(): number {
    for (const [id, count] of this.delivered) expect(count, `notification ${id} delivered ${count} times`).toBe(1);
    return this.delivered.size;
  }
}

const FAST_RETRIES: NotificationQueueOptions = { backoffInitialMs: 20, backoffMaxMs: 200 };

async function onDeviceClient(queue: NotificationQueueOptions, extra: Partial<TargetClientOptions> = {}): Promise<ClientUnderTest> {
  return readyClient({
    ...localServer(target),
    decisioningMethod: "on-device",
    artifactPayload: demoArtifact(),
    deliveryRetries: 0,
    timeout: 2000,
    notificationQueue: queue,
    ...extra,
  });
}

/** `count` decisions, each for its own visitor, each owing one display notification. */
async function decide(client: ClientUnderTest["client"], count: number, from = 0): Promise<void> {
  await Promise.all(
    Array.from({ length: count }, (_, i) =>
      client.getOffers({ request: { id: { tntId: `visitor-${from + i}` }, execute: { mboxes: [{ name: "demo-checkout-experiment", index: 1 }] } } }),
    ),
  );
}

/** Display notifications in the payloads reported as dropped. */
function reported(events: TargetEvent[]): Array<{ id: string; reason: unknown }> {
  return events
    .filter((event) => event.type === "sendNotificationError")
    .flatMap((event) => {
      const payload = event.notification as { request: { notifications?: Array<{ id: string }> } };
      return (payload.request.notifications ?? []).map(({ id }) => ({ id, reason: event.reason }));
    });
}

async function eventually(check: () => boolean, timeoutMs = 10000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe("notifications under pressure", () => {
  it("delivers every notification exactly once when the Delivery API is down for a while, then up", async () => {
    const edge = new Edge(target);
    edge.mode = "down";
    const { client, events } = await onDeviceClient(FAST_RETRIES);
    await decide(client, 60);
    await eventually(() => client.getNotificationStats().failedAttempts >= 60);
    edge.mode = "up";
    await client.close();
    expect(edge.deliveredOnce()).toBe(60);
    expect(reported(events)).toEqual([]);
    expect(client.getNotificationStats()).toMatchObject({ enqueued: 60, sent: 60, dropped: 0, queued: 0, inFlight: 0 });
  });

  it("reports every notification once, with its reason, when the Delivery API stays down, probing it one request at a time", async () => {
    const edge = new Edge(target);
    edge.mode = "down";
    const { client, events } = await onDeviceClient({ ...FAST_RETRIES, maxAttempts: 3, maxAgeMs: 1500 });
    await decide(client, 40);
    await eventually(() => client.getNotificationStats().dropped === 40);
    await client.close();
    const drops = reported(events);
    expect(new Set(drops.map((d) => d.id)).size).toBe(40);
    expect(drops.every((d) => d.reason === "retries-exhausted" || d.reason === "expired")).toBe(true);
    expect(edge.deliveredOnce()).toBe(0);
    const stats = client.getNotificationStats();
    expect(stats).toMatchObject({ enqueued: 40, sent: 0, dropped: 40 });
    // One round of 40 that found the edge down, then probes, not 40 payloads times 3 attempts.
    expect(stats.failedAttempts).toBeLessThan(40 + 25);
  });

  it("sends one request per queued attempt, with the client's default delivery retries: the queue's retries are not multiplied", async () => {
    const edge = new Edge(target);
    edge.mode = "down";
    const { client } = await onDeviceClient({ ...FAST_RETRIES, maxAttempts: 2 }, { deliveryRetries: 2 });
    await decide(client, 1);
    await eventually(() => client.getNotificationStats().dropped === 1);
    await client.close();
    const sent = target.calls.filter((call) => Array.isArray(call.request.notifications));
    expect(sent).toHaveLength(2);
    expect(client.getNotificationStats()).toMatchObject({ requests: 2, failedAttempts: 2, dropped: 1 });
  });

  it("reports every notification once when nothing listens at the Delivery API's address", async () => {
    const closed = await startFakeDeliveryApi();
    await closed.close();
    const { client, events } = await onDeviceClient({ ...FAST_RETRIES, maxAttempts: 2 }, { serverDomain: closed.host, targetLocationHint: undefined });
    await decide(client, 25);
    await client.close();
    expect(reported(events)).toHaveLength(25);
    expect(client.getNotificationStats()).toMatchObject({ enqueued: 25, sent: 0, dropped: 25 });
  });

  it("keeps at most maxConcurrent requests at a slow Delivery API and delivers everything", async () => {
    const edge = new Edge(target);
    edge.mode = "slow";
    edge.slowMs = 50;
    const { client, events } = await onDeviceClient({ maxConcurrent: 4 });
    await decide(client, 40);
    await client.close();
    expect(edge.deliveredOnce()).toBe(40);
    expect(edge.peak).toBeLessThanOrEqual(4);
    expect(edge.peak).toBeGreaterThan(1);
    expect(reported(events)).toEqual([]);
  });

  it("turns notifications away beyond maxQueued during an outage, and reports each", async () => {
    const edge = new Edge(target);
    edge.mode = "down";
    const { client, events } = await onDeviceClient({ maxQueued: 10, maxConcurrent: 2, backoffInitialMs: 50, backoffMaxMs: 100 });
    await decide(client, 50);
    await eventually(() => client.getNotificationStats().droppedBy["queue-full"] >= 38);
    edge.mode = "up";
    await client.close();
    const stats = client.getNotificationStats();
    const drops = reported(events);
    expect(stats.enqueued).toBe(50);
    expect(stats.sent + stats.dropped).toBe(50);
    expect(drops).toHaveLength(stats.dropped);
    expect(edge.deliveredOnce()).toBe(stats.sent);
    expect(new Set([...edge.delivered.keys(), ...drops.map((d) => d.id)]).size).toBe(50);
    expect(stats.droppedBy["queue-full"]).toBeGreaterThanOrEqual(38);
  });

  it("tells the logger of each drop when no callback listens, and only counts drops when neither does", async () => {
    const edge = new Edge(target);
    edge.mode = "down";
    const logger = recordingLogger();
    const overflow = { maxQueued: 5, maxConcurrent: 1, backoffInitialMs: 50, backoffMaxMs: 100 };
    const logged = await onDeviceClient(overflow, { logger: { error: logger.error }, events: { sendNotificationError: undefined } });
    const silent = await onDeviceClient(overflow, { events: { sendNotificationError: undefined } });
    await decide(logged.client, 20);
    await decide(silent.client, 20);
    await eventually(
      () => logged.client.getNotificationStats().droppedBy["queue-full"] >= 10 && silent.client.getNotificationStats().droppedBy["queue-full"] >= 10,
    );
    const drops = logger.lines.map((line) => line.args).filter((args) => String(args[1]).startsWith("notification dropped (queue-full)"));
    expect(drops).toHaveLength(logged.client.getNotificationStats().droppedBy["queue-full"]);
    expect(drops[0]?.[2]).toMatchObject({ name: "NotificationDroppedError", reason: "queue-full" });
    expect(silent.events.filter((event) => event.type === "sendNotificationError")).toEqual([]);
    edge.mode = "up";
    await Promise.all([logged.client.close(), silent.client.close()]);
    for (const { client } of [logged, silent]) {
      const stats = client.getNotificationStats();
      expect(stats.sent + stats.dropped).toBe(20);
    }
  });

  it("sends the request as decided even when the caller changes its request objects afterwards", async () => {
    const { client } = await onDeviceClient({});
    const request = {
      id: { tntId: "visitor-mutated" },
      context: { channel: "web" as const, address: { url: "https://www.acme.com/as-decided" } },
      execute: { mboxes: [{ name: "demo-checkout-experiment", index: 1 }] },
    };
    await client.getOffers({ request });
    request.context.address.url = "https://www.acme.com/changed-later";
    request.id.tntId = "someone-else";
    await client.close();
    const sent = target.calls.find((call) => Array.isArray(call.request.notifications));
    expect(sent?.request.context).toMatchObject({ address: { url: "https://www.acme.com/as-decided" } });
    expect(sent?.request.id).toMatchObject({ tntId: "visitor-mutated" });
  });

  it("sends a getAttributes decision as decided when the caller changes its objects or the handed-out response afterwards", async () => {
    const { client } = await onDeviceClient({});
    const customerIds = [{ id: "customer-1", integrationCode: "crm", authenticatedState: "authenticated" as const }];
    const request = {
      id: { tntId: "visitor-attributes", customerIds },
      context: { channel: "web" as const, address: { url: "https://www.acme.com/as-decided" }, browser: { host: "www.acme.com" } },
    };
    const attributes = await client.getAttributes(["demo-checkout-experiment"], { request });
    request.context.address.url = "https://www.acme.com/changed-later";
    request.context.browser.host = "changed.example";
    customerIds[0]!.id = "customer-changed";
    const handedOut = attributes.getResponse().request as {
      context: { address: { url: string } };
      id: { tntId: string };
      experienceCloud: { analytics: { supplementalDataId: string } };
    };
    const sdid = handedOut.experienceCloud.analytics.supplementalDataId;
    handedOut.context.address.url = "https://www.acme.com/changed-in-response";
    handedOut.id.tntId = "someone-else";
    handedOut.experienceCloud.analytics.supplementalDataId = "changed-in-response";
    await client.close();
    const sent = target.calls.find((call) => Array.isArray(call.request.notifications) && call.request.id?.tntId === "visitor-attributes");
    expect(sent?.request.context).toMatchObject({ address: { url: "https://www.acme.com/as-decided" }, browser: { host: "www.acme.com" } });
    expect(sent?.request.id).toMatchObject({ tntId: "visitor-attributes", customerIds: [{ id: "customer-1" }] });
    expect(sent?.request.experienceCloud).toMatchObject({ analytics: { supplementalDataId: sdid } });
  });

  it("close() flushes within closeTimeoutMs plus one request timeout when the Delivery API never answers, and reports the rest", async () => {
    const edge = new Edge(target);
    edge.mode = "hang";
    const { client, events } = await onDeviceClient({ maxConcurrent: 5, closeTimeoutMs: 300 }, { timeout: 400 });
    await decide(client, 20);
    const started = Date.now();
    await client.close();
    expect(Date.now() - started).toBeLessThan(300 + 400 + 500);
    const stats = client.getNotificationStats();
    expect(stats).toMatchObject({ enqueued: 20, sent: 0, dropped: 20, queued: 0, inFlight: 0 });
    expect(reported(events)).toHaveLength(20);
    expect(new Set(reported(events).map((d) => d.reason))).toEqual(new Set(["closed"]));
  });

  it("merges the notifications of one visitor's burst of decisions into one Delivery API request", async () => {
    const edge = new Edge(target);
    const { client } = await onDeviceClient({});
    const visitor = new ServerVisitor("1234567890@AdobeOrg", undefined);
    const targetCookie = mboxCookie({ session: "session-1", PC: "visitor-1" });
    const before = target.calls.length;
    await Promise.all(
      ["demo-checkout-experiment", "demo-hero-banner", "demo-engineering-flags"].map((name) =>
        client.getOffers({ visitor, targetCookie, consumerId: name, request: { execute: { mboxes: [{ name, index: 1 }] } } }),
      ),
    );
    await client.close();
    const requests = target.calls.slice(before);
    expect(requests).toHaveLength(1);
    expect((requests[0]?.request.notifications as unknown[]).length).toBe(3);
    expect(edge.deliveredOnce()).toBe(3);
    expect(client.getNotificationStats()).toMatchObject({ enqueued: 3, sent: 3, requests: 1 });
  });

  it("hands the host's waitUntil a promise that covers the sends, not just the hand-off", async () => {
    const edge = new Edge(target);
    edge.mode = "slow";
    edge.slowMs = 150;
    const handedOver: Promise<unknown>[] = [];
    const { client } = await onDeviceClient({}, { engineOptions: { waitUntil: (promise) => void handedOver.push(promise) } });
    await decide(client, 3);
    expect(handedOver.length).toBeGreaterThan(0);
    await Promise.all(handedOver);
    expect(edge.deliveredOnce()).toBe(3);
    await client.close();
  });
});
