/**
 * The location hint (`mboxEdgeCluster` cookie, the `PC` part of the `mbox` cookie, an answer's
 * `edgeHost`) becomes the Delivery API host. These tests play the attacks of issue #20 against
 * real local servers: a "Target" edge and an "attacker" host, each recording what reaches it.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import TargetClient, { ClientErrorCode, OptionsError, type FetchApi } from "@decisioning/client";
import { nodeFetch } from "@decisioning/engine/node";
import { startFakeDeliveryApi, type FakeDeliveryApi } from "@decisioning/testing/servers";
import { BASE_OPTIONS, demoArtifact, eventually, localServer, mboxCookie, readyClient, recordingLogger } from "../kit/clients.js";

let target: FakeDeliveryApi;
let attacker: FakeDeliveryApi;
beforeEach(async () => {
  [target, attacker] = await Promise.all([startFakeDeliveryApi({ offers: { hero: { title: "Hello" } } }), startFakeDeliveryApi()]);
});
afterEach(async () => {
  await Promise.all([target.close(), attacker.close()]);
});

/**
 * A fetch as a proxying deployment has one: Target's hosts go to the Target fake, hosts under
 * `evil.example` (or named `evil`) to the attacker; the URLs asked for are kept.
 */
function routingFetch(): { fetchApi: FetchApi; urls: string[] } {
  const urls: string[] = [];
  const fetchApi: FetchApi = (input, init) => {
    urls.push(input);
    const url = new URL(input);
    const to = url.hostname.endsWith(".tt.omtrdc.net") ? target : /(^|\.)evil(\.example)?$/.test(url.hostname) ? attacker : undefined;
    if (to) {
      url.protocol = "http:";
      url.host = to.host;
      url.username = "";
    }
    return fetch(url.toString(), init);
  };
  return { fetchApi, urls };
}

const heroRequest = (tntId = "visitor-1") => ({
  id: { tntId },
  context: { channel: "web" as const, address: { url: "https://shop.acme.com/private?email=a@b.c" } },
  execute: { mboxes: [{ name: "hero", index: 1 }] },
});

const HOSTILE_HINTS = [
  "35.evil.example:8443/",
  "35.evil.example/",
  "35; Domain=evil.example; Path=/",
  "35\r\nSet-Cookie: admin=1",
  "x@evil.example/",
  " 35",
  "35 ",
  "٣٥", // Arabic-Indic digits: digits, but not Target's
  "12345",
];

describe("a hostile mboxEdgeCluster cookie", () => {
  it.each(HOSTILE_HINTS)("never sends a server-side call elsewhere than Target (%j)", async (hint) => {
    const { fetchApi, urls } = routingFetch();
    const { client } = await readyClient({ fetchApi, targetLocationHint: "" });
    const result = await client.getOffers({ request: heroRequest(), targetLocationHint: hint });
    expect(attacker.requests).toHaveLength(0);
    expect(urls.map((url) => new URL(url).host)).toEqual(["acmeclient.tt.omtrdc.net"]);
    expect(result.targetLocationHintCookie).toBeUndefined();
    expect(result.response.execute?.mboxes?.[0]?.options?.[0]?.content).toEqual({ title: "Hello" });
  });

  it.each(HOSTILE_HINTS)("never sends an on-device decision's notification elsewhere than Target (%j)", async (hint) => {
    const { fetchApi, urls } = routingFetch();
    const artifact = demoArtifact();
    const { client } = await readyClient({ fetchApi, decisioningMethod: "on-device", artifactPayload: artifact, targetLocationHint: "" });
    const attributes = await client.getAttributes(["demo-engineering-flags"], { request: heroRequest(), targetLocationHint: hint });
    expect(attributes.getValue("demo-engineering-flags", "searchProviderId")).toBe(143);
    // The id the engine minted carries no cluster of the visitor's making.
    expect(attributes.getResponse().response.id?.tntId).not.toContain(".");
    await client.close();
    expect(client.getNotificationStats().sent).toBe(1);
    expect(attacker.requests).toHaveLength(0);
    expect(urls.map((url) => new URL(url).host)).toEqual(["acmeclient.tt.omtrdc.net"]);
    expect(target.calls[0]?.request.context?.address?.url).toBe("https://shop.acme.com/private?email=a@b.c");
  });

  it("cannot reach a host by user-info with node-fetch, which (unlike global fetch) accepts such URLs", async () => {
    // Unfixed, `x@127.0.0.1:<port>/` made `http://mboxedgex@127.0.0.1:<port>/.tt.omtrdc.net/…`: the attacker's host.
    const hint = `x@${attacker.host}/`;
    const viaNodeFetch: FetchApi = (input, init) => nodeFetch(input, { ...init });
    const { client } = await readyClient({ ...localServer(target), fetchApi: viaNodeFetch, targetLocationHint: "" });
    await client.getOffers({ request: heroRequest(), targetLocationHint: hint });
    expect(attacker.requests).toHaveLength(0);
    expect(target.calls).toHaveLength(1);
  });

  it("is ignored with a debug line that quotes it, cut short, on one line", async () => {
    const logger = recordingLogger();
    const { fetchApi } = routingFetch();
    const { client } = await readyClient({ fetchApi, logger, targetLocationHint: "" });
    await client.getOffers({ request: heroRequest(), targetLocationHint: `35\r\nforged log line${"x".repeat(500)}` });
    const line = logger.lines.find((entry) => String(entry.args[1]).includes("not an edge cluster"));
    expect(line?.level).toBe("debug");
    const quoted = String(line?.args[2]);
    expect(quoted.startsWith('"35\\r\\nforged log line')).toBe(true);
    expect(quoted).not.toMatch(/[\r\n]/);
    expect(quoted.length).toBeLessThan(80);
  });
});

describe("a hostile mbox cookie", () => {
  it.each(["abc.x@evil/_0", "abc.35.evil.example:8443/_0", "abc.x@evil.example/_0", "abc.35;Domain=evil.example_0"])(
    "cannot choose the host through the tntId it carries (%j)",
    async (tntId) => {
      const { fetchApi, urls } = routingFetch();
      const { client } = await readyClient({ fetchApi, targetLocationHint: "" });
      const result = await client.getOffers({ request: heroRequest(), targetCookie: mboxCookie({ PC: tntId }) });
      expect(attacker.requests).toHaveLength(0);
      expect(urls.map((url) => new URL(url).host)).toEqual(["acmeclient.tt.omtrdc.net"]);
      expect(result.targetLocationHintCookie).toBeUndefined();
    },
  );
});

describe("one visitor's cluster", () => {
  it("never becomes the client-wide hint for later visitors without a cookie, server-side", async () => {
    const { fetchApi, urls } = routingFetch();
    const { client } = await readyClient({ fetchApi, targetLocationHint: "" });
    // Even a valid cluster, and even when the edge confirms it, is that visitor's alone.
    target.respondWith((_call, answer) => ({ ...answer(), edgeHost: "mboxedge35.tt.omtrdc.net" }));
    await client.getOffers({ request: heroRequest("visitor-1"), targetLocationHint: "35" });
    await client.getOffers({ request: heroRequest("visitor-2"), targetCookie: mboxCookie({ PC: "visitor-2.28_0" }) });
    target.respondWith(undefined);
    const later = await client.getOffers({ request: heroRequest("visitor-3") });
    expect(urls.map((url) => new URL(url).host)).toEqual(["mboxedge35.tt.omtrdc.net", "mboxedge28.tt.omtrdc.net", "acmeclient.tt.omtrdc.net"]);
    expect(later.targetLocationHintCookie).toBeUndefined();
  });

  it("never becomes the client-wide hint on-device, where later visitors' ids and notifications would carry it", async () => {
    const { fetchApi, urls } = routingFetch();
    const { client } = await readyClient({ fetchApi, decisioningMethod: "on-device", artifactPayload: demoArtifact(), targetLocationHint: "" });
    target.respondWith((_call, answer) => ({ ...answer(), edgeHost: "mboxedge35.tt.omtrdc.net" }));
    await client.getAttributes(["demo-engineering-flags"], { targetLocationHint: "35" });
    await client.getAttributes(["demo-engineering-flags"], { targetCookie: mboxCookie({ PC: "tnt-9.35_0" }) });
    await eventually(() => client.getNotificationStats().sent === 2);
    const later = await client.getAttributes(["demo-engineering-flags"]);
    const laterOffers = later.getResponse();
    expect(laterOffers.targetLocationHintCookie).toBeUndefined();
    expect(laterOffers.response.id?.tntId).toMatch(/^[0-9a-f]{32}$/);
    await client.close();
    expect(urls.map((url) => new URL(url).host)).toEqual(["mboxedge35.tt.omtrdc.net", "mboxedge35.tt.omtrdc.net", "acmeclient.tt.omtrdc.net"]);
  });

  it("is learned from Target's answer only for a call that brought no cluster", async () => {
    const { fetchApi, urls } = routingFetch();
    const { client } = await readyClient({ fetchApi, targetLocationHint: "" });
    target.respondWith((_call, answer) => ({ ...answer(), edgeHost: "mboxedge31.tt.omtrdc.net" }));
    const first = await client.getOffers({ request: heroRequest("visitor-1") });
    target.respondWith(undefined);
    const next = await client.getOffers({ request: heroRequest("visitor-2") });
    expect(first.targetLocationHintCookie?.value).toBe("31");
    expect(next.targetLocationHintCookie?.value).toBe("31");
    expect(urls.map((url) => new URL(url).host)).toEqual(["acmeclient.tt.omtrdc.net", "mboxedge31.tt.omtrdc.net"]);
  });
});

describe("a hostile edgeHost in an answer", () => {
  it.each(["mboxedge35.evil.example", "mboxedge35.tt.omtrdc.net.evil.example", "mboxedge35;Domain=evil.example.tt.omtrdc.net", "evil.tt.omtrdc.net"])(
    "is neither learned nor handed back as a cookie (%j)",
    async (edgeHost) => {
      const { fetchApi, urls } = routingFetch();
      const { client } = await readyClient({ fetchApi, targetLocationHint: "" });
      target.respondWith((_call, answer) => ({ ...answer(), edgeHost }));
      const first = await client.getOffers({ request: heroRequest("visitor-1") });
      await client.getOffers({ request: heroRequest("visitor-2") });
      expect(first.targetLocationHintCookie).toBeUndefined();
      expect(attacker.requests).toHaveLength(0);
      expect(urls.map((url) => new URL(url).host)).toEqual(["acmeclient.tt.omtrdc.net", "acmeclient.tt.omtrdc.net"]);
    },
  );
});

describe("a configured targetLocationHint", () => {
  it.each(["35.evil.example", "35 ", "abc"])("that is not an edge cluster is refused at create, naming the option (%j)", (hint) => {
    const create = () => TargetClient.create({ ...BASE_OPTIONS, targetLocationHint: hint });
    expect(create).toThrow(OptionsError);
    expect(create).toThrow(expect.objectContaining({ code: ClientErrorCode.LocationHintInvalid, field: "targetLocationHint" }));
  });

  it.each(["", "35", "7"])("is taken when empty or digits (%j)", (hint) => {
    expect(() => TargetClient.create({ ...BASE_OPTIONS, targetLocationHint: hint }).close()).not.toThrow();
  });
});
