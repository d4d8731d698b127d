import { describe, expect, it } from "vitest";
import { createDecisioningEngine, ErrorCode } from "../../src/index.js";
import { fault } from "@decisioning/testing/servers";
import { flagArtifact, flagRequest, flagValue, loaderRig, recordEvents, trackedTimers, until } from "../kit/index.js";

const { serve, begin, startEngine, track } = loaderRig({ pollingInterval: 0 });

/** The settled value of a promise expected to reject. */
const rejection = (promise: Promise<unknown>): Promise<unknown> =>
  promise.then(
    () => undefined,
    (error: unknown) => error,
  );

describe("an artifact body that no retry can fix (real CDN)", () => {
  it("rejects the start once the same invalid JSON comes back, with the default retries, in about a second instead of a minute", async () => {
    const server = await serve();
    server.failAlways(fault.body('{"version": "1.0.0", "rules": {"mboxes": '));
    const events = recordEvents();
    const started = Date.now();
    // The default loader (first retry after 1 to 3 s, ten retries); random() = 0 takes 1 s.
    const promise = createDecisioningEngine({
      client: "acme",
      artifactLocation: server.url(),
      pollingInterval: 0,
      platform: { random: () => 0 },
      eventEmitter: events.emitter,
    });
    void promise.then(
      (engine) => track(() => engine.close()),
      () => {},
    );
    const error = await rejection(promise);
    expect(Date.now() - started).toBeLessThan(2500);
    expect(server.requestsTo()).toHaveLength(2);
    expect(error).toMatchObject({
      name: "ArtifactError",
      code: ErrorCode.ArtifactNotAvailable,
      message: expect.stringMatching(/served the artifact it refused before again \(the same \d+ bytes\), which no retry can fix: .*not valid JSON/),
      cause: { code: ErrorCode.ArtifactInvalid },
    });
    expect(events.named("artifactDownloadFailed")).toHaveLength(2);
  });

  it("rejects the start once a version 2 artifact comes back with the same ETag, naming the version", async () => {
    const server = await serve(flagArtifact("v2", { version: "2.0.0" }));
    const { promise } = begin(server);
    const error = await rejection(promise);
    expect(server.requestsTo()).toHaveLength(2);
    expect(error).toMatchObject({
      code: ErrorCode.ArtifactNotAvailable,
      message: expect.stringMatching(/again \(ETag "[0-9a-f]+"\).*2\.0\.0/),
      cause: { code: ErrorCode.ArtifactVersionUnsupported },
    });
  });

  it("keeps retrying with backoff when each refused body differs: the CDN may be mid-deploy", async () => {
    const server = await serve();
    server.fail(fault.body("{"));
    server.fail(fault.body("{}"));
    server.fail(fault.body('{"version": "1.0.0", "rules": {"mboxes": '));
    const engine = await begin(server).promise;
    expect(flagValue(await engine.getOffers(flagRequest()))).toBe("v1");
    expect(server.requestsTo()).toHaveLength(4);
  });

  it("keeps retrying faults a retry can fix, a body truncated the same way included", async () => {
    const server = await serve();
    server.fail(fault.truncate());
    server.fail(fault.status(503));
    server.fail(fault.truncate(), 2);
    const engine = await begin(server, { artifactRequestTimeout: 2000 }).promise;
    expect(flagValue(await engine.getOffers(flagRequest()))).toBe("v1");
    expect(server.requestsTo().map((request) => request.outcome)).toEqual(["truncated", 503, "truncated", "truncated", 200]);
  });

  it("keeps retrying the same body while verifyArtifact throws, as its own I/O may recover", async () => {
    const server = await serve();
    let calls = 0;
    const verifyArtifact = (): boolean => {
      calls += 1;
      if (calls < 3) throw new Error("signature service unreachable");
      return true;
    };
    const engine = await begin(server, { verifyArtifact }).promise;
    expect(flagValue(await engine.getOffers(flagRequest()))).toBe("v1");
    expect(server.requestsTo()).toHaveLength(3);
  });

  it("stops at once when verifyArtifact refuses the same body twice", async () => {
    const server = await serve();
    const error = await rejection(begin(server, { verifyArtifact: () => false }).promise);
    expect(server.requestsTo()).toHaveLength(2);
    expect(error).toMatchObject({ code: ErrorCode.ArtifactNotAvailable, cause: { code: ErrorCode.ArtifactIntegrity } });
  });

  it("does not spin on refresh: the body refused again is asked for once per polling interval, and a fixed one is taken", async () => {
    const server = await serve();
    const timers = trackedTimers();
    const { engine, events, logs } = await startEngine(
      server,
      { pollingInterval: 200, platform: { ...timers, random: () => 1 } },
      { refreshBackoff: { initialMs: 5, maxMs: 10000 } },
    );
    const base = timers.delays.length;
    server.setRoute("/rules.json", { body: flagArtifact("v9", { version: "2.0.0" }) });
    await events.waitFor("artifactDownloadFailed", 3);
    // Still deciding with the artifact it has.
    expect(flagValue(await engine.getOffers(flagRequest()))).toBe("v1");
    server.setRoute("/rules.json", { body: flagArtifact("v3") });
    await events.waitFor("artifactDownloadSucceeded", 2);
    expect(flagValue(await engine.getOffers(flagRequest()))).toBe("v3");
    await until(() => timers.delays.slice(base).filter((ms) => ms !== 2000).length >= 5, 5000, "the schedule after recovery");
    // Request timeouts (2000 ms) are interleaved with the schedule; keep the scheduling delays.
    const schedule = timers.delays.slice(base).filter((ms) => ms !== 2000);
    // The first refusal backs off (5 * 3 = 15 ms with random() = 1); the same body again waits the
    // whole interval each time (where backoff would try again after 45 and 135 ms); then polls go on.
    expect(schedule.slice(0, 5)).toEqual([15, 200, 200, 200, 200]);
    expect(logs.text("error")).toMatch(
      /served the artifact it refused last time again \(ETag "[0-9a-f]+"\), which no retry can fix; still deciding with artifact 1\.0\.0, next try in 200 ms/,
    );
  });
});
