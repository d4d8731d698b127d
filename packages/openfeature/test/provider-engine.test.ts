import * as engine from "@decisioning/engine";
import { DecisioningProvider } from "@decisioning/openfeature";
import { artifact } from "@decisioning/testing";
import { startFakeCdn } from "@decisioning/testing/servers";
import { OpenFeature, ProviderEvents } from "@openfeature/server-sdk";
import { afterEach, describe, expect, it, vi } from "vitest";

// Counts the deciders the provider makes itself: the engine's own are made inside the engine.
vi.mock("@decisioning/engine", async (original) => {
  const actual = await original<typeof engine>();
  return { ...actual, createDecider: vi.fn(actual.createDecider) };
});

afterEach(async () => {
  await OpenFeature.clearProviders();
});

describe("DecisioningProvider over the engine", () => {
  it("decides with the engine's decider: no artifact is prepared a second time, downloads included", async () => {
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
      await OpenFeature.setProviderAndWait(
        "engine",
        new DecisioningProvider({ client: "acme", artifactLocation: cdn.artifactUrl, pollingInterval: 300000, platform }),
      );
      const client = OpenFeature.getClient("engine");
      let changes = 0;
      client.addHandler(ProviderEvents.ConfigurationChanged, () => void (changes += 1));
      expect(await client.getNumberValue("m/version", 0, { targetingKey: "v" })).toBe(1);
      cdn.setArtifact(v2);
      await expect.poll(() => changes).toBe(1);
      expect(await client.getNumberValue("m/version", 0, { targetingKey: "v" })).toBe(2);
      expect(vi.mocked(engine.createDecider)).not.toHaveBeenCalled();
    } finally {
      await OpenFeature.clearProviders();
      await cdn.close();
    }
  });

  it("prepares an artifact given to setArtifact once", async () => {
    const v1 = artifact()
      .activity("t")
      .mbox("m")
      .experience("Only", 100, { json: { version: 1 } })
      .build();
    const provider = new DecisioningProvider({ client: "acme", artifactPayload: v1, pollingInterval: 0 });
    await OpenFeature.setProviderAndWait("given", provider);
    vi.mocked(engine.createDecider).mockClear();
    provider.setArtifact(
      artifact()
        .activity("t")
        .mbox("m")
        .experience("Only", 100, { json: { version: 3 } })
        .build(),
    );
    expect(await OpenFeature.getClient("given").getNumberValue("m/version", 0, { targetingKey: "v" })).toBe(3);
    expect(vi.mocked(engine.createDecider)).toHaveBeenCalledTimes(1);
  });
});
