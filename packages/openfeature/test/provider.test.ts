import { readFileSync } from "node:fs";
import { createDecider, type NotificationPayload } from "@decisioning/engine";
import { DecisioningProvider } from "@decisioning/openfeature";
import { artifact, visitorInExperience, when } from "@decisioning/testing";
import { fault, startFakeCdn } from "@decisioning/testing/servers";
import { ErrorCode, OpenFeature, ProviderEvents, StandardResolutionReasons, type Client, type EventDetails } from "@openfeature/server-sdk";
import { afterEach, describe, expect, it } from "vitest";

const features = JSON.parse(readFileSync(new URL("../../../fixtures/artifacts/features.json", import.meta.url), "utf8"));

const rules = artifact({ client: "acme" })
  .activity("checkout-test", { id: 501 })
  .mbox("checkout")
  .experience("A", 50, { json: { layout: "one-page", steps: 1, express: true, theme: { color: "blue" } } })
  .experience("B", 50, { json: { layout: "steps", steps: 3, express: false } })
  .audience(when.url.contains("/checkout"))
  .activity("feature-flags", { id: 502, type: "xt" })
  .mbox("flags")
  .experience("Gold", 100, { json: { darkMode: true, maxItems: 50, plan: "gold" } }, { audience: when.param("tier").is("gold") })
  .experience("Everyone", 100, { json: { darkMode: false, maxItems: 10 } })
  .remoteMbox("server-only")
  .build();

let domain = 0;
const opened: string[] = [];
async function clientFor(provider: DecisioningProvider): Promise<Client> {
  const name = `decisioning-${++domain}`;
  opened.push(name);
  await OpenFeature.setProviderAndWait(name, provider);
  return OpenFeature.getClient(name);
}

afterEach(async () => {
  await OpenFeature.clearProviders();
  opened.length = 0;
});

const checkout = "https://shop.example.com/checkout";
const inExperience = (experience: string): string =>
  visitorInExperience(rules, { mbox: "checkout", experience }, { request: { context: { address: { url: checkout } } } });

describe("DecisioningProvider with the OpenFeature SDK", () => {
  it("resolves the README's flag from the project's feature artifact", async () => {
    const client = await clientFor(new DecisioningProvider({ client: "acme", artifactPayload: features, pollingInterval: 0 }));
    const details = await client.getNumberDetails("flags/searchProviderId", 0, { targetingKey: "visitor-1" });
    expect(details).toMatchObject({
      value: 143,
      variant: "Everyone",
      reason: StandardResolutionReasons.TARGETING_MATCH,
      flagMetadata: { mbox: "flags", activityId: 1002, activityName: "Flags by audience", activityType: "landing", experienceName: "Everyone" },
    });
  });

  const typed: Array<[string, (c: Client) => Promise<unknown>, object]> = [
    [
      "a boolean chosen by audience",
      (c) => c.getBooleanDetails("flags/darkMode", false, { targetingKey: "v-1", tier: "Gold" }),
      { value: true, variant: "Gold", reason: "TARGETING_MATCH", flagMetadata: { activityId: 502, experienceId: 0, experienceName: "Gold" } },
    ],
    [
      "a number for everyone else",
      (c) => c.getNumberDetails("flags/maxItems", 0, { targetingKey: "v-1" }),
      { value: 10, variant: "Everyone", reason: "TARGETING_MATCH", flagMetadata: { experienceId: 1 } },
    ],
    [
      "a string from an A/B split",
      (c) => c.getStringDetails("checkout/layout", "classic", { targetingKey: inExperience("B"), url: checkout }),
      { value: "steps", variant: "B", reason: "SPLIT", flagMetadata: { activityId: 501, activityType: "ab", experienceName: "B" } },
    ],
    [
      "an object attribute",
      (c) => c.getObjectDetails("checkout/theme", {}, { targetingKey: inExperience("A"), url: checkout }),
      { value: { color: "blue" }, variant: "A", reason: "SPLIT" },
    ],
    [
      "a whole mbox as an object",
      (c) => c.getObjectDetails("flags", {}, { targetingKey: "v-1", tier: "gold" }),
      { value: { darkMode: true, maxItems: 50, plan: "gold" }, variant: "Gold" },
    ],
    [
      "the default when no experience applies",
      (c) => c.getStringDetails("checkout/layout", "classic", { targetingKey: "v-1", url: "https://shop.example.com/" }),
      { value: "classic", reason: "DEFAULT", flagMetadata: { mbox: "checkout" } },
    ],
    [
      "the default when the experience leaves the attribute out",
      (c) => c.getStringDetails("flags/plan", "basic", { targetingKey: "v-1" }),
      { value: "basic", reason: "DEFAULT", flagMetadata: { experienceName: "Everyone" } },
    ],
    [
      "an unknown mbox",
      (c) => c.getBooleanDetails("nope/flag", false, { targetingKey: "v-1" }),
      { value: false, reason: "ERROR", errorCode: ErrorCode.FLAG_NOT_FOUND, errorMessage: 'the artifact has no mbox "nope" (flag keys are "mbox/attribute")' },
    ],
    [
      "an attribute no experience sets",
      (c) => c.getBooleanDetails("flags/dakrMode", false, { targetingKey: "v-1" }),
      { value: false, reason: "ERROR", errorCode: ErrorCode.FLAG_NOT_FOUND },
    ],
    [
      "a value of another type",
      (c) => c.getStringDetails("flags/darkMode", "no", { targetingKey: "v-1" }),
      { value: "no", reason: "ERROR", errorCode: ErrorCode.TYPE_MISMATCH, errorMessage: '"flags/darkMode" is a boolean, not a string' },
    ],
    [
      "an object asked for as a string",
      (c) => c.getStringDetails("checkout/theme", "x", { targetingKey: inExperience("A"), url: checkout }),
      { value: "x", errorCode: ErrorCode.TYPE_MISMATCH, errorMessage: '"checkout/theme" is an object, not a string' },
    ],
    [
      "a string asked for as an object",
      (c) => c.getObjectDetails("checkout/layout", {}, { targetingKey: inExperience("A"), url: checkout }),
      { value: {}, errorCode: ErrorCode.TYPE_MISMATCH, errorMessage: '"checkout/layout" is a string, not an object' },
    ],
    [
      "a bare mbox asked for as a boolean",
      (c) => c.getBooleanDetails("flags", false, { targetingKey: "v-1" }),
      { value: false, errorCode: ErrorCode.TYPE_MISMATCH },
    ],
    [
      "an mbox only the Delivery API can decide",
      (c) => c.getBooleanDetails("server-only/x", false, { targetingKey: "v-1" }),
      { value: false, reason: "ERROR", errorCode: ErrorCode.GENERAL, errorMessage: expect.stringContaining("cannot be decided on-device") },
    ],
    [
      "a context the engine refuses",
      (c) => c.getBooleanDetails("flags/darkMode", false, { targetingKey: "v-1", url: "x".repeat(70000) }),
      { value: false, reason: "ERROR", errorCode: ErrorCode.INVALID_CONTEXT },
    ],
  ];

  it.each(typed)("resolves %s", async (_name, evaluate, expected) => {
    const client = await clientFor(new DecisioningProvider({ client: "acme", artifactPayload: rules, pollingInterval: 0 }));
    expect(await evaluate(client)).toMatchObject(expected);
  });

  it("reports the experience the engine serves, visitor after visitor", async () => {
    const client = await clientFor(new DecisioningProvider({ client: "acme", artifactPayload: rules, pollingInterval: 0 }));
    const decider = createDecider({ client: "acme", artifact: rules });
    for (let n = 0; n < 200; n++) {
      const targetingKey = `visitor-${n}`;
      const details = await client.getStringDetails("checkout/layout", "classic", { targetingKey, url: checkout });
      const served = decider.decide({
        request: { id: { tntId: targetingKey }, context: { address: { url: checkout } }, execute: { mboxes: [{ name: "checkout", index: 1 }] } },
      }).response;
      const option = served.execute?.mboxes?.[0]?.options?.[0];
      expect(details.value).toBe((option?.content as { layout: string }).layout);
      expect(details.variant).toBe(option?.responseTokens?.["experience.name"]);
    }
  });

  it("sends one display notification per evaluation when given sendNotificationFunc", async () => {
    const sent: NotificationPayload[] = [];
    const client = await clientFor(
      new DecisioningProvider({ client: "acme", artifactPayload: rules, pollingInterval: 0, sendNotificationFunc: (payload) => void sent.push(payload) }),
    );
    await client.getBooleanValue("flags/darkMode", false, { targetingKey: "v-1" });
    await client.getNumberValue("flags/maxItems", 0, { targetingKey: "v-1" });
    await expect.poll(() => sent.length).toBe(2);
    expect(sent[0]?.request).toMatchObject({
      id: { tntId: "v-1" },
      notifications: [{ type: "display", mbox: { name: "flags" }, tokens: [expect.any(String)] }],
    });
  });

  it("emits a configuration change naming the flags an artifact update touches", async () => {
    const provider = new DecisioningProvider({ client: "acme", artifactPayload: rules, pollingInterval: 0 });
    const client = await clientFor(provider);
    const changes: EventDetails[] = [];
    client.addHandler(ProviderEvents.ConfigurationChanged, (details) => void changes.push(details as EventDetails));
    const next = structuredClone(rules);
    (next.rules.mboxes.flags?.[1]?.consequence.options?.[0] as { content: unknown }).content = { darkMode: true, maxItems: 25 };
    provider.setArtifact(next);
    await expect.poll(() => changes.length).toBe(1);
    expect(changes[0]).toMatchObject({ flagsChanged: ["flags", "flags/darkMode", "flags/maxItems", "flags/plan"], metadata: { artifactVersion: "1.0.0" } });
    expect(await client.getNumberValue("flags/maxItems", 0, { targetingKey: "v-1" })).toBe(25);
  });

  it("follows artifact updates on the CDN, emitting a configuration change per new artifact", async () => {
    const v1 = artifact()
      .activity("t")
      .mbox("m")
      .experience("Only", 100, { json: { version: 1 } })
      .build();
    const v2 = artifact()
      .activity("t")
      .mbox("m")
      .experience("Only", 100, { json: { version: 2 } })
      .build();
    const cdn = await startFakeCdn({ artifact: v1 });
    try {
      // The engine polls every five minutes at the least; here its timers fire after 20 ms.
      const platform = {
        setTimeout: (fn: () => void, ms: number) => setTimeout(fn, ms >= 1000 ? 20 : ms),
        clearTimeout: (handle: unknown) => clearTimeout(handle as NodeJS.Timeout),
      };
      const client = await clientFor(new DecisioningProvider({ client: "acme", artifactLocation: cdn.artifactUrl, pollingInterval: 300000, platform }));
      const changes: EventDetails[] = [];
      client.addHandler(ProviderEvents.ConfigurationChanged, (details) => void changes.push(details as EventDetails));
      expect(await client.getNumberValue("m/version", 0, { targetingKey: "v" })).toBe(1);
      await expect.poll(() => cdn.requests.filter((r) => r.outcome === 304).length).toBeGreaterThan(1);
      expect(changes).toEqual([]);
      cdn.fail(fault.status(503), 2);
      cdn.setArtifact(v2);
      await expect.poll(() => changes.length).toBe(1);
      expect(changes[0]?.flagsChanged).toEqual(["m", "m/version"]);
      expect(await client.getNumberValue("m/version", 0, { targetingKey: "v" })).toBe(2);
      expect(cdn.requests.some((r) => r.outcome === 503)).toBe(true);
    } finally {
      await OpenFeature.clearProviders();
      await cdn.close();
    }
  });

  it("reports a provider that cannot load its artifact as an error", async () => {
    const provider = new DecisioningProvider({ client: "acme", artifactLocation: "http://127.0.0.1:9/rules.json", pollingInterval: 0, maximumWaitReady: 500 });
    await expect(OpenFeature.setProviderAndWait("broken", provider)).rejects.toBeDefined();
    const details = await OpenFeature.getClient("broken").getBooleanDetails("flags/darkMode", false, { targetingKey: "v" });
    expect(details).toMatchObject({ value: false, reason: "ERROR" });
  });

  it("refuses options that name no client code and no artifact", () => {
    expect(() => new DecisioningProvider({} as never)).toThrow(
      expect.objectContaining({
        name: "ConfigError",
        code: "CONFIG_INVALID",
        message: expect.stringMatching(/needs \{ client \}.*artifactLocation or artifactPayload/),
      }),
    );
    expect(() => new DecisioningProvider(null as never)).toThrow(expect.objectContaining({ name: "ConfigError" }));
  });

  it("takes the client code from the artifact when none is given", async () => {
    const shop = artifact({ client: "shop" })
      .activity("t")
      .mbox("m")
      .experience("A", 50, { json: { v: "a" } })
      .experience("B", 50, { json: { v: "b" } })
      .build();
    const client = await clientFor(new DecisioningProvider({ artifactPayload: shop, pollingInterval: 0 }));
    const decider = createDecider({ client: "shop", artifact: shop });
    for (let n = 0; n < 50; n++) {
      const served = decider.decide({ request: { id: { tntId: `v-${n}` }, execute: { mboxes: [{ name: "m", index: 1 }] } } }).response;
      expect(await client.getStringValue("m/v", "", { targetingKey: `v-${n}` })).toBe((served.execute?.mboxes?.[0]?.options?.[0]?.content as { v: string }).v);
    }
  });

  it("refuses to draw a split afresh for a context without a targetingKey, and sends nothing for it", async () => {
    const sent: NotificationPayload[] = [];
    const client = await clientFor(
      new DecisioningProvider({ client: "acme", artifactPayload: rules, pollingInterval: 0, sendNotificationFunc: (payload) => void sent.push(payload) }),
    );
    const details = await client.getStringDetails("checkout/layout", "classic", { url: checkout });
    expect(details).toMatchObject({
      value: "classic",
      reason: "ERROR",
      errorCode: ErrorCode.TARGETING_KEY_MISSING,
      errorMessage: expect.stringMatching(/mbox "checkout" splits traffic.*pass a targetingKey/),
    });
    // Chosen by audience alone, a flag needs no visitor id.
    expect(await client.getBooleanDetails("flags/darkMode", false, { tier: "gold" })).toMatchObject({ value: true, reason: "TARGETING_MATCH" });
    // Another visitor id works as well as a targetingKey.
    expect(await client.getStringDetails("checkout/layout", "classic", { marketingCloudVisitorId: inExperience("B"), url: checkout })).toMatchObject({
      reason: "SPLIT",
    });
    await expect.poll(() => sent.length).toBe(2);
    expect(sent.map((payload) => payload.request.notifications?.[0]?.mbox?.name)).toEqual(["flags", "checkout"]);
  });
});
