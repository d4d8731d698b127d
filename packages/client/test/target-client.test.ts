import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import TargetClient, { ClientErrorCode, Messages, OptionsError, TargetClient as NamedTargetClient } from "@decisioning/client";
import { startFakeDeliveryApi, type FakeDeliveryApi } from "@decisioning/testing/servers";
import { BASE_OPTIONS, demoArtifact, eventually, localServer, readyClient, recordingLogger, startClient } from "./kit/clients.js";

let target: FakeDeliveryApi;
beforeEach(async () => {
  target = await startFakeDeliveryApi();
});
afterEach(async () => {
  await target.close();
});

describe("TargetClient.create", () => {
  it.each([
    [undefined, "Options map is required", ClientErrorCode.OptionsRequired],
    [{}, "Options map is required", ClientErrorCode.OptionsRequired],
    [{ organizationId: "o@AdobeOrg" }, "Client is required", ClientErrorCode.ClientRequired],
    [{ client: "", organizationId: "o@AdobeOrg" }, "Client is required", ClientErrorCode.ClientRequired],
    [{ client: "acme" }, "Organization Id is required", ClientErrorCode.OrganizationIdRequired],
    [
      { client: "acme", organizationId: "o@AdobeOrg", decisioningMethod: "local" },
      "Invalid Decisioning Method.  Must be set to one of: on-device,server-side,hybrid",
      ClientErrorCode.DecisioningMethodInvalid,
    ],
  ])("refuses %j with the reference's message", (options, message, code) => {
    const attempt = () => TargetClient.create(options as never);
    expect(attempt).toThrow(OptionsError);
    expect(attempt).toThrow(message);
    try {
      attempt();
    } catch (error) {
      expect(error).toMatchObject({ code, message });
    }
  });

  it.each<[Record<string, unknown>, string]>([
    [{ timeout: -5 }, "timeout"],
    [{ timeout: "3000" }, "timeout"],
    [{ deliveryRetries: 1.5 }, "deliveryRetries"],
    [{ secure: "false" }, "secure"],
    [{ telemetryEnabled: 0 }, "telemetryEnabled"],
    [{ serverDomain: "evil.example/path" }, "serverDomain"],
    [{ serverDomain: "user@evil.example" }, "serverDomain"],
    [{ serverDomain: "https://acme.tt.omtrdc.net" }, "serverDomain"],
    [{ environmentId: "12" }, "environmentId"],
    [{ logger: "console" }, "logger"],
    [{ events: { clientReady: "yes" } }, "events.clientReady"],
    [{ engineOptions: [] }, "engineOptions"],
    [{ notificationQueue: { maxQueued: 0 } }, "notificationQueue.maxQueued"],
    [{ notificationQueue: { closeTimeoutMs: -1 } }, "notificationQueue.closeTimeoutMs"],
  ])("refuses an invalid option at once with OPTION_INVALID naming it, rather than a silent default (%j)", (extra, field) => {
    const attempt = () => TargetClient.create({ ...BASE_OPTIONS, ...extra } as never);
    expect(attempt).toThrow(OptionsError);
    expect(attempt).toThrow(
      expect.objectContaining({
        code: ClientErrorCode.OptionInvalid,
        field,
        message: expect.stringMatching(new RegExp(`^${field.replace(".", "\\.")}: must`)),
      }),
    );
  });

  it.each<[Record<string, unknown>, string]>([
    [{ pollingInterval: "60000" }, "pollingInterval"],
    [{ maximumWaitReady: -1 }, "maximumWaitReady"],
    [{ artifactFormat: "yaml" }, "artifactFormat"],
    [{ engineOptions: { artifactRequestTimeout: -1 } }, "engineOptions.artifactRequestTimeout"],
    [{ engineOptions: { refreshMode: "sometimes" } }, "engineOptions.refreshMode"],
  ])("refuses at create an option the engine would refuse, so clientReady cannot silently never fire (%j)", (extra, field) => {
    const attempt = () => TargetClient.create({ ...BASE_OPTIONS, decisioningMethod: "on-device", artifactPayload: demoArtifact(), ...extra } as never);
    expect(attempt).toThrow(expect.objectContaining({ code: ClientErrorCode.OptionInvalid, field }));
  });

  it.each<Record<string, unknown>>([
    { timeout: 250 },
    { deliveryRetries: 0 },
    { serverDomain: "127.0.0.1:8080" },
    { secure: false },
    { notificationQueue: { maxBatch: 1 } },
  ])("takes valid options as given (%j)", (extra) => {
    expect(() => TargetClient.create({ ...BASE_OPTIONS, ...extra } as never)).not.toThrow();
  });

  it("refuses to run without any fetch", () => {
    const saved = globalThis.fetch;
    // @ts-expect-error: simulating a host without fetch
    delete globalThis.fetch;
    try {
      expect(() => TargetClient.create({ ...BASE_OPTIONS })).toThrow(Messages.FETCH_UNDEFINED);
    } finally {
      globalThis.fetch = saved;
    }
  });

  it("cannot be constructed with new", () => {
    const Constructor = TargetClient as unknown as new (options: unknown) => unknown;
    expect(() => new Constructor({ ...BASE_OPTIONS })).toThrow("Please use TargetClient.create static method instead");
  });

  it("is the default and the named export", () => {
    expect(NamedTargetClient).toBe(TargetClient);
  });

  it("fires clientReady at once for a server-side client, with an event object carrying its type", async () => {
    const { events, ready } = startClient({ ...localServer(target) });
    expect(events).toEqual([]);
    await ready;
    expect(events).toEqual([{ type: "clientReady" }]);
    expect(target.requests).toHaveLength(0);
  });

  it("fires clientReady on-device only once the artifact is in, after pinging the edge for a location hint", async () => {
    target.setRoute("/rules.json", { body: demoArtifact() });
    const location = target.url("/rules.json");
    const { events } = await readyClient({ ...localServer(target), decisioningMethod: "on-device", artifactLocation: location });
    const types = events.map((event) => event.type);
    expect(types[0]).toBe("artifactDownloadSucceeded");
    expect(types.at(-1)).toBe("clientReady");
    expect(events[0]).toMatchObject({ artifactLocation: location, artifactPayload: expect.objectContaining({ version: "1.0.0" }) });
    const ping = target.calls[0];
    expect(ping?.query.sessionId).toBe("ping123");
    expect(ping?.request.context).toMatchObject({ channel: "web" });
  });

  it("skips the location-hint ping when targetLocationHint is configured", async () => {
    await readyClient({ ...localServer(target), decisioningMethod: "on-device", artifactPayload: demoArtifact(), targetLocationHint: "28" });
    expect(target.requests).toHaveLength(0);
  });

  it("logs an artifact that cannot be had and never fires clientReady", async () => {
    const logger = recordingLogger();
    const { events } = startClient({
      ...localServer(target),
      logger,
      decisioningMethod: "on-device",
      artifactLocation: `${target.origin}/missing.json`,
      engineOptions: { refreshMode: "on-request" },
    });
    await eventually(() => logger.lines.some((line) => line.level === "error"));
    expect(events.map((e) => e.type)).toContain("artifactDownloadFailed");
    expect(events.map((e) => e.type)).not.toContain("clientReady");
    expect(logger.lines.find((line) => line.level === "error")?.args[0]).toBe("AT:");
  });

  it("survives event callbacks and a logger that throw", async () => {
    const boom = () => {
      throw new Error("broken");
    };
    const client = TargetClient.create({
      ...BASE_OPTIONS,
      ...localServer(target),
      logger: { debug: boom, error: boom },
      events: { clientReady: boom },
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
    await expect(client.getOffers({ request: { execute: { mboxes: [{ name: "a" }] } } })).resolves.toMatchObject({
      meta: { decisioningMethod: "server-side" },
    });
  });

  it("prefixes log lines with AT: and logs requests and responses at debug level", async () => {
    const logger = recordingLogger();
    const { client } = await readyClient({ ...localServer(target), logger });
    await client.getOffers({ request: { execute: { mboxes: [{ name: "a" }] } } });
    const debug = logger.lines.filter((line) => line.level === "debug").map((line) => line.args.slice(0, 3));
    expect(debug).toContainEqual(["AT:", "Request sent", "server-side"]);
    expect(debug.some((args) => args[1] === "Response received")).toBe(true);
  });
});

describe("TargetClient statics", () => {
  it("names the cookies as the reference does", () => {
    expect(TargetClient.getVisitorCookieName("1234567890@AdobeOrg")).toBe("AMCV_1234567890@AdobeOrg");
    expect(TargetClient.TargetCookieName).toBe("mbox");
    expect(TargetClient.TargetLocationHintCookieName).toBe("mboxEdgeCluster");
  });

  it("exposes the Visitor API's AuthState values", () => {
    expect(TargetClient.AuthState).toEqual({ UNKNOWN: 0, AUTHENTICATED: 1, LOGGED_OUT: 2 });
  });
});

describe("TargetClient.getOffers validation", () => {
  it.each([
    [undefined, "Options map is required"],
    [{}, "Options map is required"],
    [{ request: {} }, "Request object is required"],
    [{ request: { execute: { mboxes: [] } } }, "Either pageLoad or mboxes is required in execute"],
    [{ request: { prefetch: { views: [] } } }, "Either views, pageLoad or mboxes is required in prefetch"],
  ])("rejects %j with the reference's message", async (options, message) => {
    const client = TargetClient.create({ ...BASE_OPTIONS, ...localServer(target) });
    await expect(client.getOffers(options as never)).rejects.toThrow(message);
    expect(target.requests).toHaveLength(0);
  });

  it("accepts an empty execute block, as the reference does", async () => {
    const client = TargetClient.create({ ...BASE_OPTIONS, ...localServer(target) });
    await expect(client.getOffers({ request: { execute: {}, context: { channel: "web" } } })).resolves.toHaveProperty("response");
  });

  it("uses the fetchApi it is given", async () => {
    const fetchApi = vi.fn((input: string, init?: RequestInit) => fetch(input, init));
    const client = TargetClient.create({ ...BASE_OPTIONS, ...localServer(target), fetchApi });
    await client.getOffers({ request: { execute: { mboxes: [{ name: "a" }] } } });
    expect(fetchApi).toHaveBeenCalledOnce();
  });
});
