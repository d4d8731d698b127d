import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { createDecider as createLeanDecider, createDecisioningEngine as createLeanEngine } from "../../src/lean.js";
import { ConfigError, createDecider, createDecisioningEngine, ErrorCode, type DeciderConfig, type DecisioningConfig } from "../../src/index.js";
import { flagArtifact, flagRequest, flagValue } from "../kit/index.js";

const artifact = flagArtifact("v1");
/** A configuration that starts an engine without any network: an artifact in hand, no refresh. */
const base: DecisioningConfig = { client: "acme", artifactPayload: artifact, pollingInterval: 0 };

const noop = () => {};

/** Each engine option with values it refuses, and what the error must say. */
const engineCases: Array<[string, Record<string, unknown>, RegExp]> = [
  [
    "client",
    { client: undefined, artifactPayload: { ...artifact, meta: {} } },
    /client: must be a non-empty string \(the Target client code\), unless an artifactLocation or an artifactPayload with meta\.clientCode is given/,
  ],
  ["client", { client: "" }, /client: must be a non-empty string, not an empty one/],
  ["client", { client: 42 }, /client: must be a non-empty string, not a number/],
  ["organizationId", { organizationId: 7 }, /organizationId: must be a non-empty string/],
  ["propertyToken", { propertyToken: {} }, /propertyToken: must be a non-empty string, not an object/],
  ["environment", { environment: "" }, /environment: must be a non-empty string/],
  ["cdnEnvironment", { cdnEnvironment: true }, /cdnEnvironment: must be a non-empty string, not a boolean/],
  ["cdnBasePath", { cdnBasePath: ["a"] }, /cdnBasePath: must be a non-empty string, not an array/],
  ["pollingInterval", { pollingInterval: Number.NaN }, /pollingInterval: must be a number of milliseconds, zero or more, not NaN/],
  ["pollingInterval", { pollingInterval: -1 }, /pollingInterval: .* not -1/],
  ["pollingInterval", { pollingInterval: "60000" }, /pollingInterval: .* not a string/],
  ["pollingInterval", { pollingInterval: Number.POSITIVE_INFINITY }, /pollingInterval: must be a finite number/],
  ["artifactLocation", { artifactLocation: "rules.json" }, /artifactLocation: must be an absolute URL, not "rules.json"/],
  ["artifactLocation", { artifactLocation: 5 }, /artifactLocation: must be a non-empty string/],
  ["artifactFormat", { artifactFormat: "xml" }, /artifactFormat: must be "json" or "bin", not "xml"/],
  ["artifactPayload", { artifactPayload: JSON.stringify(artifact) }, /artifactPayload: must be an object, not a string/],
  ["artifactPayload", { artifactPayload: [artifact] }, /artifactPayload: must be an object, not an array/],
  ["fetchApi", { fetchApi: "fetch" }, /fetchApi: must be a function, not a string/],
  ["sendNotificationFunc", { sendNotificationFunc: true }, /sendNotificationFunc: must be a function/],
  ["notificationHandoff", { notificationHandoff: "later" }, /notificationHandoff: must be "deferred" or "immediate", not "later"/],
  ["eventEmitter", { eventEmitter: {} }, /eventEmitter: must be a function, not an object/],
  ["logger", { logger: "console" }, /logger: must be an object, not a string/],
  ["logger.warn", { logger: { warn: "loud" } }, /logger\.warn: must be a function, not a string/],
  ["telemetryEnabled", { telemetryEnabled: "yes" }, /telemetryEnabled: must be true or false, not a string/],
  ["maximumWaitReady", { maximumWaitReady: -1 }, /maximumWaitReady: must be a number of milliseconds, zero or more, not -1/],
  ["maximumWaitReady", { maximumWaitReady: "5000" }, /maximumWaitReady: .* not a string/],
  ["parseDomainImpl", { parseDomainImpl: 42 }, /parseDomainImpl: must be "psl", "basic" or a function, not a number/],
  ["parseDomainImpl", { parseDomainImpl: "tld" }, /parseDomainImpl: must be "psl", "basic" or a function, not "tld"/],
  ["platform", { platform: () => {} }, /platform: must be an object, not a function/],
  ["platform.now", { platform: { now: 1700000000000 } }, /platform\.now: must be a function, not a number/],
  ["artifactRequestTimeout", { artifactRequestTimeout: -5 }, /artifactRequestTimeout: must be a number of milliseconds, zero or more, not -5/],
  ["refreshMode", { refreshMode: "sometimes" }, /refreshMode: must be "poll" or "on-request", not "sometimes"/],
  ["snapshotStore", { snapshotStore: { load: noop } }, /snapshotStore: must have load\(key\) and save\(key, snapshot\) methods/],
  ["artifactSha256", { artifactSha256: "abc" }, /artifactSha256: must be 64 hexadecimal digits/],
  ["verifyArtifact", { verifyArtifact: "yes" }, /verifyArtifact: must be a function, not a string/],
  ["maxArtifactBytes", { maxArtifactBytes: Number.NaN }, /maxArtifactBytes: must be a number of bytes, zero or more, not NaN/],
  ["waitUntil", { waitUntil: 1 }, /waitUntil: must be a function, not a number/],
  ["requestLimits", { requestLimits: 10 }, /requestLimits: must be an object, not a number/],
  ["requestLimits.maxItems", { requestLimits: { maxItems: 0 } }, /requestLimits\.maxItems: must be a whole number of one or more, not 0/],
  ["requestLimits.maxDepth", { requestLimits: { maxDepth: 2.5 } }, /requestLimits\.maxDepth: .* not 2\.5/],
  ["requestLimits.maxStringLength", { requestLimits: { maxStringLength: "64" } }, /requestLimits\.maxStringLength: .* not a string/],
  [
    "requestLimits.maxItem",
    { requestLimits: { maxItem: 5 } },
    /requestLimits\.maxItem: is not a limit; the limits are maxItems, maxParameters, maxStringLength, maxDepth/,
  ],
  ["geoLookupUrl", { geoLookupUrl: "geo.example" }, /geoLookupUrl: must be an absolute URL/],
];

/** Each decider option with values it refuses. */
const deciderCases: Array<[string, Record<string, unknown>, RegExp]> = [
  ["client", { client: "" }, /client: must be a non-empty string/],
  ["parseDomainImpl", { parseDomainImpl: {} }, /parseDomainImpl: must be "psl", "basic" or a function, not an object/],
  ["platform.uuid", { platform: { uuid: "fixed" } }, /platform\.uuid: must be a function, not a string/],
  ["telemetryEnabled", { telemetryEnabled: 0 }, /telemetryEnabled: must be true or false, not a number/],
  ["requestLimits.maxParameters", { requestLimits: { maxParameters: -1 } }, /requestLimits\.maxParameters: .* not -1/],
];

describe("the engine's configuration, checked in one place", () => {
  it.each(engineCases)("refuses a bad %s with a ConfigError naming it: %o", async (field, overrides, message) => {
    const error = await createDecisioningEngine({ ...base, ...overrides } as DecisioningConfig).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ConfigError);
    expect(error).toMatchObject({ code: ErrorCode.ConfigInvalid, field, message: expect.stringMatching(message) });
  });

  it("refuses a configuration that is not an object", async () => {
    await expect(createDecisioningEngine(null as unknown as DecisioningConfig)).rejects.toMatchObject({
      field: "config",
      message: "config: must be an object, not null",
    });
  });

  it("takes null for any optional option as its absence", async () => {
    const nulls = Object.fromEntries(
      [
        "organizationId",
        "propertyToken",
        "fetchApi",
        "logger",
        "eventEmitter",
        "telemetryEnabled",
        "maximumWaitReady",
        "requestLimits",
        "platform",
        "refreshMode",
        "artifactSha256",
      ].map((key) => [key, null]),
    );
    const engine = await createDecisioningEngine({ ...base, ...nulls } as DecisioningConfig);
    expect(flagValue(await engine.getOffers(flagRequest()))).toBe("v1");
    await engine.close();
  });

  it("keeps what the defaults documented: 0 means the default timeout and size, and no wait limit", async () => {
    const engine = await createDecisioningEngine({ ...base, artifactRequestTimeout: 0, maxArtifactBytes: 0, maximumWaitReady: 0 });
    expect(engine.isReady()).toBe(true);
    await engine.close();
  });

  it("tells the lean entry's users where the Public Suffix List is", async () => {
    await expect(createLeanEngine({ ...base, parseDomainImpl: "psl" })).rejects.toMatchObject({
      field: "parseDomainImpl",
      message: expect.stringMatching(/not available in the lean entry/),
    });
    expect(() => createLeanDecider({ client: "acme", artifact, parseDomainImpl: "psl" })).toThrow(/not available in the lean entry/);
  });
});

describe("the decider's configuration, checked the same way", () => {
  it.each(deciderCases)("refuses a bad %s with a ConfigError naming it: %o", (field, overrides, message) => {
    const attempt = () => createDecider({ client: "acme", artifact, ...overrides } as DeciderConfig);
    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(message);
    try {
      attempt();
    } catch (error) {
      expect(error).toMatchObject({ field });
    }
  });

  it("takes a null parseDomainImpl for the default, the Public Suffix List", () => {
    const features = JSON.parse(readFileSync(new URL("../../../../fixtures/artifacts/features.json", import.meta.url), "utf8"));
    const request = {
      requestId: "r",
      id: { tntId: "v-1" },
      context: { address: { url: "https://shop.example.co.uk/?sale=1" } },
      execute: { mboxes: [{ name: "flags", index: 1 }] },
    };
    const answer = (parseDomainImpl: unknown) =>
      createDecider({ client: "acme", artifact: features, parseDomainImpl } as DeciderConfig).decide({ request }).response;
    expect(answer(null)).toEqual(answer(undefined));
    expect(answer(undefined)).not.toEqual(answer("basic"));
  });

  it("checks its configuration before it prepares the artifact", () => {
    expect(() => createDecider({ client: "", artifact: { version: "9.0.0" } })).toThrow(ConfigError);
  });
});
