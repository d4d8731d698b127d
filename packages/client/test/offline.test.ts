import { afterEach, describe, expect, it, vi } from "vitest";
import TargetClient, { ClientErrorCode, OptionsError, type Artifact, type TargetClientOptions } from "@decisioning/client";
import { forceVisitor } from "@decisioning/testing";
import { BASE_OPTIONS, demoArtifact } from "./kit/clients.js";

afterEach(() => {
  vi.unstubAllGlobals();
});

/** An offline client, ready: with `offline: true`, ready comes from the artifact in hand alone. */
function offlineClient(extra: Partial<TargetClientOptions> = {}): Promise<TargetClient> {
  return new Promise((resolve) => {
    const client = TargetClient.create({
      ...BASE_OPTIONS,
      offline: true,
      artifactPayload: demoArtifact(),
      ...extra,
      events: { clientReady: () => resolve(client) },
    });
  });
}

describe("an offline client (offline: true), for tests", () => {
  it("decides on-device and records the notification it owes instead of sending it, with no network at all", async () => {
    const fetchSpy = vi.fn(() => Promise.reject(new Error("network used")));
    vi.stubGlobal("fetch", fetchSpy);
    const client = await offlineClient();
    const attributes = await client.getAttributes(["demo-engineering-flags"], { request: { id: { tntId: "test-visitor" } } });
    expect(attributes.getValue("demo-engineering-flags", "searchProviderId")).toBe(143);
    expect(attributes.getResponse().meta.decisioningMethod).toBe("on-device");
    await client.close();
    expect(client.getNotificationStats()).toMatchObject({ sent: 1, dropped: 0 });
    const [recorded, ...more] = client.getRecordedNotifications();
    expect(more).toEqual([]);
    expect(recorded?.url).toMatch(/^https:\/\/acmeclient\.tt\.omtrdc\.net\/rest\/v1\/delivery\?client=acmeclient&sessionId=/);
    expect(recorded?.request.id).toEqual({ tntId: "test-visitor" });
    expect(recorded?.request.notifications).toEqual([expect.objectContaining({ type: "display", mbox: { name: "demo-engineering-flags" } })]);
    // No location-hint ping at create, nothing fetched.
    expect(fetchSpy).not.toHaveBeenCalled();
  });

  it("lets a test read what was recorded and start again", async () => {
    const client = await offlineClient();
    await client.getAttributes(["demo-engineering-flags"], { request: { id: { tntId: "a" } } });
    await client.close();
    expect(client.getRecordedNotifications({ clear: true })).toHaveLength(1);
    expect(client.getRecordedNotifications()).toEqual([]);
    await client.getAttributes(["demo-engineering-flags"], { request: { id: { tntId: "b" } } });
    await client.close();
    expect(client.getRecordedNotifications().map((entry) => entry.request.id?.tntId)).toEqual(["b"]);
  });

  it.each(["Experience A", "Experience B"])("puts one test visitor in %s with a forced allocation, and no one else", async (experience) => {
    const artifact = demoArtifact();
    const forced = forceVisitor(artifact as Artifact, { mbox: "demo-checkout-experiment", experience, visitor: "test-user" });
    const client = await offlineClient({ artifactPayload: artifact, engineOptions: { forcedAllocations: [forced] } });
    const flow = async (tntId: string) =>
      (await client.getAttributes(["demo-checkout-experiment"], { request: { id: { tntId } } })).getString("demo-checkout-experiment", "checkoutFlow");
    expect(await flow("test-user")).toBe(experience === "Experience A" ? "classic" : "one-page");
    const unforced = await offlineClient({ artifactPayload: artifact });
    for (const other of ["visitor-1", "visitor-2", "visitor-3", "visitor-4"]) {
      const expected = (await unforced.getAttributes(["demo-checkout-experiment"], { request: { id: { tntId: other } } })).getString(
        "demo-checkout-experiment",
        "checkoutFlow",
      );
      expect(await flow(other)).toBe(expected);
    }
    await Promise.all([client.close(), unforced.close()]);
  });

  it("answers a hybrid client's remote mboxes with no content, recorded, rather than calling the edge", async () => {
    const artifact = demoArtifact();
    artifact.remoteMboxes = ["remote-box"];
    const client = await offlineClient({ decisioningMethod: "hybrid", artifactPayload: artifact, telemetryEnabled: false });
    const offers = await client.getOffers({ request: { id: { tntId: "h" }, execute: { mboxes: [{ name: "remote-box", index: 1 }] } } });
    expect(offers.meta.decisioningMethod).toBe("server-side");
    expect(offers.response.execute).toBeUndefined();
    await client.close();
  });

  it.each<[Partial<TargetClientOptions>, string]>([
    [{ decisioningMethod: "server-side" }, "decisioningMethod"],
    [{ artifactPayload: undefined }, "artifactPayload"],
    [{ fetchApi: () => Promise.reject(new Error("no")) }, "fetchApi"],
  ])("is refused at create when it could not work without a network (%j)", (extra, field) => {
    const attempt = () => TargetClient.create({ ...BASE_OPTIONS, offline: true, artifactPayload: demoArtifact(), ...extra });
    expect(attempt).toThrow(OptionsError);
    expect(attempt).toThrow(expect.objectContaining({ code: ClientErrorCode.OptionInvalid, field }));
  });

  it("is the only kind of client with recorded notifications", async () => {
    const client = TargetClient.create({ ...BASE_OPTIONS, fetchApi: () => Promise.reject(new Error("unused")) });
    expect(() => client.getRecordedNotifications()).toThrow(expect.objectContaining({ code: ClientErrorCode.OptionInvalid, field: "offline" }));
  });
});
