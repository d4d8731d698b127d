import { describe, expect, it } from "vitest";
import { createDecisioningEngine, ErrorCode, type DecisioningConfig, type DecisioningEngine } from "../../src/index.js";
import { etagOf, fault, obfuscateArtifact, startFakeCdn, type Fault } from "@decisioning/testing/servers";
import { fastLoader, flagArtifact, flagRequest, flagValue, flagValues, loaderRig, recordLogs, trackedTimers, until } from "../kit/index.js";

const { serve, startEngine, track } = loaderRig();

const decide = async (engine: DecisioningEngine) => flagValue(await engine.getOffers(flagRequest()));

describe("the loader under CDN and network faults (real HTTP server)", () => {
  const cases: Array<{ what: string; fault: Fault; code: string; message?: RegExp; config?: Partial<DecisioningConfig> }> = [
    { what: "HTTP 500", fault: fault.status(500), code: ErrorCode.ArtifactFetchFailed, message: /HTTP 500/ },
    { what: "HTTP 404", fault: fault.status(404), code: ErrorCode.ArtifactFetchFailed, message: /HTTP 404/ },
    {
      what: "a response slower than the request timeout",
      fault: fault.delay(600),
      code: ErrorCode.Timeout,
      message: /timed out after 200 ms/,
      config: { artifactRequestTimeout: 200 },
    },
    {
      what: "a body that stalls past the request timeout",
      fault: fault.stall(600),
      code: ErrorCode.Timeout,
      config: { artifactRequestTimeout: 200 },
    },
    { what: "a dropped connection", fault: fault.drop(), code: ErrorCode.ArtifactFetchFailed },
    { what: "a truncated body", fault: fault.truncate(), code: ErrorCode.ArtifactFetchFailed, message: /not received in full/ },
    { what: "invalid JSON", fault: fault.body('{"version": "1.0.0", "rules": {"mboxes": '), code: ErrorCode.ArtifactInvalid, message: /not valid JSON/ },
    { what: "an empty 200", fault: fault.body(""), code: ErrorCode.ArtifactInvalid },
    {
      what: "a version-2 artifact",
      fault: fault.body(flagArtifact("v2-major", { version: "2.0.0" })),
      code: ErrorCode.ArtifactVersionUnsupported,
      message: /2\.0\.0/,
    },
    {
      what: "an artifact of the wrong shape",
      fault: fault.body({ version: "1.0.0", rules: { mboxes: [] } }),
      code: ErrorCode.ArtifactInvalid,
      message: /rules\.mboxes/,
    },
  ];

  for (const { what, fault: scripted, code, message, config } of cases) {
    it(`keeps deciding with the last good artifact through ${what}, then takes the recovered one`, async () => {
      const server = await serve();
      const { engine, events } = await startEngine(server, config);
      expect(await decide(engine)).toBe("v1");

      server.setArtifact(flagArtifact("v2"));
      server.failAlways(scripted);
      const second = await events.waitFor("artifactDownloadFailed", 2);
      expect(await decide(engine)).toBe("v1");
      expect(engine.getRawArtifact()?.rules.mboxes.flag?.[0]?.consequence.options?.[0]?.content).toEqual({ value: "v1" });
      for (const failed of events.named("artifactDownloadFailed")) {
        expect(failed.artifactLocation).toBe(server.url());
        expect(failed.error).toMatchObject({ code });
        if (message) expect(String((failed.error as Error).message)).toMatch(message);
      }
      expect(second.error).toMatchObject({ name: expect.stringMatching(/ArtifactError/) });
      expect(events.named("artifactDownloadSucceeded")).toHaveLength(1);

      server.recover();
      const recovered = await events.waitFor("artifactDownloadSucceeded", 2);
      expect(recovered).toMatchObject({ artifactLocation: server.url(), artifactPayload: { version: "1.0.0" } });
      expect(await decide(engine)).toBe("v2");
    });
  }

  it("fires artifactDownloadSucceeded with the artifact and geoLocationUpdated from the x-geo headers", async () => {
    const artifact = flagArtifact("v1");
    const server = await startFakeCdn({
      artifact,
      path: "/rules.json",
      headers: { "x-geo-country-code": "CH", "x-geo-region-code": "ZH", "x-geo-city": "ZURICH", "x-geo-latitude": "47.37", "x-geo-longitude": "8.54" },
    });
    track(() => server.close());
    const { engine, events } = await startEngine(server, { pollingInterval: 0 });
    expect(events.events.map((e) => e.name)).toEqual(["artifactDownloadSucceeded", "geoLocationUpdated"]);
    expect(events.named("artifactDownloadSucceeded")[0]).toEqual({ artifactLocation: server.url(), artifactPayload: artifact });
    expect(events.named("geoLocationUpdated")[0]).toEqual({
      geoContext: { countryCode: "CH", stateCode: "ZH", city: "ZURICH", latitude: 47.37, longitude: 8.54 },
    });
    expect(engine.isReady()).toBe(true);
  });

  it("answers 304 to If-None-Match and keeps the cached artifact without new events", async () => {
    const artifact = flagArtifact("v1");
    const server = await serve(artifact);
    const { engine, events } = await startEngine(server);
    const requests = await server.waitForRequests(3);
    expect(requests[0]?.headers["if-none-match"]).toBeUndefined();
    expect(requests[1]?.headers["if-none-match"]).toBe(etagOf(artifact));
    expect(requests[1]?.outcome).toBe(304);
    expect(requests[2]?.outcome).toBe(304);
    expect(await decide(engine)).toBe("v1");
    expect(events.named("artifactDownloadSucceeded")).toHaveLength(1);
    expect(events.named("artifactDownloadFailed")).toHaveLength(0);
    expect(engine.getRawArtifact()).toEqual(artifact);
  });

  it("treats a 304 with no cached artifact as a failure and retries without If-None-Match", async () => {
    const server = await serve();
    server.fail(fault.status(304));
    const { engine, events } = await startEngine(server, { pollingInterval: 0 });
    expect(await decide(engine)).toBe("v1");
    const [first, second] = server.requestsTo();
    expect(first?.outcome).toBe(304);
    expect(second?.headers["if-none-match"]).toBeUndefined();
    expect(second?.outcome).toBe(200);
    expect(events.named("artifactDownloadFailed")[0]?.error).toMatchObject({ code: ErrorCode.ArtifactFetchFailed, message: expect.stringMatching(/304/) });
  });

  it("follows an ETag change: downloads the new artifact and asks with the new ETag afterwards", async () => {
    const v1 = flagArtifact("v1");
    const v2 = flagArtifact("v2");
    const server = await serve(v1);
    const { engine, events } = await startEngine(server);
    await server.waitForRequests(2);
    server.setArtifact(v2);
    await events.waitFor("artifactDownloadSucceeded", 2);
    expect(await decide(engine)).toBe("v2");
    const count = server.requestsTo().length;
    const after = (await server.waitForRequests(count + 1)).slice(count);
    expect(after[0]?.headers["if-none-match"]).toBe(etagOf(v2));
    expect(after[0]?.outcome).toBe(304);
    const changed = server.requestsTo().find((r) => r.outcome === 200 && r.headers["if-none-match"] === etagOf(v1));
    expect(changed).toBeDefined();
  });

  it("downloads rules.bin and refuses a rules.bin obfuscated for another organization", async () => {
    const org = "AAAABBBBCCCCDDDDEEEEFFFF@AdobeOrg";
    const server = await startFakeCdn({ artifact: obfuscateArtifact(flagArtifact("v1"), org), path: "/rules.bin" });
    track(() => server.close());
    const { engine, events } = await startEngine(server, { artifactLocation: server.url("/rules.bin"), organizationId: org });
    expect(await decide(engine)).toBe("v1");

    server.setArtifact(obfuscateArtifact(flagArtifact("v2"), "0000000000000000000000AA@AdobeOrg"));
    const failed = await events.waitFor("artifactDownloadFailed");
    expect(failed.error).toMatchObject({ code: ErrorCode.ArtifactInvalid, message: expect.stringMatching(/wrong organizationId/) });
    expect(await decide(engine)).toBe("v1");

    server.setArtifact(obfuscateArtifact(flagArtifact("v3"), org));
    await events.waitFor("artifactDownloadSucceeded", 2);
    expect(await decide(engine)).toBe("v3");
  });

  it("refuses a body over maxArtifactBytes, declared or streamed, and keeps the artifact", async () => {
    const small = flagArtifact("v1");
    const big = flagArtifact("x".repeat(5000));
    const server = await serve(small);
    const { engine, events } = await startEngine(server, { maxArtifactBytes: 3000 });
    server.setArtifact(big);
    const declared = await events.waitFor("artifactDownloadFailed");
    server.setRoute("/rules.json", { body: big, chunked: true });
    const streamed = await events.waitFor("artifactDownloadFailed", 2);
    for (const failed of [declared, streamed]) expect(failed.error).toMatchObject({ code: ErrorCode.ArtifactTooLarge });
    expect(await decide(engine)).toBe("v1");
  });

  it("lets a decision in flight finish with the artifact it started with while a new one is swapped in", async () => {
    const mboxes = ["a", "b", "c"];
    const server = await serve(flagArtifact("v1", { mboxes, geoTargetingEnabled: true }));
    server.setRoute("/geo", { body: { "x-geo-city": "BASEL" } });
    server.failAlways(fault.delay(300), "/geo");
    const { engine, events } = await startEngine(server, { geoLookupUrl: server.url("/geo") });
    const request = flagRequest(mboxes, { context: { channel: "web", geo: { ipAddress: "8.8.8.8" } } });

    const inFlight = engine.getOffers(request);
    await server.waitForRequests(1, "/geo");
    server.setArtifact(flagArtifact("v2", { mboxes, geoTargetingEnabled: true }));
    await events.waitFor("artifactDownloadSucceeded", 2);
    expect(flagValues(await inFlight)).toEqual(["v1", "v1", "v1"]);
    expect(flagValues(await engine.getOffers(request))).toEqual(["v2", "v2", "v2"]);
  });

  it("answers undefined from getOffersSync when only an IP address needs a geo lookup, and getOffers looks it up", async () => {
    const mboxes = ["a"];
    const server = await serve(flagArtifact("v1", { mboxes, geoTargetingEnabled: true }));
    server.setRoute("/geo", { body: { "x-geo-city": "BASEL" } });
    const { engine } = await startEngine(server, { geoLookupUrl: server.url("/geo") });
    const request = flagRequest(mboxes, { context: { channel: "web", geo: { ipAddress: "8.8.8.8" } } });

    expect(engine.getOffersSync(request)).toBeUndefined();
    expect(server.requestsTo("/geo")).toHaveLength(0);
    expect(flagValues(await engine.getOffers(request))).toEqual(["v1"]);
    expect(server.requestsTo("/geo")).toHaveLength(1);
    // A geo context that already says where the visitor is needs no lookup.
    const located = flagRequest(mboxes, { context: { channel: "web", geo: { ipAddress: "8.8.8.8", city: "ZURICH" } } });
    const decided = engine.getOffersSync(located);
    expect(decided && flagValues(decided)).toEqual(["v1"]);
  });

  it("survives event handlers that throw, and logs them", async () => {
    const server = await serve();
    const logs = recordLogs();
    let thrown = 0;
    const engine = await createDecisioningEngine(
      {
        client: "acme",
        artifactLocation: server.url(),
        pollingInterval: 40,
        logger: logs.logger,
        eventEmitter: () => {
          thrown += 1;
          throw new Error("handler bug");
        },
      },
      fastLoader(),
    );
    track(() => engine.close());
    server.setArtifact(flagArtifact("v2"));
    await until(() => thrown >= 4, 5000, "events after the change");
    expect(await decide(engine)).toBe("v2");
    expect(logs.text("error")).toMatch(/event handler for artifactDownloadSucceeded failed/);
  });

  it("schedules the next poll only after the current download ends", async () => {
    const server = await serve();
    server.failAlways(fault.delay(120));
    const { engine } = await startEngine(server, { pollingInterval: 10 });
    await server.waitForRequests(4);
    expect(server.maxConcurrent()).toBe(1);
    expect(await decide(engine)).toBe("v1");
  });

  it("backs off with growing, capped delays while the CDN fails, and polls at the interval again after recovery", async () => {
    const server = await serve();
    const timers = trackedTimers();
    const { engine, events } = await startEngine(
      server,
      { pollingInterval: 50, platform: { ...timers, random: () => 1 } },
      { refreshBackoff: { initialMs: 5, maxMs: 45 } },
    );
    const base = timers.delays.length;
    server.failAlways(fault.status(503));
    await events.waitFor("artifactDownloadFailed", 4);
    server.recover();
    server.setArtifact(flagArtifact("v2"));
    await events.waitFor("artifactDownloadSucceeded", 2);
    await until(() => timers.delays.length > base + 11, 5000, "timers after recovery");
    // Request timeouts (2000 ms) are interleaved with the schedule; keep the scheduling delays.
    const schedule = timers.delays.slice(base).filter((ms) => ms !== 2000);
    // random() = 1 takes the top of each jitter range: 5 * 3, then the 45 ms cap; then the 50 ms interval.
    expect(schedule.slice(0, 6)).toEqual([15, 45, 45, 45, 50, 50]);
    expect(await decide(engine)).toBe("v2");
  });
});
