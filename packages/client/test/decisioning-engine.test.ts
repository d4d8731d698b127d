import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ClientErrorCode, EngineNotReadyError } from "@decisioning/client";
import { fault, startFakeCdn, startFakeDeliveryApi, type FakeCdn, type FakeDeliveryApi } from "@decisioning/testing/servers";
import { demoArtifact, eventually, localServer, readyClient, startClient } from "./kit/clients.js";

let target: FakeDeliveryApi;
let cdn: FakeCdn;
beforeEach(async () => {
  target = await startFakeDeliveryApi();
  cdn = await startFakeCdn({ artifact: demoArtifact() });
});
afterEach(async () => {
  await Promise.all([target.close(), cdn.close()]);
});

describe("client.decisioningEngine, as Adobe's client has it", () => {
  it("is undefined for a server-side client, as in the reference", async () => {
    const { client } = await readyClient(localServer(target));
    expect(client.decisioningEngine).toBeUndefined();
  });

  it("answers before the artifact is in instead of throwing: not ready, no artifact, getOffers refused", async () => {
    cdn.failAlways(fault.hang());
    const { client } = startClient({ ...localServer(target), decisioningMethod: "on-device", artifactLocation: cdn.artifactUrl, targetLocationHint: "" });
    const engine = client.decisioningEngine;
    expect(engine?.isReady()).toBe(false);
    expect(engine?.getRawArtifact()).toBeUndefined();
    await expect(engine?.getOffers({ request: {} })).rejects.toBeInstanceOf(EngineNotReadyError);
    expect(() => engine?.hasRemoteDependency({})).toThrow(expect.objectContaining({ code: ClientErrorCode.EngineNotReady }));
    await client.close();
  });

  it("reads the artifact, decides, and sends that decision's notification through the client, once ready", async () => {
    const { client } = await readyClient({ ...localServer(target), decisioningMethod: "on-device", artifactLocation: cdn.artifactUrl, targetLocationHint: "" });
    const engine = client.decisioningEngine;
    expect(engine?.isReady()).toBe(true);
    expect(engine?.getRawArtifact()).toEqual(demoArtifact());
    const response = await engine?.getOffers({ request: { id: { tntId: "direct" }, execute: { mboxes: [{ name: "demo-engineering-flags", index: 1 }] } } });
    expect(response?.execute?.mboxes?.[0]?.options?.[0]?.content).toMatchObject({ searchProviderId: 143 });
    await eventually(() => client.getNotificationStats().sent === 1);
    const [call] = await target.waitForCalls(1);
    expect(call?.request.id?.tntId).toBe("direct");
    expect(call?.request.notifications).toHaveLength(1);
    await client.close();
  });

  it.each([
    [true, 0],
    [false, 1],
  ])("keeps stopPolling() asked for before the engine started (asked: %s; poll timers left: %i)", async (asked, pollTimers) => {
    // Timers the engine sets, to see whether a next poll is scheduled once the artifact is in.
    const live = new Map<unknown, number>();
    const platform = {
      setTimeout: (fn: () => void, ms: number) => {
        const handle = setTimeout(
          () => {
            live.delete(handle);
            fn();
          },
          Math.min(ms, 2 ** 31 - 1),
        );
        live.set(handle, ms);
        return handle;
      },
      clearTimeout: (handle: unknown) => {
        live.delete(handle);
        clearTimeout(handle as ReturnType<typeof setTimeout>);
      },
    };
    cdn.fail(fault.delay(50));
    const { client, ready } = startClient({
      ...localServer(target),
      decisioningMethod: "on-device",
      artifactLocation: cdn.artifactUrl,
      targetLocationHint: "",
      pollingInterval: 300000,
      platform,
    });
    if (asked) client.decisioningEngine?.stopPolling();
    expect(client.decisioningEngine?.stopRequested).toBe(asked);
    await ready;
    expect([...live.values()].filter((ms) => ms >= 300000)).toHaveLength(pollTimers);
    await client.close();
  });
});
