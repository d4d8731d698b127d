import { describe, expect, it } from "vitest";
import type { Call } from "../../src/call.js";
import { mergeKeyOf, mergeNotificationPayloads, retainedPayload, sameRequestData, type DecisionPayload } from "../../src/delivery/payloads.js";
import { ServerVisitor, type VisitorLike } from "../../src/visitor.js";

const ORG = "0123456789ABCDEF@AdobeOrg";

/** A decision's call: the caller's visitor and a handed-out request unless told otherwise. */
function call(
  visitor: VisitorLike,
  sessionId: string,
  cluster: string | undefined,
  ownership: Partial<Pick<Call, "visitorOwner" | "requestExposure">> = {},
): Call {
  return {
    request: {},
    visitor,
    visitorOwner: "caller",
    requestExposure: "handed-out",
    sessionId,
    cluster,
    visitorCluster: undefined,
    locationHint: cluster,
    ...ownership,
  };
}

function payload(decision: Call | undefined, request: DecisionPayload["request"] = { id: { tntId: "t-1" }, context: { channel: "web" } }): DecisionPayload {
  return { request, visitor: decision };
}

describe("mergeKeyOf", () => {
  it("keys payloads by visitor object, session and cluster", () => {
    const visitor = new ServerVisitor(ORG);
    const key = mergeKeyOf(payload(call(visitor, "s-1", "35")));
    expect(mergeKeyOf(payload(call(visitor, "s-1", "35")))).toBe(key);
    expect(mergeKeyOf(payload(call(visitor, "s-2", "35")))).not.toBe(key);
    expect(mergeKeyOf(payload(call(visitor, "s-1", undefined)))).not.toBe(key);
    expect(mergeKeyOf(payload(call(new ServerVisitor(ORG), "s-1", "35")))).not.toBe(key);
  });

  it("keys a caller's own visitor object too, and never merges payloads without a call", () => {
    const own = { getVisitorValues: () => ({}), getSupplementalDataID: () => "sdid", setCustomerIDs: () => {}, getState: () => ({}) };
    expect(mergeKeyOf(payload(call(own, "s", undefined)))).toBe(mergeKeyOf(payload(call(own, "s", undefined))));
    expect(mergeKeyOf(payload(undefined))).toBeUndefined();
  });

  it("never keys a payload whose visitor was made for its own call, since no other call can share it", () => {
    const visitor = new ServerVisitor(ORG);
    expect(mergeKeyOf(payload(call(visitor, "s-1", "35", { visitorOwner: "client" })))).toBeUndefined();
    expect(mergeKeyOf(payload(call(visitor, "s-1", "35", { visitorOwner: "caller" })))).toBeTypeOf("string");
  });
});

describe("sameRequestData", () => {
  it("compares ids, context and Experience Cloud data, not notifications", () => {
    const a = payload(undefined, { id: { tntId: "t" }, context: { channel: "web" }, notifications: [{ id: "n-1" } as never] });
    const b = payload(undefined, { id: { tntId: "t" }, context: { channel: "web" }, notifications: [{ id: "n-2" } as never] });
    const c = payload(undefined, { id: { tntId: "other" }, context: { channel: "web" } });
    expect(sameRequestData(a, b)).toBe(true);
    expect(sameRequestData(a, c)).toBe(false);
  });
});

describe("retainedPayload", () => {
  it("copies what the caller can reach and keeps the decision's own notifications, telemetry and context", () => {
    const visitor = new ServerVisitor(ORG);
    const at = new Date(0);
    const request = {
      id: { tntId: "t", customerIds: [{ id: "c", integrationCode: "i" }] },
      context: { channel: "web", address: { url: "https://a/" }, at },
      experienceCloud: { analytics: { logging: "server_side" } },
      telemetry: { entries: [{ requestId: "r" }] },
      notifications: [{ id: "n", tokens: ["x"] }],
    };
    const original = payload(call(visitor, "s", "35"), request as unknown as DecisionPayload["request"]);
    const held = retainedPayload(original);
    expect(held.request).toEqual(original.request);
    expect(Object.keys(held.request)).toEqual(Object.keys(request));
    expect(held.request.context).not.toBe(request.context);
    expect((held.request.context as { address: unknown }).address).not.toBe(request.context.address);
    expect(held.request.id).not.toBe(request.id);
    expect((held.request.id as { customerIds: unknown[] }).customerIds[0]).not.toBe(request.id.customerIds[0]);
    expect(held.request.experienceCloud).not.toBe(request.experienceCloud);
    // Not a plain object: shared, so that it still serializes as itself.
    expect((held.request.context as unknown as { at: Date }).at).toBe(at);
    expect(held.request.notifications).toBe(request.notifications);
    expect(held.request.telemetry).toBe(request.telemetry);
    expect(held.visitor).toBe(original.visitor);
    expect(mergeKeyOf(held)).toBe(mergeKeyOf(original));
  });

  it("when the caller was not handed the request, keeps the payload and replaces only the object values inside its ids and context by copies", () => {
    const visitor = new ServerVisitor(ORG);
    const address = { url: "https://a/" };
    const customerIds = [{ id: "c", integrationCode: "i" }];
    const request = {
      id: { tntId: "t", customerIds },
      context: { channel: "web", address },
      experienceCloud: { analytics: { logging: "server_side" } },
      notifications: [{ id: "n", tokens: ["x"] }],
    };
    const original = payload(
      call(visitor, "s", undefined, { visitorOwner: "client", requestExposure: "kept" }),
      request as unknown as DecisionPayload["request"],
    );
    const held = retainedPayload(original);
    expect(held).toBe(original);
    expect(held.request).toEqual({
      ...request,
      id: { tntId: "t", customerIds: [{ id: "c", integrationCode: "i" }] },
      context: { channel: "web", address: { url: "https://a/" } },
    });
    // The client's containers are kept; the caller's objects inside them are replaced by copies.
    expect(held.request.context).toBe(request.context);
    expect((held.request.context as { address: unknown }).address).not.toBe(address);
    expect((held.request.id as { customerIds: unknown }).customerIds).not.toBe(customerIds);
    expect(held.request.experienceCloud).toBe(request.experienceCloud);
    expect(held.request.notifications).toBe(request.notifications);
  });

  it("keeps a `__proto__` key as data and shares what nests deeper than a decided request can", () => {
    const hostile = JSON.parse('{"context":{"__proto__":{"polluted":true}}}') as DecisionPayload["request"];
    const held = retainedPayload(payload(undefined, hostile));
    expect(Object.getPrototypeOf(held.request.context)).toBe(Object.prototype);
    expect(Object.prototype.hasOwnProperty.call(held.request.context, "__proto__")).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    let deep: Record<string, unknown> = {};
    const root = deep;
    for (let i = 0; i < 100; i++) deep = deep.next = {};
    const copied = retainedPayload(payload(undefined, { context: root } as unknown as DecisionPayload["request"]));
    expect(JSON.stringify(copied.request.context)).toBe(JSON.stringify(root));
  });
});

describe("mergeNotificationPayloads", () => {
  it("keeps the first payload's request and call, with every notification and telemetry entry in order", () => {
    const first = call(new ServerVisitor(ORG), "s", undefined);
    const merged = mergeNotificationPayloads([
      { request: { id: { tntId: "t" }, notifications: [{ id: "n1" }], telemetry: { entries: [{ requestId: "r1" }] } }, visitor: first },
      { request: { id: { tntId: "t" } }, visitor: call(new ServerVisitor(ORG), "s", undefined) },
      { request: { id: { tntId: "t" }, notifications: [{ id: "n2" }, { id: "n3" }], telemetry: { entries: [{ requestId: "r3" }] } }, visitor: first },
    ]);
    expect(merged).toEqual({
      request: {
        id: { tntId: "t" },
        notifications: [{ id: "n1" }, { id: "n2" }, { id: "n3" }],
        telemetry: { entries: [{ requestId: "r1" }, { requestId: "r3" }] },
      },
      visitor: first,
    });
    expect(merged.visitor).toBe(first);
  });
});
