import TargetClient from "@decisioning/client";
import { artifact, forceVisitor } from "@decisioning/testing";
import { afterEach, describe, expect, it } from "vitest";

// The app code under test: the checkout layout comes from a Target flag.
async function checkoutLayout(target: TargetClient, visitorId: string): Promise<string> {
  const attributes = await target.getAttributes(["checkout"], { request: { id: { tntId: visitorId } } });
  return attributes.getString("checkout", "layout", "list");
}

// The rules the test decides with: built in code, no download.
const rules = artifact({ client: "acmeclient" })
  .activity("checkout-test")
  .mbox("checkout")
  .experience("A", 50, { json: { layout: "list" } })
  .experience("B", 50, { json: { layout: "grid" } })
  .build();

/** An offline client: no network at all, ready at once, notifications recorded. */
function offlineClient(forced: Parameters<typeof forceVisitor>[1][] = []): Promise<TargetClient> {
  return new Promise((resolve) => {
    const client = TargetClient.create({
      client: "acmeclient",
      organizationId: "1234567890@AdobeOrg",
      offline: true,
      artifactPayload: rules,
      engineOptions: { forcedAllocations: forced.map((target) => forceVisitor(rules, target)) },
      events: { clientReady: () => resolve(client) },
    });
  });
}

let target: TargetClient | undefined;
afterEach(async () => {
  await target?.close();
});

describe("the checkout page", () => {
  it("shows the grid to a visitor in experience B", async () => {
    target = await offlineClient([{ mbox: "checkout", experience: "B", visitor: "test-user" }]);
    expect(await checkoutLayout(target, "test-user")).toBe("grid");
  });

  it("shows the list to a visitor in experience A, and owes Target one display notification", async () => {
    target = await offlineClient([{ mbox: "checkout", experience: "A", visitor: "test-user" }]);
    expect(await checkoutLayout(target, "test-user")).toBe("list");
    await target.close();
    const [sent] = target.getRecordedNotifications();
    expect(sent?.request.notifications?.[0]).toMatchObject({ type: "display", mbox: { name: "checkout" } });
  });
});
