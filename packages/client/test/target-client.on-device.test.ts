import { afterEach, beforeEach, describe, expect, it } from "vitest";
import TargetClient, { ClientErrorCode, DeliveryApiError, EngineNotReadyError, type FetchApi } from "@decisioning/client";
import { fault, startFakeDeliveryApi, type FakeDeliveryApi } from "@decisioning/testing/servers";
import { BASE_OPTIONS, demoArtifact, eventually, localServer, mboxCookie, readyClient, reroutingFetch, startClient } from "./kit/clients.js";

let target: FakeDeliveryApi;
beforeEach(async () => {
  target = await startFakeDeliveryApi();
});
afterEach(async () => {
  await target.close();
});

const checkout = (tntId: string) => ({ id: { tntId }, execute: { mboxes: [{ name: "demo-checkout-experiment", index: 1 }] } });
// A known cluster sends calls to mboxedge35.tt.omtrdc.net, so those are routed to the fake.
const onDevice = () => ({
  ...localServer(target),
  fetchApi: reroutingFetch(target).fetchApi,
  decisioningMethod: "on-device" as const,
  artifactPayload: demoArtifact(),
  targetLocationHint: "35",
});

/** A fetch that counts its calls. */
function countingFetch(): { fetchApi: FetchApi; calls: () => number } {
  let calls = 0;
  return {
    fetchApi: (input, init) => {
      calls += 1;
      return fetch(input, init);
    },
    calls: () => calls,
  };
}

describe("getOffers, on-device", () => {
  it("rejects with the reference's 'engine not ready' error until the artifact is in, then decides", async () => {
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    target.setRoute("/slow/rules.json", { body: demoArtifact() });
    target.failAlways(fault.delay(gate), "/slow/rules.json");
    const location = target.url("/slow/rules.json");
    const { client, ready } = startClient({ ...onDevice(), artifactPayload: undefined, artifactLocation: location });
    const early = await client.getOffers({ request: checkout("v1") }).catch((e: unknown) => e);
    expect(early).toBeInstanceOf(EngineNotReadyError);
    expect(early).toMatchObject({ code: ClientErrorCode.EngineNotReady, message: "Unable to fulfill request; decisioning engine not ready." });
    release();
    await ready;
    await expect(client.getOffers({ request: checkout("v1") })).resolves.toMatchObject({ meta: { decisioningMethod: "on-device" } });
    await client.close();
  });

  it("decides in process: no request leaves between the call and the answer", async () => {
    const counter = countingFetch();
    const { client } = await readyClient({ ...onDevice(), fetchApi: counter.fetchApi });
    const fetchesBefore = counter.calls();
    const requestsBefore = target.requests.length;
    const result = await client.getOffers({ request: checkout("visitor-1") });
    expect(counter.calls()).toBe(fetchesBefore);
    expect(target.requests.length).toBe(requestsBefore);
    expect(result.meta).toEqual({ decisioningMethod: "on-device", remoteMboxes: [], remoteViews: [] });
    expect(result.response.execute?.mboxes?.[0]?.options?.[0]?.content).toHaveProperty("checkoutFlow");
    expect(result.responseTokens?.[0]).toMatchObject({ "activity.decisioningMethod": "on-device", "activity.name": "Checkout experiment" });
    await client.close();
  });

  it("splits visitors 50/50 between the experiences of an A/B activity, and keeps each visitor in one", async () => {
    const { client } = await readyClient(onDevice());
    const flows = new Map<string, string>();
    for (let i = 0; i < 40; i++) {
      const result = await client.getOffers({ request: checkout(`visitor-${i}`) });
      flows.set(`visitor-${i}`, (result.response.execute?.mboxes?.[0]?.options?.[0]?.content as { checkoutFlow: string }).checkoutFlow);
    }
    const counts = [...flows.values()].reduce<Record<string, number>>((acc, flow) => ({ ...acc, [flow]: (acc[flow] ?? 0) + 1 }), {});
    expect(Object.keys(counts).sort()).toEqual(["classic", "one-page"]);
    for (const [visitor, flow] of [...flows].slice(0, 10)) {
      const again = await client.getOffers({ request: checkout(visitor) });
      expect((again.response.execute?.mboxes?.[0]?.options?.[0]?.content as { checkoutFlow: string }).checkoutFlow).toBe(flow);
    }
    await client.close();
  });

  it("gives a new visitor a tntId on the known cluster, in the mbox cookie, and the same decision when it comes back", async () => {
    const { client } = await readyClient(onDevice());
    const request = { execute: { mboxes: [{ name: "demo-hero-banner", index: 1 }] } };
    const first = await client.getOffers({ request });
    const tntId = first.response.id?.tntId;
    expect(tntId).toMatch(/^[0-9a-f]{32}\.35_0$/);
    expect(first.targetCookie.value).toContain(`|PC#${encodeURIComponent(tntId ?? "")}#`);
    const again = await client.getOffers({ request, targetCookie: first.targetCookie.value });
    expect(again.request.id?.tntId).toBe(tntId);
    expect(again.response.execute?.mboxes?.[0]?.options).toEqual(first.response.execute?.mboxes?.[0]?.options);
    expect(again.targetLocationHintCookie).toEqual({ name: "mboxEdgeCluster", value: "35", maxAge: 1860 });
    await client.close();
  });

  it("sends display notifications in the background, with the decision's session and the engine's telemetry", async () => {
    target.setRoute("/rules.json", { body: demoArtifact() });
    const location = target.url("/rules.json");
    const { client } = await readyClient({ ...localServer(target), decisioningMethod: "on-device", artifactLocation: location });
    const result = await client.getOffers({ request: checkout("visitor-7"), targetCookie: mboxCookie({ session: "sess-7" }) });
    const [ping, notification] = await target.waitForCalls(2);
    expect(ping?.query.sessionId).toBe("ping123");
    expect(notification?.query.sessionId).toBe("sess-7");
    expect(notification?.request.id).toEqual({ tntId: "visitor-7" });
    expect(notification?.request.notifications).toEqual([
      {
        id: expect.any(String),
        impressionId: expect.any(String),
        timestamp: expect.any(Number),
        type: "display",
        mbox: { name: "demo-checkout-experiment" },
        tokens: [expect.stringMatching(/^ZGVtby1jaGVja291dC1leHBlcmllbmNl/)],
      },
    ]);
    expect((notification?.request.experienceCloud?.analytics as { supplementalDataId?: string } | undefined)?.supplementalDataId).toBe(
      result.request.experienceCloud?.analytics?.supplementalDataId,
    );
    const entries = notification?.request.telemetry?.entries as Array<Record<string, any>>;
    expect(entries.find((entry) => entry.requestId === result.request.requestId)).toMatchObject({
      mode: "local",
      features: { executeMboxCount: 1, decisioningMethod: "on-device" },
    });
    expect(entries.some((entry) => entry.requestId === "ArtifactDownload")).toBe(true);
    await client.close();
  });

  it("sends a decision's notification with its ids as decided: customer ids once, the request's property token", async () => {
    const { client } = await readyClient({ ...localServer(target), decisioningMethod: "on-device", artifactPayload: demoArtifact(), targetLocationHint: "" });
    const result = await client.getOffers({
      request: { ...checkout("visitor-8"), property: { token: "workspace-8" } },
      customerIds: { crm: { id: "c-8", authState: TargetClient.AuthState.AUTHENTICATED } },
    });
    const [notification] = await target.waitForCalls(1);
    expect(result.request.id?.customerIds).toEqual([{ integrationCode: "crm", id: "c-8", authenticatedState: "authenticated" }]);
    expect(notification?.request.id).toEqual(result.request.id);
    expect(notification?.request.property).toEqual({ token: "workspace-8" });
    expect(notification?.request.requestId).not.toBe(result.request.requestId);
    await client.close();
  });

  it("sends notifications to the visitor's edge cluster", async () => {
    const urls: string[] = [];
    const fetchApi: FetchApi = (input, init) => {
      urls.push(input);
      const url = new URL(input);
      url.host = target.host;
      url.protocol = "http:";
      return fetch(url.toString(), init);
    };
    const { client } = await readyClient({ ...onDevice(), fetchApi });
    await client.getOffers({ request: { execute: { mboxes: [{ name: "demo-hero-banner" }] } }, targetCookie: mboxCookie({ PC: "abc.28_0" }) });
    await target.waitForCalls(1);
    expect(new URL(urls[0] ?? "").host).toBe("mboxedge28.tt.omtrdc.net");
    await client.close();
  });

  it("reports a failing notification as a sendNotificationError event and never to the caller", async () => {
    const { client, events } = await readyClient(onDevice());
    target.failAlways(fault.status(500, { status: 500, message: "edge down" }));
    await expect(client.getOffers({ request: checkout("v") })).resolves.toHaveProperty("response");
    await eventually(() => events.some((event) => event.type === "sendNotificationError"));
    const failure = events.find((event) => event.type === "sendNotificationError");
    expect(failure?.error).toBeInstanceOf(DeliveryApiError);
    expect(failure?.error).toMatchObject({ status: 500 });
    expect(failure?.notification).toMatchObject({ request: { notifications: [expect.objectContaining({ type: "display" })] } });
    const visitor = (failure?.notification as { visitor?: { getState(): unknown } }).visitor;
    expect(visitor?.getState()).toHaveProperty(["1234567890@AdobeOrg", "sdid"]);
    await client.close();
  });

  it("decides prefetch on-device and keeps event tokens for the caller to notify later", async () => {
    const { client } = await readyClient({ ...onDevice(), telemetryEnabled: false });
    const result = await client.getOffers({ request: { id: { tntId: "v" }, prefetch: { mboxes: [{ name: "demo-engineering-flags", index: 0 }] } } });
    expect(result.response.prefetch?.mboxes?.[0]?.options?.[0]?.eventToken).toBe("ZGVtby1lbmdpbmVlcmluZy1mbGFncy1ldmVyeW9uZS10b2tlbg==");
    await client.close();
    expect(target.calls).toHaveLength(0);
  });

  it("lists the requested mboxes that the artifact cannot decide in meta", async () => {
    const { client } = await readyClient(onDevice());
    const result = await client.getOffers({
      request: { id: { tntId: "v" }, execute: { mboxes: [{ name: "demo-hero-banner" }, { name: "demo-recommendations" }, { name: "unknown-mbox" }] } },
    });
    expect(result.meta).toEqual({ decisioningMethod: "on-device", remoteMboxes: ["demo-recommendations", "unknown-mbox"], remoteViews: [] });
    await client.close();
  });

  it("passes the organization id to the engine so obfuscated artifacts can be read", async () => {
    const { client } = await readyClient({ ...onDevice(), organizationId: BASE_OPTIONS.organizationId });
    await expect(client.getOffers({ request: checkout("v") })).resolves.toBeDefined();
    await client.close();
  });

  it("learns the edge cluster from the answer to a queued notification, and sends the next call there", async () => {
    const { fetchApi, urls } = reroutingFetch(target);
    const { client } = await readyClient({ ...onDevice(), fetchApi, targetLocationHint: undefined });
    target.respondWith((_call, answer) => ({ ...answer(), edgeHost: "mboxedge31.tt.omtrdc.net" }));
    const decided = await client.getOffers({ request: checkout("visitor-1") });
    expect(decided.targetLocationHintCookie).toBeUndefined();
    await eventually(() => client.getNotificationStats().sent === 1);
    const next = await client.getOffers({ request: checkout("visitor-2") });
    expect(next.targetLocationHintCookie).toEqual({ name: "mboxEdgeCluster", value: "31", maxAge: 1860 });
    await client.close();
    expect(new URL(urls[urls.length - 1] as string).host).toBe("mboxedge31.tt.omtrdc.net");
  });
});
