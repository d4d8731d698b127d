import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ClientErrorCode } from "@decisioning/client";
import { startFakeDeliveryApi, type FakeDeliveryApi } from "@decisioning/testing/servers";
import { localServer, mboxCookie, readyClient } from "./kit/clients.js";

let target: FakeDeliveryApi;
beforeEach(async () => {
  target = await startFakeDeliveryApi();
});
afterEach(async () => {
  await target.close();
});

const click = { id: "n-1", type: "click" as const, timestamp: 1700000000000, tokens: ["t-1"], mbox: { name: "hero" } };

describe("sendNotifications", () => {
  it.each([
    [undefined, "Options map is required", ClientErrorCode.OptionsRequired],
    [{ request: {} }, "Request object is required", ClientErrorCode.RequestRequired],
    [{ request: { context: { channel: "web" } } }, "Notifications array is required in request", ClientErrorCode.NotificationsRequired],
  ])("rejects %j with the reference's message", async (options, message, code) => {
    const { client } = await readyClient({ ...localServer(target), telemetryEnabled: false });
    await expect(client.sendNotifications(options as never)).rejects.toMatchObject({ message, code });
  });

  it("posts the notifications with the visitor's ids and session", async () => {
    const { client } = await readyClient(localServer(target));
    const result = await client.sendNotifications({
      request: { context: { channel: "web" }, notifications: [click] },
      targetCookie: mboxCookie({ session: "s-9", PC: "tnt-9" }),
      visitorCookie: "MCMID|mcid-9",
    });
    const [received] = target.calls;
    expect(received?.query.sessionId).toBe("s-9");
    expect(received?.request.id).toEqual({ tntId: "tnt-9", marketingCloudVisitorId: "mcid-9" });
    expect(received?.request.notifications).toEqual([click]);
    expect(result.response.notifications).toEqual([{ id: "n-1" }]);
    expect(result.meta.decisioningMethod).toBe("server-side");
  });

  it("may carry telemetry alone once some is waiting", async () => {
    const { client } = await readyClient(localServer(target));
    await client.getOffers({ request: { execute: { mboxes: [{ name: "hero" }] } } });
    await client.sendNotifications({ request: { context: { channel: "web" } } });
    expect(target.calls[1]?.request.telemetry?.entries).toHaveLength(1);
    expect(target.calls[1]?.request.notifications).toBeUndefined();
  });
});
