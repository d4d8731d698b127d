import { readFileSync } from "node:fs";
import { describe, expect, it, vi } from "vitest";
import { MAX_NOTIFICATION_BACKLOG } from "../../src/engine/notify.js";
import { ArtifactError, createDecider, createDecisioningEngine, ErrorCode } from "../../src/index.js";

const artifact = JSON.parse(readFileSync(new URL("../../../../fixtures/artifacts/features.json", import.meta.url), "utf8"));
const request = { id: { tntId: "v-1" }, execute: { mboxes: [{ name: "flags", index: 1 }] } };
const flush = () => new Promise((resolve) => setTimeout(resolve, 5));

describe("createDecisioningEngine", () => {
  it("decides from an artifact payload without fetching", async () => {
    const fetchApi = vi.fn();
    const engine = await createDecisioningEngine({ client: "acme", artifactPayload: artifact, fetchApi });
    const response = await engine.getOffers({ request });
    expect(response.execute?.mboxes?.[0]?.options?.[0]?.content).toEqual({ searchProviderId: 143 });
    expect(fetchApi).not.toHaveBeenCalled();
    expect(engine.isReady()).toBe(true);
    await engine.close();
  });

  it("accepts a fetch written as an async function", async () => {
    const fetchApi = vi.fn(async () => new Response(JSON.stringify(artifact)));
    const engine = await createDecisioningEngine({ client: "acme", artifactLocation: "https://cdn.test/rules.json", fetchApi });
    expect(fetchApi).toHaveBeenCalledWith("https://cdn.test/rules.json", expect.anything());
    expect(engine.getRawArtifact()?.version).toBe("1.0.0");
    await engine.close();
  });

  it("rejects with a typed error for an unsupported artifact version", async () => {
    const promise = createDecisioningEngine({ client: "acme", artifactPayload: { ...artifact, version: "2.0.0" } });
    await expect(promise).rejects.toMatchObject({ code: ErrorCode.ArtifactVersionUnsupported });
  });

  it("rejects after maximumWaitReady when the artifact never arrives", async () => {
    const fetchApi = () => new Promise<never>(() => {});
    const promise = createDecisioningEngine({ client: "acme", artifactLocation: "https://cdn.test/rules.json", fetchApi, maximumWaitReady: 50 });
    await expect(promise).rejects.toBeInstanceOf(ArtifactError);
    await expect(promise).rejects.toMatchObject({ code: ErrorCode.Timeout });
  });

  it("reports a failing notification sender as an event and never to the caller", async () => {
    const events: Array<[string, unknown]> = [];
    const engine = await createDecisioningEngine({
      client: "acme",
      artifactPayload: artifact,
      sendNotificationFunc: () => {
        throw new Error("delivery down");
      },
      eventEmitter: (name, payload) => events.push([name, payload]),
    });
    await expect(engine.getOffers({ request })).resolves.toMatchObject({ status: 200 });
    await engine.close();
    const failure = events.find(([name]) => name === "sendNotificationError");
    expect(failure?.[1]).toMatchObject({ error: expect.objectContaining({ message: "delivery down" }) });
  });

  it("survives a logger and an event handler that throw", async () => {
    const boom = () => {
      throw new Error("broken");
    };
    const engine = await createDecisioningEngine({
      client: "acme",
      artifactPayload: artifact,
      logger: { debug: boom, error: boom, info: boom, warn: boom },
      eventEmitter: boom,
      sendNotificationFunc: () => Promise.reject(new Error("down")),
    });
    await expect(engine.getOffers({ request })).resolves.toMatchObject({ status: 200 });
    await engine.close();
    await flush();
  });

  it("hands notification work to waitUntil so edge runtimes keep it alive", async () => {
    const handed: Promise<unknown>[] = [];
    const sent: unknown[] = [];
    const engine = await createDecisioningEngine({
      client: "acme",
      artifactPayload: artifact,
      waitUntil: (p) => handed.push(p),
      sendNotificationFunc: (payload) => {
        sent.push(payload);
      },
    });
    await engine.getOffers({ request });
    expect(handed).toHaveLength(1);
    await Promise.all(handed);
    expect(sent).toHaveLength(1);
    await engine.close();
  });

  it("calls the sender after the caller has its response by default, and before getOffers returns when immediate", async () => {
    for (const [notificationHandoff, expected] of [
      [undefined, 0],
      ["immediate", 1],
    ] as const) {
      const sent: unknown[] = [];
      const engine = await createDecisioningEngine({
        client: "acme",
        artifactPayload: artifact,
        notificationHandoff,
        sendNotificationFunc: (payload) => void sent.push(payload),
      });
      const answer = engine.getOffers({ request });
      expect(sent).toHaveLength(expected);
      await answer;
      await flush();
      expect(sent).toHaveLength(1);
      await engine.close();
    }
  });

  it("hands a backlog over without waiting for the next tick while the event loop stays busy, each payload once", async () => {
    const sent = new Set<unknown>();
    let calls = 0;
    const engine = await createDecisioningEngine({
      client: "acme",
      artifactPayload: artifact,
      sendNotificationFunc: (payload) => {
        calls += 1;
        sent.add(payload.request.notifications?.[0]?.id);
      },
    });
    let timerRan = false;
    setTimeout(() => (timerRan = true), 0);
    // Awaiting each answer runs microtasks only: no timer can fire until the loop ends.
    for (let i = 0; i < 5000; i++) await engine.getOffers({ request: { ...request, id: { tntId: `v-${i}` } } });
    expect(timerRan).toBe(false);
    expect(calls).toBeGreaterThanOrEqual(5000 - MAX_NOTIFICATION_BACKLOG);
    await engine.close();
    expect(calls).toBe(5000);
    expect(sent.size).toBe(5000);
  });

  it("with an immediate hand-off, reports a sender that throws or rejects, and close() waits for its promise", async () => {
    const events: string[] = [];
    let release: () => void = () => {};
    let settled = false;
    const senders = [
      () => {
        throw new Error("sync failure");
      },
      () => Promise.reject(new Error("async failure")),
      () =>
        new Promise<void>((resolve) => {
          release = () => {
            settled = true;
            resolve();
          };
        }),
    ];
    let call = 0;
    const engine = await createDecisioningEngine({
      client: "acme",
      artifactPayload: artifact,
      notificationHandoff: "immediate",
      sendNotificationFunc: () => (senders[call++] as () => unknown)(),
      eventEmitter: (name, payload) => {
        if (name === "sendNotificationError") events.push(String((payload as { error: Error }).error.message));
      },
    });
    for (let i = 0; i < 3; i++) await expect(engine.getOffers({ request })).resolves.toMatchObject({ status: 200 });
    await flush();
    expect(events).toEqual(["sync failure", "async failure"]);
    const closing = engine.close();
    setTimeout(() => release(), 20);
    await closing;
    expect(settled).toBe(true);
  });

  it("refuses an unknown notificationHandoff with a typed error naming the field", async () => {
    await expect(createDecisioningEngine({ client: "acme", artifactPayload: artifact, notificationHandoff: "later" as never })).rejects.toMatchObject({
      field: "notificationHandoff",
    });
  });

  it("decides synchronously with getOffersSync, exactly as getOffers does, and sends the same notification", async () => {
    let ids = 0;
    const sent: unknown[] = [];
    const engine = await createDecisioningEngine({
      client: "acme",
      artifactPayload: artifact,
      notificationHandoff: "immediate",
      sendNotificationFunc: (payload) => void sent.push(payload),
      platform: { now: () => 1_700_000_000_000, uuid: () => `id-${++ids}` },
    });
    const sync = engine.getOffersSync({ request: { ...request, requestId: "r-1" } });
    ids = 0;
    const viaPromise = await engine.getOffers({ request: { ...request, requestId: "r-1" } });
    expect(sync).toEqual(viaPromise);
    expect(sync?.execute?.mboxes?.[0]?.options?.[0]?.content).toEqual({ searchProviderId: 143 });
    expect(sent).toHaveLength(2);
    expect((sent[0] as { request: { notifications: unknown } }).request.notifications).toEqual(
      (sent[1] as { request: { notifications: unknown } }).request.notifications,
    );
    await engine.close();
  });

  it("throws from getOffersSync the typed error getOffers rejects with", async () => {
    const engine = await createDecisioningEngine({ client: "acme", artifactPayload: artifact });
    expect(() => engine.getOffersSync({ request: { ...request, context: { address: "not an object" } } as never })).toThrow(
      expect.objectContaining({ field: "request.context.address" }),
    );
    await expect(engine.getOffers({ request: { ...request, context: { address: "not an object" } } as never })).rejects.toMatchObject({
      field: "request.context.address",
    });
    await engine.close();
  });

  it("tells which requested names need the Delivery API", async () => {
    const engine = await createDecisioningEngine({ client: "acme", artifactPayload: artifact });
    expect(engine.hasRemoteDependency({ execute: { mboxes: [{ name: "remote-box" }, { name: "flags" }] } })).toEqual({
      remoteNeeded: true,
      remoteMboxes: ["remote-box"],
      remoteViews: [],
    });
    await engine.close();
  });
});

describe("createDecider", () => {
  it("decides synchronously and returns the notification payload instead of sending it", () => {
    const decider = createDecider({ client: "acme", artifact, telemetryEnabled: false });
    const result = decider.decide({ request });
    expect(result.response.status).toBe(200);
    expect(result.notification?.request.notifications?.[0]).toMatchObject({ type: "display", mbox: { name: "flags" } });
    expect(result.notification?.request.telemetry).toBeUndefined();
  });

  it("throws a typed error for an unusable artifact", () => {
    expect(() => createDecider({ client: "acme", artifact: { version: "1.0.0" } })).toThrow(ArtifactError);
  });
});
