import { afterEach, beforeEach, describe, expect, it } from "vitest";
import TargetClient, { AttributeNotFoundError, type AttributesProvider, type FetchApi } from "@decisioning/client";
import { startFakeDeliveryApi, type FakeDeliveryApi } from "@decisioning/testing/servers";
import { demoArtifact, eventually, localOnlyFetch, localServer, mboxCookie, readyClient } from "./kit/clients.js";

let target: FakeDeliveryApi;
beforeEach(async () => {
  target = await startFakeDeliveryApi();
});
afterEach(async () => {
  await target.close();
});

const FLAGS = { cdnHostname: "cdn.cloud.corp.net", searchProviderId: 143, hasLegacyAccess: false };

/**
 * An on-device client on a fixed clock whose ids and SDID draws restart at each `replay()`, so
 * that two calls made after one each see the same ones.
 */
async function replayableClient(): Promise<{ client: TargetClient; replay: () => void }> {
  let ids = 0;
  const platform = { now: () => 1_700_000_000_000, uuid: () => `id${++ids}`, random: () => (ids % 7) / 7 };
  const options = { ...localServer(target), decisioningMethod: "on-device" as const, artifactPayload: demoArtifact(), targetLocationHint: "", platform };
  const { client } = await readyClient(options);
  return { client, replay: () => (ids = 0) };
}

describe("getAttributes", () => {
  it("reproduces the spec example on-device, with zero requests between the call and the answer", async () => {
    let fetches = 0;
    const fetchApi: FetchApi = (input, init) => {
      fetches += 1;
      return localOnlyFetch(input, init);
    };
    // The spec's client: {client: "acmeclient", organizationId: "1234567890@AdobeOrg", events: {clientReady}}.
    const client = await new Promise<TargetClient>((resolve) => {
      const created: TargetClient = TargetClient.create({
        client: "acmeclient",
        organizationId: "1234567890@AdobeOrg",
        decisioningMethod: "on-device",
        artifactPayload: demoArtifact(),
        ...localServer(target),
        fetchApi,
        events: { clientReady: () => resolve(created) },
      });
    });

    const fetchesBefore = fetches;
    const requestsBefore = target.requests.length;
    const attributes = await client.getAttributes(["demo-engineering-flags"]);
    const fetchesBetween = fetches - fetchesBefore;
    const requestsBetween = target.requests.length - requestsBefore;

    expect(fetchesBetween).toBe(0);
    expect(requestsBetween).toBe(0);
    expect(attributes.getValue("demo-engineering-flags", "searchProviderId")).toBe(143);
    expect(attributes.asObject("demo-engineering-flags")).toEqual(FLAGS);
    expect(attributes.getResponse().meta.decisioningMethod).toBe("on-device");

    // The display notification follows in the background.
    const notifications = await target.waitForCalls(requestsBefore + 1);
    expect(notifications.at(-1)?.request.notifications?.[0]).toMatchObject({ type: "display", mbox: { name: "demo-engineering-flags" } });
    await client.close();
  });

  it("adds the mboxes to execute after the caller's own, and reads prefetched ones too", async () => {
    const { client } = await readyClient({ ...localServer(target), decisioningMethod: "on-device", artifactPayload: demoArtifact(), targetLocationHint: "" });
    const attributes = await client.getAttributes(["demo-engineering-flags", "demo-hero-banner"], {
      request: {
        id: { tntId: "visitor-3" },
        prefetch: { mboxes: [{ name: "demo-hero-banner", index: 4 }] },
        execute: { mboxes: [{ name: "demo-checkout-experiment", index: 2 }] },
      },
    });
    expect(attributes.getResponse().request.execute?.mboxes).toEqual([
      { name: "demo-checkout-experiment", index: 2 },
      { name: "demo-engineering-flags", index: 3 },
    ]);
    expect(Object.keys(attributes.toJSON()).sort()).toEqual(["demo-checkout-experiment", "demo-engineering-flags", "demo-hero-banner"]);
    expect(typeof attributes.getString("demo-hero-banner", "headline")).toBe("string");
    await client.close();
  });

  it("gives typed values with defaults that never throw", async () => {
    const { client } = await readyClient({ ...localServer(target), decisioningMethod: "on-device", artifactPayload: demoArtifact(), targetLocationHint: "" });
    const attributes: AttributesProvider = await client.getAttributes(["demo-engineering-flags"]);
    expect(attributes.getNumber("demo-engineering-flags", "searchProviderId", 0)).toBe(143);
    expect(attributes.getBoolean("demo-engineering-flags", "hasLegacyAccess", true)).toBe(false);
    expect(attributes.getString("demo-engineering-flags", "cdnHostname", "")).toBe("cdn.cloud.corp.net");
    expect(attributes.getString("demo-engineering-flags", "searchProviderId", "none")).toBe("none");
    expect(attributes.getNumber("not-requested", "x", -1)).toBe(-1);
    expect(attributes.getValue("demo-engineering-flags", "missing")).toBeInstanceOf(AttributeNotFoundError);
    await client.close();
  });

  it("builds getResponse() on first use exactly as getOffers builds its result for the same call", async () => {
    const { client, replay } = await replayableClient();
    const request = { id: { tntId: "visitor-7" }, context: { channel: "web" as const, address: { url: "https://shop.example/" } } };
    replay();
    const attributes = await client.getAttributes(["demo-engineering-flags"], { request, targetCookie: mboxCookie({ session: "s-1" }, 1_700_000_000_000) });
    replay();
    const offers = await client.getOffers({
      request: { ...request, execute: { mboxes: [{ name: "demo-engineering-flags", index: 1 }] } },
      targetCookie: mboxCookie({ session: "s-1" }, 1_700_000_000_000),
    });
    expect(attributes.getResponse()).toEqual(offers);
    expect(attributes.getResponse()).toBe(attributes.getResponse());
    await client.close();
  });

  it("builds getResponse() after the call's notification went out just as it would have right after the call", async () => {
    const { client, replay } = await replayableClient();
    const request = { id: { tntId: "visitor-8" }, context: { channel: "web" as const, address: { url: "https://shop.example/" } } };
    replay();
    const offers = await client.getOffers({ request: { ...request, execute: { mboxes: [{ name: "demo-engineering-flags", index: 1 }] } } });
    replay();
    const attributes = await client.getAttributes(["demo-engineering-flags"], { request });
    await eventually(() => client.getNotificationStats().sent === 2);
    const late = attributes.getResponse();
    expect(late.visitorState).toEqual(offers.visitorState);
    expect(late).toEqual(offers);
    await client.close();
  });

  it("keeps the attributes it decided when the response from getResponse() is changed before the first read", async () => {
    const { client } = await readyClient({ ...localServer(target), decisioningMethod: "on-device", artifactPayload: demoArtifact(), targetLocationHint: "" });
    const attributes = await client.getAttributes(["demo-engineering-flags"], { request: { id: { tntId: "visitor-8" } } });
    const content = attributes.getResponse().response.execute?.mboxes?.[0]?.options?.[0]?.content as Record<string, unknown>;
    content.searchProviderId = "changed";
    expect(attributes.getValue("demo-engineering-flags", "searchProviderId")).toBe(143);
    await client.close();
  });

  it("hands the edge cluster of the visitor's tntId back to that visitor only", async () => {
    const { client } = await readyClient({ ...localServer(target), decisioningMethod: "on-device", artifactPayload: demoArtifact(), targetLocationHint: "" });
    const first = await client.getAttributes(["demo-engineering-flags"], { targetCookie: mboxCookie({ PC: "tnt-9.35_0" }) });
    const later = await client.getAttributes(["demo-engineering-flags"], { request: { id: { tntId: "visitor-10" } } });
    expect(first.getResponse().targetLocationHintCookie).toEqual({ name: "mboxEdgeCluster", value: "35", maxAge: 1860 });
    expect(later.getResponse().targetLocationHintCookie).toBeUndefined();
    await client.close();
  });

  it("reads attributes from the edge for a server-side client", async () => {
    target.setOffers({ "demo-engineering-flags": FLAGS });
    const { client } = await readyClient(localServer(target));
    const attributes = await client.getAttributes(["demo-engineering-flags"]);
    expect(attributes.asObject()).toEqual({ "demo-engineering-flags": FLAGS });
    expect(target.calls[0]?.request).toMatchObject({ context: { channel: "web" }, execute: { mboxes: [{ name: "demo-engineering-flags", index: 1 }] } });
  });

  it("rejects a missing list of mbox names", async () => {
    const { client } = await readyClient(localServer(target));
    await expect(client.getAttributes(undefined as never)).rejects.toMatchObject({ code: "MBOX_NAMES_REQUIRED" });
  });
});
