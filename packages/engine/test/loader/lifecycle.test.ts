import { describe, expect, it } from "vitest";
import { fault } from "@decisioning/testing/servers";
import { createDecisioningEngine, type NotificationPayload } from "../../src/index.js";
import { countingFetch, flagArtifact, flagRequest, flagValue, loaderRig, sleep, trackedTimers } from "../kit/index.js";

const { serve, startEngine, track } = loaderRig({ pollingInterval: 40 });

const traced = async (engine: Awaited<ReturnType<typeof startEngine>>["engine"]) => {
  const response = await engine.getOffers({ request: { ...flagRequest().request, trace: {} } });
  return response.execute?.mboxes?.[0]?.trace?.artifact as Record<string, unknown>;
};

describe("stopping and closing", () => {
  it("stopPolling stops the requests and the timers, and decisions go on", async () => {
    const server = await serve();
    const timers = trackedTimers();
    const { fetchApi, count } = countingFetch();
    const { engine } = await startEngine(server, { platform: timers, fetchApi });
    await server.waitForRequests(3);
    engine.stopPolling();
    const seen = count();
    await sleep(150);
    expect(count()).toBe(seen);
    expect(timers.live()).toBe(0);
    expect(flagValue(await engine.getOffers(flagRequest()))).toBe("v1");
    expect((await traced(engine)).pollingHalted).toBe(true);
  });

  it("close() aborts a download in flight and leaves no timer and no request behind", async () => {
    const server = await serve();
    const timers = trackedTimers();
    const { fetchApi, count } = countingFetch();
    const { engine, events } = await startEngine(server, { platform: timers, fetchApi });
    server.failAlways(fault.hang());
    await server.waitForRequests(2);
    expect(server.activeRequests()).toBe(1);
    const started = Date.now();
    await engine.close();
    expect(Date.now() - started).toBeLessThan(500);
    expect(timers.live()).toBe(0);
    // The abort reached the server: the hanging request's socket was closed.
    await server.waitForNoActiveRequests();
    expect(events.named("artifactDownloadFailed")).toHaveLength(0);
    const seen = count();
    await sleep(100);
    expect(count()).toBe(seen);
  });

  it("with pollingInterval 0 downloads once and sets no timer", async () => {
    const server = await serve();
    const timers = trackedTimers();
    const { engine } = await startEngine(server, { pollingInterval: 0, platform: timers });
    await sleep(100);
    expect(server.requestsTo()).toHaveLength(1);
    expect(timers.live()).toBe(0);
    expect((await traced(engine)).pollingInterval).toBe(0);
  });
});

describe("polling", () => {
  it("holds the public 300000 ms minimum for users", async () => {
    const server = await serve();
    const timers = trackedTimers();
    const engine = await createDecisioningEngine({ client: "acme", artifactLocation: server.url(), pollingInterval: 1000, platform: timers });
    track(() => engine.close());
    expect(timers.delays).toContain(300000);
    expect((await traced(engine as never)).pollingInterval).toBe(300000);
  });

  it("refreshes an artifactPayload from the artifact location, as the reference does", async () => {
    const server = await serve();
    server.setArtifact(flagArtifact("from-cdn"));
    const { engine, events } = await startEngine(server, { artifactPayload: flagArtifact("from-payload") });
    expect(flagValue(await engine.getOffers(flagRequest()))).toBe("from-payload");
    await events.waitFor("artifactDownloadSucceeded");
    expect(flagValue(await engine.getOffers(flagRequest()))).toBe("from-cdn");
    expect((await traced(engine)).artifactLocation).toBe("Not Applicable");
  });

  it("describes the artifact in traces with the reference's keys", async () => {
    const server = await serve();
    const { engine, events } = await startEngine(server);
    server.setArtifact(flagArtifact("v2"));
    await events.waitFor("artifactDownloadSucceeded", 2);
    const trace = await traced(engine);
    expect(trace).toEqual({
      artifactLocation: server.url(),
      pollingInterval: 40,
      pollingHalted: false,
      artifactVersion: "1.0.0",
      artifactRetrievalCount: 2,
      artifactLastRetrieved: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      clientCode: "acme",
      environment: "production",
    });
  });

  it("describes in each trace the artifact as it is at that decision, across a refresh and a stop", async () => {
    const server = await serve();
    let now = Date.UTC(2024, 0, 1);
    const { engine, events } = await startEngine(server, { platform: { now: () => now } });
    const first = await traced(engine);
    expect(await traced(engine)).toEqual(first);
    now += 60_000;
    server.setArtifact(flagArtifact("v2"));
    await events.waitFor("artifactDownloadSucceeded", 2);
    const second = await traced(engine);
    expect(second.artifactRetrievalCount).toBe(2);
    expect(second.artifactLastRetrieved).toBe(new Date(now).toISOString());
    expect(first.artifactLastRetrieved).toBe(new Date(now - 60_000).toISOString());
    expect(second.pollingHalted).toBe(false);
    engine.stopPolling();
    expect((await traced(engine)).pollingHalted).toBe(true);
  });

  it("adds an ArtifactDownload telemetry entry per download", async () => {
    const server = await serve();
    const sent: NotificationPayload[] = [];
    const { engine } = await startEngine(server, { pollingInterval: 0, sendNotificationFunc: (payload) => void sent.push(payload) });
    await engine.getOffers(flagRequest());
    await engine.close();
    const entries = sent[0]?.request.telemetry?.entries ?? [];
    expect(entries[0]).toMatchObject({
      requestId: "ArtifactDownload",
      execution: expect.any(Number),
      parsing: expect.any(Number),
      timestamp: expect.any(Number),
    });
  });
});

describe("refreshMode: on-request (edge runtimes)", () => {
  it("sets no timer, and refreshes in the background of a decision once the interval has passed", async () => {
    const server = await serve();
    const timers = trackedTimers();
    const handed: Promise<unknown>[] = [];
    const { engine } = await startEngine(server, {
      refreshMode: "on-request",
      pollingInterval: 60,
      platform: timers,
      waitUntil: (task) => void handed.push(task),
      sendNotificationFunc: undefined,
    });
    expect(timers.live()).toBe(0);
    await sleep(120);
    expect(server.requestsTo()).toHaveLength(1);

    server.setArtifact(flagArtifact("v2"));
    // The stale check starts a refresh but never makes the caller wait for it.
    expect(flagValue(await engine.getOffers(flagRequest()))).toBe("v1");
    expect(handed).toHaveLength(1);
    await Promise.all(handed);
    expect(server.requestsTo()).toHaveLength(2);
    expect(flagValue(await engine.getOffers(flagRequest()))).toBe("v2");
    expect(server.requestsTo()).toHaveLength(2);
    expect(timers.live()).toBe(0);
  });

  it("backs off between refresh attempts while the CDN fails", async () => {
    const server = await serve();
    const { engine, events } = await startEngine(
      server,
      { refreshMode: "on-request", pollingInterval: 30, platform: { random: () => 1 } },
      { refreshBackoff: { initialMs: 200, maxMs: 300 } },
    );
    server.failAlways(fault.status(500));
    await sleep(40);
    await engine.getOffers(flagRequest());
    await events.waitFor("artifactDownloadFailed");
    const failedAt = performance.now();
    // Inside the 200 ms backoff window: decisions do not hit the CDN again.
    let decisions = 0;
    while (performance.now() - failedAt < 150) {
      expect(flagValue(await engine.getOffers(flagRequest()))).toBe("v1");
      decisions += 1;
      await sleep(10);
    }
    expect(decisions).toBeGreaterThan(1);
    expect(server.requestsTo()).toHaveLength(2);
    await sleep(Math.max(0, failedAt + 210 - performance.now()));
    await engine.getOffers(flagRequest());
    await events.waitFor("artifactDownloadFailed", 2);
    expect(server.requestsTo()).toHaveLength(3);
  });
});
