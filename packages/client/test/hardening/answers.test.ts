/**
 * What Target's edge answers is input too: a server-side or hybrid answer nested deeper than any
 * artifact may be is refused with a typed error, and the typed getters never throw on content
 * they cannot copy.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ClientErrorCode, createAttributesProvider, DeliveryApiError, type TargetDeliveryResponse } from "@decisioning/client";
import { fault, startFakeDeliveryApi, type FakeDeliveryApi } from "@decisioning/testing/servers";
import { localServer, readyClient } from "../kit/clients.js";

let target: FakeDeliveryApi;
beforeEach(async () => {
  target = await startFakeDeliveryApi();
});
afterEach(async () => {
  await target.close();
});

/** `{a: {a: … {value: 1}}}`, `levels` objects deep. */
function nested(levels: number): Record<string, unknown> {
  let value: Record<string, unknown> = { value: 1 };
  for (let i = 0; i < levels; i++) value = { a: value };
  return value;
}

const flagsRequest = { execute: { mboxes: [{ name: "flags", index: 1 }] } };

describe("answers of Target's edge", () => {
  it("refuses content nested 5,000 levels deep with DELIVERY_INVALID_RESPONSE, not a stack overflow later", async () => {
    // Written as text: the server's own JSON.stringify could not take it either.
    const deep = `${'{"a":'.repeat(5000)}1${"}".repeat(5000)}`;
    const body = `{"status":200,"requestId":"r","id":{},"execute":{"mboxes":[{"name":"flags","index":1,"options":[{"type":"json","content":{"deep":${deep}}}]}]}}`;
    const { client } = await readyClient({ ...localServer(target), deliveryRetries: 0 });
    target.failAlways(fault.body(body));
    const rejection = client.getOffers({ request: flagsRequest });
    await expect(rejection).rejects.toBeInstanceOf(DeliveryApiError);
    await expect(rejection).rejects.toMatchObject({
      code: ClientErrorCode.DeliveryInvalidResponse,
      message: expect.stringContaining("more than 512 levels deep"),
    });
    await expect(client.getAttributes(["flags"])).rejects.toMatchObject({ code: ClientErrorCode.DeliveryInvalidResponse });
  });

  it("takes content as deep as an artifact may be", async () => {
    target.respondWith((_call, answer) => ({
      ...answer(),
      execute: { mboxes: [{ name: "flags", index: 1, options: [{ type: "json", content: { deep: nested(500) } }] }] },
    }));
    const { client } = await readyClient(localServer(target));
    const attributes = await client.getAttributes(["flags"]);
    expect(attributes.getJSON("flags", "deep")).toEqual(nested(500));
  });
});

describe("the typed getters", () => {
  it("answer the fallback for content too deep to copy, rather than throwing a RangeError", () => {
    const response = { execute: { mboxes: [{ name: "flags", options: [{ type: "json", content: { deep: nested(20000) } }] }] } };
    const provider = createAttributesProvider({ response } as unknown as TargetDeliveryResponse);
    expect(provider.getJSON("flags", "deep", "fallback")).toBe("fallback");
  });
});
