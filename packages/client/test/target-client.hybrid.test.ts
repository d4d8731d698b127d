import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { fault, startFakeDeliveryApi, type FakeDeliveryApi } from "@decisioning/testing/servers";
import { demoArtifact, localServer, readyClient, startClient } from "./kit/clients.js";

let target: FakeDeliveryApi;
beforeEach(async () => {
  target = await startFakeDeliveryApi({ offers: { "demo-recommendations": { items: ["a", "b"] }, "demo-hero-banner": { headline: "from the edge" } } });
});
afterEach(async () => {
  await target.close();
});

const hybrid = () => ({ ...localServer(target), decisioningMethod: "hybrid" as const, artifactPayload: demoArtifact(), targetLocationHint: "" });

describe("getOffers, hybrid", () => {
  it("decides locally, with no request, when the artifact can decide every requested mbox", async () => {
    const { client } = await readyClient(hybrid());
    const before = target.requests.length;
    const result = await client.getOffers({ request: { id: { tntId: "v" }, execute: { mboxes: [{ name: "demo-hero-banner" }] } } });
    expect(target.requests.length).toBe(before);
    expect(result.meta).toEqual({ decisioningMethod: "on-device", remoteMboxes: [], remoteViews: [] });
    await client.close();
  });

  it("sends the whole request to the edge when one mbox needs it, and reports which", async () => {
    const { client } = await readyClient(hybrid());
    const result = await client.getOffers({
      request: {
        id: { tntId: "v" },
        execute: {
          mboxes: [
            { name: "demo-hero-banner", index: 1 },
            { name: "demo-recommendations", index: 2 },
          ],
        },
      },
    });
    const [received] = target.calls;
    expect(received?.request.execute?.mboxes?.map((m) => m.name)).toEqual(["demo-hero-banner", "demo-recommendations"]);
    expect(result.meta).toEqual({ decisioningMethod: "server-side", remoteMboxes: ["demo-recommendations"], remoteViews: [] });
    expect(result.response.execute?.mboxes?.[1]?.options?.[0]?.content).toEqual({ items: ["a", "b"] });
    await client.close();
  });

  it("calls the edge for everything while the artifact is not in yet", async () => {
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    target.setRoute("/rules.json", { body: demoArtifact() });
    target.failAlways(fault.delay(gate), "/rules.json");
    const location = target.url("/rules.json");
    const { client, ready } = startClient({ ...hybrid(), artifactPayload: undefined, artifactLocation: location });
    const early = await client.getOffers({ request: { execute: { mboxes: [{ name: "demo-hero-banner" }] } } });
    expect(early.meta).toEqual({ decisioningMethod: "server-side", remoteMboxes: [], remoteViews: [] });
    expect(early.response.execute?.mboxes?.[0]?.options?.[0]?.content).toEqual({ headline: "from the edge" });
    expect(target.calls).toHaveLength(1);
    release();
    await ready;
    const later = await client.getOffers({ request: { id: { tntId: "v" }, execute: { mboxes: [{ name: "demo-hero-banner" }] } } });
    expect(later.meta.decisioningMethod).toBe("on-device");
    await client.close();
  });

  it("can be told to use the edge for one call", async () => {
    const { client } = await readyClient(hybrid());
    const result = await client.getOffers({ request: { execute: { mboxes: [{ name: "demo-hero-banner" }] } }, decisioningMethod: "server-side" });
    expect(result.meta.decisioningMethod).toBe("server-side");
    expect(target.calls).toHaveLength(1);
    await client.close();
  });
});
