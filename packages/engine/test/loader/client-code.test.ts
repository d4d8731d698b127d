import { describe, expect, it } from "vitest";
import { createDecider, createDecisioningEngine } from "../../src/index.js";
import { flagArtifact, flagRequest, flagValue, loaderRig, recordEvents, recordLogs } from "../kit/index.js";

const { serve, startEngine } = loaderRig();

describe("an artifact published for another client code", () => {
  it("is decided with, and the decider names both codes for tools to read", () => {
    const decider = createDecider({ client: "acme", artifact: flagArtifact("v1", { clientCode: "other" }) });
    expect(decider.client).toBe("acme");
    expect(decider.clientMismatch).toEqual({ client: "acme", artifactClientCode: "other" });
    expect(flagValue(decider.decide(flagRequest()).response)).toBe("v1");
  });

  it("is no mismatch when the codes agree or the artifact names none", () => {
    expect(createDecider({ client: "acme", artifact: flagArtifact("v1") }).clientMismatch).toBeUndefined();
    const { meta: _meta, ...anonymous } = flagArtifact("v1");
    expect(createDecider({ client: "acme", artifact: anonymous }).clientMismatch).toBeUndefined();
  });

  it("makes the engine warn once at start, with a log line naming both codes and an event", async () => {
    const events = recordEvents();
    const logs = recordLogs();
    const engine = await createDecisioningEngine({
      client: "acme",
      artifactPayload: flagArtifact("v1", { clientCode: "someone-else" }),
      pollingInterval: 0,
      eventEmitter: events.emitter,
      logger: logs.logger,
    });
    expect(flagValue(await engine.getOffers(flagRequest()))).toBe("v1");
    expect(events.named("artifactClientMismatch")).toEqual([
      { client: "acme", artifactClientCode: "someone-else", artifactLocation: expect.stringContaining("/acme/") },
    ]);
    expect(logs.text("warn")).toMatch(/client "acme" differs from the artifact's meta\.clientCode "someone-else"/);
    await engine.close();
  });

  it("says nothing when the artifact is the client's own", async () => {
    const events = recordEvents();
    const logs = recordLogs();
    const engine = await createDecisioningEngine({
      client: "acme",
      artifactPayload: flagArtifact("v1"),
      pollingInterval: 0,
      eventEmitter: events.emitter,
      logger: logs.logger,
    });
    expect(events.named("artifactClientMismatch")).toEqual([]);
    expect(logs.text("warn")).toBe("");
    await engine.close();
  });

  it("makes the engine warn when a refresh brings another client's artifact, once per change (real CDN)", async () => {
    const server = await serve(flagArtifact("v1"));
    const { engine, events, logs } = await startEngine(server);
    expect(events.named("artifactClientMismatch")).toEqual([]);

    server.setRoute("/rules.json", { body: flagArtifact("v2", { clientCode: "other" }) });
    await events.waitFor("artifactDownloadSucceeded", 2);
    expect(flagValue(await engine.getOffers(flagRequest()))).toBe("v2");
    expect(events.named("artifactClientMismatch")).toEqual([{ client: "acme", artifactClientCode: "other", artifactLocation: server.url() }]);

    // A newer artifact of the same other client: nothing new to say.
    server.setRoute("/rules.json", { body: flagArtifact("v3", { clientCode: "other" }) });
    await events.waitFor("artifactDownloadSucceeded", 3);
    expect(events.named("artifactClientMismatch")).toHaveLength(1);

    server.setRoute("/rules.json", { body: flagArtifact("v4", { clientCode: "third" }) });
    await events.waitFor("artifactDownloadSucceeded", 4);
    expect(events.named("artifactClientMismatch").map((payload) => payload.artifactClientCode)).toEqual(["other", "third"]);
    expect(logs.lines.filter((line) => line.level === "warn" && /differs from the artifact's meta\.clientCode/.test(line.message))).toHaveLength(2);
  });
});

describe("no client code configured", () => {
  const { meta: _meta, ...anonymous } = flagArtifact("anonymous");

  it("lets a decider decide with the artifact's own, as it would with that code given", () => {
    const implicit = createDecider({ artifact: flagArtifact("v1", { clientCode: "shop" }) });
    const explicit = createDecider({ client: "shop", artifact: flagArtifact("v1", { clientCode: "shop" }) });
    expect(implicit.client).toBe("shop");
    expect(implicit.clientMismatch).toBeUndefined();
    const request = { id: { tntId: "visitor-7" }, requestId: "r", execute: { mboxes: [{ name: "flag", index: 1 }] } };
    expect(implicit.decide({ request }).response).toEqual(explicit.decide({ request }).response);
  });

  it("refuses a decider whose artifact names no client code either", () => {
    expect(() => createDecider({ artifact: anonymous })).toThrow(
      expect.objectContaining({ name: "ConfigError", field: "client", message: "client: must be given: the artifact names no meta.clientCode" }),
    );
  });

  it("takes the client code of an artifactPayload, for decisions and for the artifact location", async () => {
    const engine = await createDecisioningEngine({ artifactPayload: flagArtifact("v1", { clientCode: "shop" }), pollingInterval: 0 });
    expect(engine.getDecider()?.client).toBe("shop");
    expect((await engine.getOffers(flagRequest())).client).toBe("shop");
    await engine.close();
  });

  it("decides each artifact from an artifactLocation with its own client code, and refuses one that names none (real CDN)", async () => {
    const server = await serve(flagArtifact("v1", { clientCode: "shop" }));
    const { engine, events } = await startEngine(server, { client: undefined });
    expect((await engine.getOffers(flagRequest())).client).toBe("shop");
    server.setRoute("/rules.json", { body: flagArtifact("v2", { clientCode: "outlet" }) });
    await events.waitFor("artifactDownloadSucceeded", 2);
    expect(await engine.getOffers(flagRequest())).toMatchObject({ client: "outlet" });
    // Nothing to mismatch: no code was configured.
    expect(events.named("artifactClientMismatch")).toEqual([]);
    server.setRoute("/rules.json", { body: anonymous });
    const failure = await events.waitFor("artifactDownloadFailed");
    expect(failure.error).toMatchObject({ code: "ARTIFACT_INVALID", field: "meta.clientCode" });
    expect(flagValue(await engine.getOffers(flagRequest()))).toBe("v2");
  });
});

describe("the engine's decider", () => {
  it("is the one getOffers decides with, swapped when a refresh brings another artifact, and reports matches (real CDN)", async () => {
    const server = await serve(flagArtifact("v1"));
    const { engine, events } = await startEngine(server);
    const first = engine.getDecider();
    const { response, matches } = first?.decide(flagRequest(), { matches: true }) ?? {};
    expect(flagValue(response ?? {})).toBe("v1");
    expect(matches?.map((match) => match.activity.name)).toEqual(["activity flag"]);
    expect(engine.getDecider()).toBe(first);
    server.setRoute("/rules.json", { body: flagArtifact("v2") });
    await events.waitFor("artifactDownloadSucceeded", 2);
    const second = engine.getDecider();
    expect(second).not.toBe(first);
    expect(flagValue(second?.decide(flagRequest()).response ?? {})).toBe("v2");
  });
});
