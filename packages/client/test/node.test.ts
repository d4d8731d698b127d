import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { startFakeDeliveryApi, type FakeDeliveryApi } from "@decisioning/testing/servers";
import NodeTargetClient, { TargetClient as NamedNodeTargetClient } from "../src/node.js";
import { TargetClient as PortableTargetClient } from "../src/target-client.js";
import { BASE_OPTIONS, demoArtifact, localServer } from "./kit/clients.js";

let target: FakeDeliveryApi;
beforeEach(async () => {
  target = await startFakeDeliveryApi();
});
afterEach(async () => {
  vi.unstubAllGlobals();
  await target.close();
});

function ready(client: PortableTargetClient, events: { ready?: () => void }): Promise<void> {
  return new Promise((resolve) => (events.ready = resolve));
}

describe("the client's Node entry", () => {
  it("exports a TargetClient, default and named, that is the portable one's subclass", () => {
    expect(NodeTargetClient).toBe(NamedNodeTargetClient);
    expect(NodeTargetClient.prototype).toBeInstanceOf(PortableTargetClient);
  });

  it("talks to Target over the Node transport when given no fetchApi: the global fetch is never called", async () => {
    const globalFetch = vi.fn(() => Promise.reject(new Error("global fetch used")));
    vi.stubGlobal("fetch", globalFetch);
    const events: { ready?: () => void } = {};
    const client = NodeTargetClient.create({
      ...BASE_OPTIONS,
      ...localServer(target),
      decisioningMethod: "on-device",
      artifactPayload: demoArtifact(),
      targetLocationHint: "",
      events: { clientReady: () => events.ready?.() },
    });
    expect(client).toBeInstanceOf(PortableTargetClient);
    await ready(client, events);
    const attributes = await client.getAttributes(["demo-engineering-flags"], { request: { id: { tntId: "node-1" } } });
    expect(attributes.getValue("demo-engineering-flags", "searchProviderId")).toBe(143);
    await target.waitForCalls(1);
    await client.close();
    expect(client.getNotificationStats()).toMatchObject({ sent: 1, dropped: 0 });
    expect(globalFetch).not.toHaveBeenCalled();
    // close() also closed the transport's kept-alive socket.
    await target.waitForNoConnections();
  });

  it("uses a fetchApi it is given instead", async () => {
    const given = vi.fn((input: string, init?: RequestInit) => fetch(input, init));
    const client = NodeTargetClient.create({ ...BASE_OPTIONS, ...localServer(target), fetchApi: given as never });
    await client.getOffers({ request: { execute: { mboxes: [{ name: "hero", index: 1 }] } } });
    expect(given).toHaveBeenCalledTimes(1);
    await client.close();
  });
});
