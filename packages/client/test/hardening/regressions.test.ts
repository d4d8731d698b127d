/**
 * Defects the hardening properties found in the client, each pinned by the smallest input that
 * showed it.
 */
import { describe, expect, it } from "vitest";
import { createAttributesProvider, type FetchApi, type TargetDeliveryResponse } from "@decisioning/client";
import { createTargetCookie, targetCookieFor } from "../../src/cookies.js";
import { ClientErrorCode, DeliveryApiError } from "../../src/errors.js";
import { Messages } from "../../src/messages.js";
import { postDelivery } from "../../src/delivery/http.js";
import { clientPlatformOf } from "../../src/platform.js";
import { nested } from "../../../engine/test/hardening/hostile.js";
import { startFakeDeliveryApi } from "@decisioning/testing/servers";
import { localServer, readyClient } from "../kit/clients.js";

// An object whose conversion to a string throws: JSON can carry one (`{"toString": ""}`).
const unprintable = () => JSON.parse('{"toString": ""}') as unknown;

describe("cookies", () => {
  it("write lone surrogates of a session or visitor id as U+FFFD instead of throwing a URIError", () => {
    const cookie = targetCookieFor("s\ud800", "t\udc00x", 0);
    expect(cookie.value).toContain(`session#s${encodeURIComponent("\ufffd")}#`);
    expect(cookie.value).toContain(`PC#t${encodeURIComponent("\ufffd")}x#`);
    expect(createTargetCookie([{ name: "a\ud83d\ude00", value: "ok", expires: 1 }], 0).value).toBe(`${encodeURIComponent("a\ud83d\ude00")}#ok#1`);
  });

  it("leave out a visitor id that is not a string", () => {
    expect(targetCookieFor("s", unprintable() as string, 0).value).not.toContain("PC#");
  });
});

describe("attributes", () => {
  it("answer an unprintable mbox name or key with AttributeNotFoundError instead of throwing", () => {
    const provider = createAttributesProvider({ response: {} } as TargetDeliveryResponse);
    const missing = provider.getValue(unprintable() as string, [unprintable()] as unknown as string);
    expect(missing).toMatchObject({ code: ClientErrorCode.AttributeNotFound, message: expect.stringContaining("[object Object]") });
  });
});

describe("messages", () => {
  it("print an unprintable property token instead of throwing", () => {
    expect(Messages.PROPERTY_TOKEN_MISMATCH(unprintable(), "t")).toContain('"[object Object]"');
  });
});

describe("the Delivery API transport", () => {
  it("refuses a request too deep to serialize with DELIVERY_INVALID_REQUEST, and sends nothing", async () => {
    let calls = 0;
    const fetchApi: FetchApi = () => {
      calls += 1;
      return Promise.reject(new Error("unreachable"));
    };
    const transport = { fetchApi, timeout: 1000, retries: 2, platform: clientPlatformOf() };
    const request = { context: { channel: "web" as const }, execute: { mboxes: [{ name: "x", parameters: nested(100000, "x") as Record<string, string> }] } };
    const error = await postDelivery(transport, "http://127.0.0.1:1/rest/v1/delivery", {}, request).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(DeliveryApiError);
    expect(error).toMatchObject({ code: ClientErrorCode.DeliveryInvalidRequest });
    expect(calls).toBe(0);
  });
});

describe("getOffers options of the wrong type", () => {
  it("count as absent: an object sessionId, targetLocationHint or consumerId does not break the call", async () => {
    const target = await startFakeDeliveryApi();
    try {
      const { client } = await readyClient({
        ...localServer(target),
        targetLocationHint: "35",
        fetchApi: (input, init) => fetch(input.replace(/mboxedge35\.tt\.omtrdc\.net/, target.host).replace("https:", "http:"), init) as never,
      });
      const result = await client.getOffers({
        request: { execute: { mboxes: [{ name: "hero" }] } },
        sessionId: unprintable() as string,
        targetLocationHint: unprintable() as string,
        consumerId: unprintable() as string,
      });
      expect(result.targetCookie.value).toMatch(/^session#[0-9a-f]{32}#/);
      expect(target.calls.at(-1)?.query.sessionId).toMatch(/^[0-9a-f]{32}$/);
      await client.close();
    } finally {
      await target.close();
    }
  });
});
