import { describe, expect, it } from "vitest";
import { processResponse } from "../../src/delivery/response.js";
import type { DeliveryResponse } from "../../src/types.js";

const NOW = 1_700_000_000_000;

describe("processResponse", () => {
  it("writes the mbox cookie from the session and the response's tntId", () => {
    const result = processResponse({ visitorState: {}, request: {} }, "sess", undefined, { id: { tntId: "tnt.35_0" } }, "server-side", undefined, NOW);
    expect(result.targetCookie.value).toBe(`session#sess#${NOW / 1000 + 1860}|PC#tnt.35_0#${NOW / 1000 + 63244800}`);
  });

  it("writes the edge-cluster cookie from the request's cluster, else from the edge host", () => {
    expect(processResponse({ visitorState: {}, request: {} }, "s", "17", {}, "server-side", undefined, NOW).targetLocationHintCookie?.value).toBe("17");
    expect(
      processResponse({ visitorState: {}, request: {} }, "s", undefined, { edgeHost: "mboxedge31.tt.omtrdc.net" }, "server-side", undefined, NOW)
        .targetLocationHintCookie?.value,
    ).toBe("31");
    expect(processResponse({ visitorState: {}, request: {} }, "s", undefined, {}, "server-side", undefined, NOW)).not.toHaveProperty(
      "targetLocationHintCookie",
    );
  });

  it("moves remote mboxes and views from the response into meta", () => {
    const response = { status: 206, remoteMboxes: ["r"], remoteViews: ["v"] } as DeliveryResponse;
    const result = processResponse({ visitorState: {}, request: {} }, "s", undefined, response, "on-device", undefined, NOW);
    expect(result.meta).toEqual({ decisioningMethod: "on-device", remoteMboxes: ["r"], remoteViews: ["v"] });
    expect(result.response).not.toHaveProperty("remoteMboxes");
  });

  it("asks the engine, when there is one, which names are remote", () => {
    const engine = { hasRemoteDependency: () => ({ remoteMboxes: ["from-engine"], remoteViews: [] }) };
    expect(processResponse({ visitorState: {}, request: {} }, "s", undefined, {}, "server-side", engine, NOW).meta.remoteMboxes).toEqual(["from-engine"]);
  });

  it("gathers A4T payloads, traces and response tokens of every item in the reference's order", () => {
    const option = (token: string) => ({ type: "json" as const, content: {}, responseTokens: { t: token } });
    const response: DeliveryResponse = {
      execute: {
        pageLoad: { options: [option("epl")], analytics: { payload: { tnta: "epl" } }, trace: { k: "epl" } },
        mboxes: [{ name: "m", options: [option("em"), { type: "json" }], analytics: { payload: { tnta: "em" } } }],
      },
      prefetch: {
        views: [{ name: "v", options: [option("pv")], trace: { k: "pv" } }],
        mboxes: [{ name: "p", options: [option("pm")] }],
      },
    };
    const result = processResponse({ visitorState: {}, request: {} }, "s", undefined, response, "server-side", undefined, NOW);
    expect(result.analyticsDetails).toEqual([{ payload: { tnta: "epl" } }, { payload: { tnta: "em" } }]);
    expect(result.trace).toEqual([{ k: "epl" }, { k: "pv" }]);
    expect(result.responseTokens).toEqual([{ t: "epl" }, { t: "em" }, { t: "pv" }, { t: "pm" }]);
  });

  it("leaves out empty keys", () => {
    const result = processResponse({ visitorState: {}, request: {} }, "s", undefined, { execute: { mboxes: [{ name: "m" }] } }, "server-side", undefined, NOW);
    expect(Object.keys(result)).toEqual(["visitorState", "request", "targetCookie", "meta", "response"]);
  });
});
