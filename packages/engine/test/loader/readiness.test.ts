import { describe, expect, it } from "vitest";
import { fault } from "@decisioning/testing/servers";
import { ConfigError, ErrorCode, type DecisioningConfig, type FetchApi } from "../../src/index.js";
import { countingFetch, flagArtifact, flagRequest, flagValue, loaderRig, sleep, trackedTimers } from "../kit/index.js";

const { serve, begin } = loaderRig({ pollingInterval: 0 });

describe("readiness", () => {
  it("retries the first download with backoff and becomes ready when the CDN recovers", async () => {
    const server = await serve();
    server.fail(fault.status(500));
    server.fail(fault.drop());
    server.fail(fault.status(503));
    const { promise, events } = begin(server);
    const engine = await promise;
    expect(flagValue(await engine.getOffers(flagRequest()))).toBe("v1");
    expect(server.requestsTo().map((r) => r.outcome)).toEqual([500, "dropped", 503, 200]);
    expect(events.events.map((e) => e.name)).toEqual([
      "artifactDownloadFailed",
      "artifactDownloadFailed",
      "artifactDownloadFailed",
      "artifactDownloadSucceeded",
      "geoLocationUpdated",
    ]);
  });

  it("honours maximumWaitReady: rejects on time with TIMEOUT and the last failure, then stops retrying", async () => {
    const server = await serve();
    server.failAlways(fault.status(500));
    const timers = trackedTimers();
    const { fetchApi, count } = countingFetch();
    const started = Date.now();
    const { promise, events } = begin(server, { maximumWaitReady: 150, platform: timers, fetchApi });
    const error = await promise.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(Date.now() - started).toBeLessThan(1000);
    expect(error).toMatchObject({ name: "ArtifactError", code: ErrorCode.Timeout, message: expect.stringMatching(/maximumWaitReady \(150 ms\).*HTTP 500/) });
    expect((error as Error).cause).toMatchObject({ code: ErrorCode.ArtifactFetchFailed });
    expect(events.named("artifactDownloadFailed").length).toBeGreaterThan(1);
    // Counted at the client: a request sent just before the deadline may reach the server after it.
    const seen = count();
    await sleep(120);
    expect(count()).toBe(seen);
    expect(timers.live()).toBe(0);
    await server.waitForNoActiveRequests();
  });

  it("honours maximumWaitReady against a CDN that never answers, and aborts the request", async () => {
    const server = await serve();
    server.failAlways(fault.hang());
    const started = Date.now();
    const { promise, events } = begin(server, { maximumWaitReady: 150, artifactRequestTimeout: 10000 });
    await expect(promise).rejects.toMatchObject({ code: ErrorCode.Timeout });
    expect(Date.now() - started).toBeLessThan(1000);
    await server.waitForNoActiveRequests();
    // Our own abort at the deadline is not a download failure.
    expect(events.named("artifactDownloadFailed")).toHaveLength(0);
  });

  it("gives up after the retry budget with ARTIFACT_NOT_AVAILABLE, the last failure as cause", async () => {
    const server = await serve();
    server.failAlways(fault.status(502));
    const { promise, events } = begin(server, {}, { initialRetries: 3 });
    await expect(promise).rejects.toMatchObject({
      code: ErrorCode.ArtifactNotAvailable,
      message: expect.stringMatching(/after 4 attempts: .*HTTP 502/),
      cause: { code: ErrorCode.ArtifactFetchFailed },
    });
    expect(server.requestsTo()).toHaveLength(4);
    expect(events.named("artifactDownloadFailed")).toHaveLength(4);
  });

  it("explains an unsupported artifact version at start with a typed cause", async () => {
    const server = await serve(flagArtifact("v2", { version: "2.1.0" }));
    const { promise } = begin(server, {}, { initialRetries: 1 });
    await expect(promise).rejects.toMatchObject({
      code: ErrorCode.ArtifactNotAvailable,
      cause: { code: ErrorCode.ArtifactVersionUnsupported, message: expect.stringMatching(/2\.1\.0.*not supported/) },
    });
  });

  it("rejects an invalid artifactPayload at once, without fetching", async () => {
    const server = await serve();
    const { promise } = begin(server, { artifactPayload: { version: "1.0.0" } });
    await expect(promise).rejects.toMatchObject({ code: ErrorCode.ArtifactInvalid, field: "rules" });
    expect(server.requestsTo()).toHaveLength(0);
  });

  it("uses an injected fetch, plain or async", async () => {
    const server = await serve();
    const calls: string[] = [];
    const plain: FetchApi = (url, init) => {
      calls.push(`plain ${url}`);
      return fetch(url, init as RequestInit) as unknown as ReturnType<FetchApi>;
    };
    const asynchronous: FetchApi = async (url, init) => {
      calls.push(`async ${url}`);
      return (await fetch(url, init as RequestInit)) as unknown as Awaited<ReturnType<FetchApi>>;
    };
    for (const fetchApi of [plain, asynchronous]) {
      const engine = await begin(server, { fetchApi }).promise;
      expect(flagValue(await engine.getOffers(flagRequest()))).toBe("v1");
    }
    expect(calls).toEqual([`plain ${server.url()}`, `async ${server.url()}`]);
  });

  it("refuses malformed loader options with a ConfigError naming the field", async () => {
    const server = await serve();
    const bad: Array<[Partial<DecisioningConfig>, string]> = [
      [{ refreshMode: "sometimes" as never }, "refreshMode"],
      [{ snapshotStore: {} as never }, "snapshotStore"],
      [{ artifactSha256: "not-a-digest" }, "artifactSha256"],
      [{ artifactRequestTimeout: -1 }, "artifactRequestTimeout"],
      [{ maxArtifactBytes: Number.NaN }, "maxArtifactBytes"],
      [{ verifyArtifact: "yes" as never }, "verifyArtifact"],
    ];
    for (const [config, field] of bad) {
      const { promise } = begin(server, config);
      await expect(promise).rejects.toBeInstanceOf(ConfigError);
      await expect(promise).rejects.toMatchObject({ field, code: ErrorCode.ConfigInvalid });
    }
    expect(server.requestsTo()).toHaveLength(0);
  });
});
