import { afterEach, beforeEach, describe, expect, it } from "vitest";
import TargetClient, { ClientErrorCode, DeliveryApiError, SDK_VERSION } from "@decisioning/client";
import { fault, startFakeDeliveryApi, type FakeDeliveryApi } from "@decisioning/testing/servers";
import { BASE_OPTIONS, localServer, mboxCookie, readyClient, reroutingFetch } from "./kit/clients.js";

const ORG = BASE_OPTIONS.organizationId;
let target: FakeDeliveryApi;
beforeEach(async () => {
  target = await startFakeDeliveryApi({ offers: { hero: { title: "Hello" } } });
});
afterEach(async () => {
  await target.close();
});

const heroRequest = () => ({ execute: { mboxes: [{ name: "hero", index: 1 }] } });

describe("getOffers, server-side", () => {
  it("POSTs the Delivery API request and resolves with the reference's result shape", async () => {
    const { client } = await readyClient(localServer(target));
    const result = await client.getOffers({ request: { ...heroRequest(), context: { channel: "web", userAgent: "ua" } } });
    const [received] = target.calls;
    expect(received?.query).toMatchObject({ client: "acmeclient", imsOrgId: ORG, version: SDK_VERSION });
    expect(received?.query.sessionId).toMatch(/^[0-9a-f]{32}$/);
    expect(received?.request).toEqual(result.request);
    expect(received?.request.context).toMatchObject({ channel: "web", userAgent: "ua" });
    expect(Object.keys(result)).toEqual(["visitorState", "request", "targetCookie", "responseTokens", "meta", "response"]);
    expect(result.meta).toEqual({ decisioningMethod: "server-side", remoteMboxes: [], remoteViews: [] });
    expect(result.response.execute?.mboxes?.[0]?.options?.[0]?.content).toEqual({ title: "Hello" });
    expect(result.responseTokens).toEqual([{ "activity.decisioningMethod": "server-side" }]);
  });

  it("reads the session id and tntId from the mbox cookie and writes the edge's tntId back", async () => {
    const { client } = await readyClient(localServer(target));
    target.respondWith((_call, answer) => ({ ...answer(), id: { tntId: "edge-tnt.35_0" } }));
    const targetCookie = mboxCookie({ session: "session-from-cookie", PC: "cookie-tnt" });
    const result = await client.getOffers({ request: heroRequest(), targetCookie, sessionId: "ignored" });
    const [received] = target.calls;
    expect(received?.query.sessionId).toBe("session-from-cookie");
    expect(received?.request.id?.tntId).toBe("cookie-tnt");
    expect(result.targetCookie.name).toBe("mbox");
    expect(result.targetCookie.value).toMatch(/^session#session-from-cookie#\d+\|PC#edge-tnt\.35_0#\d+$/);
    expect(result.targetCookie.maxAge).toBeGreaterThanOrEqual(63244800);
  });

  it("uses the given session id when the cookie has none", async () => {
    const { client } = await readyClient(localServer(target));
    await client.getOffers({ request: heroRequest(), sessionId: "my-session" });
    expect(target.calls[0]?.query.sessionId).toBe("my-session");
  });

  it("reads the Marketing Cloud visitor id from the AMCV cookie and reports the visitor state", async () => {
    const { client } = await readyClient(localServer(target));
    const result = await client.getOffers({
      request: heroRequest(),
      visitorCookie:
        "-1330315163|MCIDTS|19000|MCMID|60512296548135734040380093938766066006|MCAAMLH-1700000000|9|MCAAMB-1700000000|j8Odv6LonN4r3an7LhD3WZrU1bUpAkFkkiY1ncBR96t2PTI",
      customerIds: { userid: { id: "67312378756723456", authState: TargetClient.AuthState.AUTHENTICATED } },
    });
    const body = target.calls[0]?.request as { id: unknown; experienceCloud: { audienceManager: unknown; analytics: { supplementalDataId: string } } };
    expect(body.id).toEqual({
      marketingCloudVisitorId: "60512296548135734040380093938766066006",
      customerIds: [{ id: "67312378756723456", integrationCode: "userid", authenticatedState: "authenticated" }],
    });
    expect(body.experienceCloud.audienceManager).toEqual({ locationHint: 9, blob: "j8Odv6LonN4r3an7LhD3WZrU1bUpAkFkkiY1ncBR96t2PTI" });
    const state = result.visitorState[ORG];
    expect(state?.customerIDs).toEqual({ userid: { id: "67312378756723456", authState: 1 } });
    expect(state?.sdid?.supplementalDataIDCurrent).toBe(body.experienceCloud.analytics.supplementalDataId);
    expect(state?.sdid?.supplementalDataIDCurrentConsumed).toEqual({ "payload:target-global-mbox": true });
  });

  it("uses the consumer id for the supplemental data id", async () => {
    const { client } = await readyClient(localServer(target));
    const result = await client.getOffers({ request: heroRequest(), consumerId: "hero" });
    expect(result.visitorState[ORG]?.sdid?.supplementalDataIDCurrentConsumed).toEqual({ "payload:hero": true });
  });

  it("sends the configured property token, environment id and at.js version", async () => {
    const { client } = await readyClient({ ...localServer(target), propertyToken: "prop-1", environmentId: 7, version: "2.11.0" });
    await client.getOffers({ request: heroRequest() });
    const [received] = target.calls;
    expect(received?.request.property).toEqual({ token: "prop-1" });
    expect(received?.request.environmentId).toBe(7);
    expect(received?.query.version).toBe("2.11.0");
  });

  it("collects A4T payloads and traces from the edge's answer", async () => {
    const { client } = await readyClient(localServer(target));
    target.failAlways(
      fault.body({ status: 200, execute: { mboxes: [{ name: "hero", index: 1, analytics: { payload: { tnta: "1:2:3" } }, trace: { clientCode: "acme" } }] } }),
    );
    const result = await client.getOffers({ request: heroRequest() });
    expect(result.analyticsDetails).toEqual([{ payload: { tnta: "1:2:3" } }]);
    expect(result.trace).toEqual([{ clientCode: "acme" }]);
  });
});

describe("getOffers, host selection and location hints", () => {
  it("calls {client}.tt.omtrdc.net over HTTPS by default", async () => {
    const { fetchApi, urls } = reroutingFetch(target);
    const { client } = await readyClient({ fetchApi });
    await client.getOffers({ request: heroRequest(), sessionId: "s1" });
    expect(urls[0]).toBe(
      `https://acmeclient.tt.omtrdc.net/rest/v1/delivery?client=acmeclient&sessionId=s1&version=${SDK_VERSION}&imsOrgId=1234567890%40AdobeOrg`,
    );
  });

  it("calls the edge cluster of the tntId in the mbox cookie, whatever serverDomain says", async () => {
    const { fetchApi, urls } = reroutingFetch(target);
    const { client } = await readyClient({ ...localServer(target), fetchApi });
    const result = await client.getOffers({ request: heroRequest(), targetCookie: mboxCookie({ PC: "abc.28_0" }) });
    expect(new URL(urls[0] ?? "").host).toBe("mboxedge28.tt.omtrdc.net");
    expect(urls[0]).toMatch(/^http:/);
    expect(result.targetLocationHintCookie).toEqual({ name: "mboxEdgeCluster", value: "28", maxAge: 1860 });
  });

  it("calls the cluster of the location hint given per call, else the configured one", async () => {
    const { fetchApi, urls } = reroutingFetch(target);
    const { client } = await readyClient({ ...localServer(target), fetchApi, targetLocationHint: "35" });
    await client.getOffers({ request: heroRequest(), targetLocationHint: "17" });
    await client.getOffers({ request: heroRequest() });
    expect(urls.map((url) => new URL(url).host)).toEqual(["mboxedge17.tt.omtrdc.net", "mboxedge35.tt.omtrdc.net"]);
  });

  it("learns the cluster from the edge host of an answer, returns it as a cookie and goes there next", async () => {
    const { fetchApi, urls } = reroutingFetch(target);
    const { client } = await readyClient({ ...localServer(target), fetchApi });
    target.respondWith((_call, answer) => ({ ...answer(), edgeHost: "mboxedge31.tt.omtrdc.net" }));
    const first = await client.getOffers({ request: heroRequest() });
    expect(first.targetLocationHintCookie).toEqual({ name: "mboxEdgeCluster", value: "31", maxAge: 1860 });
    await client.getOffers({ request: heroRequest() });
    expect(urls.map((url) => new URL(url).host)).toEqual([target.host, "mboxedge31.tt.omtrdc.net"]);
  });
});

describe("getOffers, telemetry", () => {
  it("attaches the previous call's telemetry entry to the next server-side request", async () => {
    const { fetchApi } = reroutingFetch(target);
    const { client } = await readyClient({ ...localServer(target), fetchApi });
    target.respondWith((_call, answer) => ({ ...answer(), edgeHost: "mboxedge31.tt.omtrdc.net", telemetryServerToken: "server-token" }));
    const first = await client.getOffers({ request: heroRequest() });
    expect(target.calls[0]?.request.telemetry).toBeUndefined();
    await client.getOffers({ request: { prefetch: { mboxes: [{ name: "hero" }], pageLoad: {} } } });
    const entries = target.calls[1]?.request.telemetry?.entries;
    expect(entries).toHaveLength(1);
    expect(entries?.[0]).toMatchObject({
      requestId: first.request.requestId,
      mode: "edge",
      telemetryServerToken: "server-token",
      features: { executeMboxCount: 1, decisioningMethod: "server-side" },
      request: { responseSize: expect.any(Number), timeToFirstByte: expect.any(Number), download: expect.any(Number) },
    });
    expect(entries?.[0]?.execution).toBeGreaterThan(0);
    expect(entries?.[0]?.timestamp).toBeGreaterThan(0);
  });

  it("reports a call to an edge that named no edge host as local mode, as the reference does", async () => {
    const { client } = await readyClient(localServer(target));
    await client.getOffers({ request: heroRequest() });
    await client.getOffers({ request: heroRequest() });
    expect(target.calls[1]?.request.telemetry?.entries?.[0]).toMatchObject({ mode: "local" });
  });

  it("sends no telemetry when telemetryEnabled is false", async () => {
    const { client } = await readyClient({ ...localServer(target), telemetryEnabled: false });
    await client.getOffers({ request: heroRequest() });
    await client.getOffers({ request: heroRequest() });
    expect(target.calls.map((call) => call.request.telemetry)).toEqual([undefined, undefined]);
  });
});

describe("getOffers, failures", () => {
  it("rejects with 'Request timed out' after the configured timeout", async () => {
    const { client } = await readyClient({ ...localServer(target), timeout: 150 });
    target.failAlways(fault.delay(2000));
    const started = Date.now();
    await expect(client.getOffers({ request: heroRequest() })).rejects.toMatchObject({ code: ClientErrorCode.DeliveryTimeout, message: "Request timed out" });
    expect(Date.now() - started).toBeLessThan(1500);
  });

  it("rejects a 4xx answer with a DeliveryApiError carrying the status, without retrying", async () => {
    const { client } = await readyClient(localServer(target));
    target.failAlways(fault.status(400, { status: 400, message: "Mbox name is required" }));
    const error = await client.getOffers({ request: heroRequest() }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeliveryApiError);
    expect(error).toMatchObject({ status: 400, code: ClientErrorCode.DeliveryHttpError });
    expect((error as Error).message).toContain("Mbox name is required");
    expect(target.calls).toHaveLength(1);
  });

  it("retries a 503 and resolves when the edge recovers", async () => {
    const { client } = await readyClient(localServer(target));
    target.fail(fault.status(503));
    await expect(client.getOffers({ request: heroRequest() })).resolves.toHaveProperty("response.execute");
    expect(target.calls).toHaveLength(2);
  });

  it("rejects a 5xx that persists, after the configured retries", async () => {
    const { client } = await readyClient({ ...localServer(target), deliveryRetries: 0 });
    target.failAlways(fault.status(504));
    await expect(client.getOffers({ request: heroRequest() })).rejects.toMatchObject({ status: 504 });
    expect(target.calls).toHaveLength(1);
  });

  it("rejects an on-device call on a server-side client: it has no engine", async () => {
    const { client } = await readyClient(localServer(target));
    await expect(client.getOffers({ request: heroRequest(), decisioningMethod: "on-device" })).rejects.toThrow(
      "Unable to fulfill request; decisioning engine not ready.",
    );
  });
});
