/**
 * Differential tests: Adobe's `@adobe/target-nodejs-sdk` 2.4.3 (a dev dependency, used here as
 * an oracle only) and this client make the same calls against the same fake edge; what reaches
 * the edge and what the caller gets back must match, once random ids are masked.
 */
import { createRequire } from "node:module";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import TargetClient from "@decisioning/client";
import { fault, startFakeDeliveryApi, type DeliveryCall, type FakeDeliveryApi } from "@decisioning/testing/servers";
import { BASE_OPTIONS, demoArtifact, localServer, mboxCookie, readyClient } from "./kit/clients.js";

const require = createRequire(import.meta.url);
const ReferenceClient = require("@adobe/target-nodejs-sdk") as {
  create(options: Record<string, unknown>): any;
};

let target: FakeDeliveryApi;
beforeEach(async () => {
  // The reference sends no ?client=, so the fake must know the client, as Target's host does.
  target = await startFakeDeliveryApi({ client: "acmeclient", offers: { hero: { title: "Hello" }, flags: { on: true, n: 2 } } });
});
afterEach(async () => {
  await target.close();
});

function referenceClient(options: Record<string, unknown>): Promise<any> {
  return new Promise((resolve) => {
    const client = ReferenceClient.create({ ...BASE_OPTIONS, ...localServer(target), ...options, events: { clientReady: () => resolve(client) } });
  });
}

/** Mask what is random per call: uuids, SDIDs, timestamps and durations. */
function masked(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value), (key, v: unknown) => {
    if (typeof v === "string" && /^[0-9a-f]{32}$/.test(v)) return "<uuid>";
    if (typeof v === "string" && /^[0-9A-F]{16}-[0-9A-F]{16}$/.test(v)) return "<sdid>";
    if (typeof v === "string") return v.replace(/[0-9a-f]{32}/g, "<uuid>").replace(/#\d{10}(?=\||$)/g, "#<expires>");
    if (key === "timestamp" || key === "maxAge") return "<number>";
    return v;
  });
}

/** The edge's view of a call: body plus the query this client and the reference both send. */
const seen = (call: DeliveryCall | undefined) => masked({ sessionId: call?.query.sessionId, imsOrgId: call?.query.imsOrgId, body: call?.request });

async function both<T>(run: (client: any) => Promise<T>, options: Record<string, unknown> = {}) {
  const reference = await referenceClient(options);
  const start = target.calls.length;
  const theirs = await run(reference);
  const theirRequests = target.calls.slice(start);
  const { client: ours } = await readyClient({ ...localServer(target), ...options });
  const mid = target.calls.length;
  const mine = await run(ours);
  const myRequests = target.calls.slice(mid);
  await ours.close();
  return { theirs, mine, theirRequests, myRequests };
}

const cookies = () => ({
  visitorCookie: "-1330315163|MCIDTS|19000|MCMID|60512296548135734040380093938766066006|MCAAMLH-1700000000|9|MCAAMB-1700000000|blob",
  targetCookie: mboxCookie({ session: "session-1", PC: "tnt-1.28_0" }),
  customerIds: { userid: { id: "u-1", authState: TargetClient.AuthState.AUTHENTICATED }, crm: "c-1" },
});

describe("against @adobe/target-nodejs-sdk 2.4.3", () => {
  it("sends the same server-side request and resolves with the same result", async () => {
    const run = (client: any) =>
      client.getOffers({
        request: {
          context: { channel: "web", address: { url: "https://shop.example/p?x=1" } },
          execute: { pageLoad: {}, mboxes: [{ name: "hero" }, { name: "flags", index: 5 }] },
          prefetch: { views: [{}] },
        },
        visitorCookie: cookies().visitorCookie,
        sessionId: "given-session",
        customerIds: cookies().customerIds,
        consumerId: "hero",
      });
    const { theirs, mine, theirRequests, myRequests } = await both(run, { propertyToken: "prop-1", environmentId: 3 });
    expect(myRequests.map(seen)).toEqual(theirRequests.map(seen));
    expect(masked(mine)).toEqual(masked(theirs));
  });

  it("reads the mbox cookie and writes the mbox and mboxEdgeCluster cookies the same way", async () => {
    target.respondWith((_call, answer) => ({ ...answer(), id: { tntId: "edge-tnt.28_0" } }));
    const run = (client: any) => client.getOffers({ request: { execute: { mboxes: [{ name: "hero" }] } }, targetCookie: cookies().targetCookie });
    const reroute = {
      serverDomain: undefined,
      fetchApi: (url: string, init: RequestInit) => fetch(url.replace(/^https?:\/\/mboxedge28\.tt\.omtrdc\.net/, target.origin), init),
    };
    const { theirs, mine, theirRequests, myRequests } = await both(run, reroute);
    expect(myRequests.map(seen)).toEqual(theirRequests.map(seen));
    expect(masked(mine)).toEqual(masked(theirs));
    expect((mine as { targetLocationHintCookie?: unknown }).targetLocationHintCookie).toEqual({ name: "mboxEdgeCluster", value: "28", maxAge: 1860 });
  });

  it("builds the same getAttributes request and reads the same attributes", async () => {
    const run = async (client: any) => {
      const attributes = await client.getAttributes(["flags", "hero"], { request: { execute: { mboxes: [{ name: "other", index: 2 }] } } });
      const missing = attributes.getValue("flags", "zz");
      return {
        json: attributes.toJSON(),
        flags: attributes.asObject("flags"),
        n: attributes.getValue("flags", "n"),
        missing: [missing instanceof Error, missing.message],
      };
    };
    const { theirs, mine, theirRequests, myRequests } = await both(run);
    expect(myRequests.map(seen)).toEqual(theirRequests.map(seen));
    expect(mine).toEqual(theirs);
  });

  it("posts the same notifications", async () => {
    const notification = { id: "n-1", type: "click", timestamp: 1700000000000, tokens: ["t"], mbox: { name: "hero" } };
    const run = (client: any) =>
      client.sendNotifications({
        request: { context: { channel: "web" }, notifications: [notification, { id: "bad" }] },
        targetCookie: mboxCookie({ session: "session-2", PC: "tnt-2" }),
      });
    const { theirs, mine, theirRequests, myRequests } = await both(run, { telemetryEnabled: false });
    expect(myRequests.map(seen)).toEqual(theirRequests.map(seen));
    expect(masked(mine)).toEqual(masked(theirs));
  });

  it("decides the demo artifact on-device like the reference, attributes and meta included", async () => {
    const run = async (client: any) => {
      const results = [];
      for (const tntId of ["a", "b", "c", "d", "e", "f"]) {
        const attributes = await client.getAttributes(["demo-engineering-flags", "demo-checkout-experiment", "demo-hero-banner", "demo-recommendations"], {
          request: { id: { tntId } },
        });
        const offers = attributes.getResponse();
        results.push({ attributes: attributes.toJSON(), meta: offers.meta, tokens: offers.responseTokens, cookie: masked(offers.targetCookie) });
      }
      return results;
    };
    const { theirs, mine } = await both(run, { decisioningMethod: "on-device", artifactPayload: demoArtifact(), targetLocationHint: "" });
    expect(mine).toEqual(theirs);
  });

  it("routes hybrid requests the same way: local when the artifact decides them all, the edge otherwise", async () => {
    target.setOffers({ "demo-recommendations": { items: [1] } });
    const options = { decisioningMethod: "hybrid", artifactPayload: demoArtifact(), targetLocationHint: "", telemetryEnabled: false };
    const run = async (client: any) => {
      const local = await client.getOffers({ request: { id: { tntId: "h" }, prefetch: { mboxes: [{ name: "demo-hero-banner" }] } } });
      const remote = await client.getOffers({
        request: { id: { tntId: "h" }, prefetch: { mboxes: [{ name: "demo-hero-banner" }, { name: "demo-recommendations" }] } },
      });
      return masked({ local: [local.meta, local.response.prefetch], remote: [remote.meta, remote.response.prefetch] });
    };
    const { theirs, mine, theirRequests, myRequests } = await both(run, options);
    expect(mine).toEqual(theirs);
    expect(myRequests.map(seen)).toEqual(theirRequests.map(seen));
  });

  it("sends the same display notifications after an on-device decision", async () => {
    const options = { decisioningMethod: "on-device", artifactPayload: demoArtifact(), targetLocationHint: "", telemetryEnabled: false };
    const request = {
      id: { tntId: "visitor-n" },
      context: { channel: "web", address: { url: "https://shop.example/" } },
      execute: { mboxes: [{ name: "demo-hero-banner" }, { name: "demo-engineering-flags" }] },
    };
    const notificationOf = async (client: any) => {
      const before = target.calls.length;
      await client.getOffers({ request, visitorCookie: "MCMID|mcid-n" });
      const [sent] = await target.waitForCalls(before + 1).then((all) => all.slice(before));
      // The reference sends under a fresh session id; this client under the decision's.
      return masked(sent?.request);
    };
    const reference = await referenceClient(options);
    const theirs = await notificationOf(reference);
    const { client: ours } = await readyClient({ ...localServer(target), ...options } as never);
    const mine = await notificationOf(ours);
    await ours.close();
    expect(mine).toEqual(theirs);
  });

  it.each([
    ["getOffers", undefined],
    ["getOffers", {}],
    ["getOffers", { request: {} }],
    ["getOffers", { request: { execute: { mboxes: [] } } }],
    ["getOffers", { request: { prefetch: { pageLoad: undefined } } }],
    ["getOffers", { request: { prefetch: { mboxes: [] } } }],
    ["sendNotifications", { request: { context: { channel: "web" } } }],
  ])("rejects %s(%j) with the reference's message", async (method, options) => {
    const reference = await referenceClient({ telemetryEnabled: false });
    const { client: ours } = await readyClient({ ...localServer(target), telemetryEnabled: false });
    const theirs = await reference[method](options).then(
      () => "resolved",
      (e: Error) => e.message,
    );
    const mine = await (ours as any)[method](options).then(
      () => "resolved",
      (e: Error) => e.message,
    );
    expect(mine).toBe(theirs);
  });

  it("refuses the same client options with the same messages", () => {
    const attempts = [undefined, {}, { client: "acme" }, { organizationId: "o" }, { client: "acme", organizationId: "o", decisioningMethod: "edge" }];
    for (const options of attempts) {
      const message = (create: (o: unknown) => unknown) => {
        try {
          create(options);
          return "created";
        } catch (error) {
          return (error as Error).message;
        }
      };
      expect(message((o) => TargetClient.create(o as never))).toBe(message((o) => ReferenceClient.create(o as never)));
    }
  });

  it("rejects on-device calls before the artifact is in with the same message", async () => {
    target.setRoute("/never.json", { body: {} });
    target.failAlways(fault.hang(), "/never.json");
    const location = target.url("/never.json");
    const reference = ReferenceClient.create({
      ...BASE_OPTIONS,
      ...localServer(target),
      decisioningMethod: "on-device",
      artifactLocation: location,
      targetLocationHint: "",
    });
    const ours = TargetClient.create({
      ...BASE_OPTIONS,
      ...localServer(target),
      decisioningMethod: "on-device",
      artifactLocation: location,
      targetLocationHint: "",
    });
    const request = { request: { execute: { mboxes: [{ name: "hero" }] } } };
    const theirs = await reference.getOffers(request).catch((e: Error) => e.message);
    const mine = await ours.getOffers(request).catch((e: Error) => e.message);
    expect(mine).toBe(theirs);
  });
});
