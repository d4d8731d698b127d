import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { addMboxesToRequest, createDeliveryRequest, customerIdsOf, propertyOf, type RequestBuildOptions } from "../../src/delivery/request.js";
import { AuthState, ServerVisitor } from "../../src/visitor.js";
import { counterIds, fakeSafeLogger } from "../kit/fakes.js";

const ORG = "1234567890@AdobeOrg";

function options(overrides: Partial<RequestBuildOptions> = {}): RequestBuildOptions {
  return {
    logger: fakeSafeLogger(),
    visitor: new ServerVisitor(ORG, "MCMID|mcid-1|MCAAMLH-1|7|MCAAMB-1|blob"),
    deviceId: undefined,
    consumerId: undefined,
    environmentId: undefined,
    uuid: counterIds(),
    timeOffsetInMinutes: () => 60,
    ...overrides,
  };
}

describe("createDeliveryRequest", () => {
  it("fills a request id, a web context with the time offset, and Experience Cloud data from the AMCV cookie", () => {
    const request = createDeliveryRequest({}, options());
    expect(request.requestId).toBe("id-1");
    expect(request.context).toEqual({ channel: "web", timeOffsetInMinutes: 60 });
    expect(request.id).toEqual({ marketingCloudVisitorId: "mcid-1" });
    expect(request.experienceCloud?.audienceManager).toEqual({ locationHint: 7, blob: "blob" });
    expect(request.experienceCloud?.analytics?.logging).toBe("server_side");
    expect(request.experienceCloud?.analytics?.supplementalDataId).toMatch(/^[0-9A-F]{16}-[0-9A-F]{16}$/);
  });

  it("keeps the caller's request id, ids, context values and a valid mobile channel", () => {
    const request = createDeliveryRequest(
      {
        requestId: "r-1",
        id: { tntId: "given", marketingCloudVisitorId: "given-mcid", thirdPartyId: "3p" },
        context: { channel: "mobile", userAgent: "ua", timeOffsetInMinutes: -300 },
      },
      options({ deviceId: "from-cookie" }),
    );
    expect(request.requestId).toBe("r-1");
    expect(request.id).toEqual({ tntId: "given", marketingCloudVisitorId: "given-mcid", thirdPartyId: "3p" });
    expect(request.context).toEqual({ channel: "mobile", userAgent: "ua", timeOffsetInMinutes: -300 });
  });

  it("takes the tntId from the mbox cookie when the request has none", () => {
    expect(createDeliveryRequest({}, options({ deviceId: "tnt.35_0" })).id?.tntId).toBe("tnt.35_0");
  });

  it("replaces an unknown channel with web and drops context keys outside the schema", () => {
    const request = createDeliveryRequest({ context: { channel: "tv", extra: 1 } as never }, options());
    expect(request.context).toEqual({ channel: "web" });
  });

  it("fills the host's time offset only for a request without a context, as the reference does", () => {
    expect(createDeliveryRequest({}, options()).context?.timeOffsetInMinutes).toBe(60);
    expect(createDeliveryRequest({ context: { channel: "web" } }, options()).context).toEqual({ channel: "web" });
  });

  it("puts the visitor's customer ids first, with their authentication states, then the request's", () => {
    const visitor = new ServerVisitor(ORG);
    visitor.setCustomerIDs({ userid: { id: "u-1", authState: AuthState.AUTHENTICATED }, crm: "c-9", empty: "" });
    const request = createDeliveryRequest(
      { id: { customerIds: [{ id: "x", integrationCode: "other", authenticatedState: "logged_out" }] } },
      options({ visitor }),
    );
    expect(request.id?.customerIds).toEqual([
      { id: "u-1", integrationCode: "userid", authenticatedState: "authenticated" },
      { id: "c-9", integrationCode: "crm", authenticatedState: "unknown" },
      { id: "x", integrationCode: "other", authenticatedState: "logged_out" },
    ]);
  });

  it("keeps a supplemental data id that is the visitor's current one and mints one otherwise", () => {
    const visitor = new ServerVisitor(ORG);
    const current = visitor.getSupplementalDataID("target-global-mbox");
    const kept = createDeliveryRequest({ experienceCloud: { analytics: { supplementalDataId: current } } }, options({ visitor }));
    expect(kept.experienceCloud?.analytics?.supplementalDataId).toBe(current);
    const stale = createDeliveryRequest({ experienceCloud: { analytics: { supplementalDataId: "STALE" } } }, options({ visitor }));
    expect(stale.experienceCloud?.analytics?.supplementalDataId).not.toBe("STALE");
  });

  it("keeps named mboxes, numbers them by position when unindexed, and logs the invalid ones", () => {
    const logger = fakeSafeLogger();
    const request = createDeliveryRequest(
      { execute: { mboxes: [{ name: "a" }, { index: 4 } as never, { name: "b", index: 9, parameters: { p: "1" } }, { name: "c" }] } },
      options({ logger }),
    );
    expect(request.execute?.mboxes).toEqual([
      { name: "a", index: 0 },
      { name: "b", index: 9, parameters: { p: "1" } },
      { name: "c", index: 2 },
    ]);
    expect(logger.lines).toContainEqual(["error", "Mbox validation failed for: ", { index: 4 }]);
  });

  it("drops execute and prefetch blocks that ask for nothing", () => {
    const request = createDeliveryRequest({ execute: {}, prefetch: { views: [] } }, options());
    expect(request.execute).toBeUndefined();
    expect(request.prefetch).toBeUndefined();
    const pageLoad = createDeliveryRequest({ prefetch: { pageLoad: {}, views: [{ name: "home" }, {}] } }, options());
    expect(pageLoad.prefetch).toEqual({ pageLoad: {}, views: [{ name: "home" }, {}] });
  });

  it("keeps valid notifications and logs the others", () => {
    const logger = fakeSafeLogger();
    const valid = { id: "n1", type: "display" as const, timestamp: 1, tokens: ["t"], mbox: { name: "m" } };
    const request = createDeliveryRequest({ notifications: [valid, { id: "n2", type: "view" as never, timestamp: 1 }, { id: "n3" }] }, options({ logger }));
    expect(request.notifications).toEqual([valid]);
    expect(logger.lines.filter((line) => line[1] === "Notification validation failed for: ")).toHaveLength(2);
  });

  it("drops empty top-level fields and environment id zero, and keeps a given environment id", () => {
    expect(Object.keys(createDeliveryRequest({}, options({ environmentId: 0 })))).toEqual(["requestId", "id", "context", "experienceCloud"]);
    expect(createDeliveryRequest({}, options({ environmentId: 42 })).environmentId).toBe(42);
  });
});

describe("propertyOf", () => {
  it("prefers the request's property token and logs a mismatch with the configured one", () => {
    const logger = fakeSafeLogger();
    expect(propertyOf("config-token", { property: { token: "request-token" } }, logger)).toEqual({ token: "request-token" });
    expect(logger.lines[0]?.[1]).toBe(
      'The property token specified in the request "request-token" does not match the one specified in the config "config-token".',
    );
    expect(propertyOf("config-token", {}, logger)).toEqual({ token: "config-token" });
    expect(propertyOf(undefined, {}, logger)).toBeUndefined();
  });
});

describe("customerIdsOf", () => {
  it("accepts the Visitor API object as is and converts Delivery API customer ids", () => {
    const visitorForm = { userid: { id: "u", authState: AuthState.LOGGED_OUT } };
    expect(customerIdsOf(visitorForm)).toBe(visitorForm);
    expect(customerIdsOf([{ id: "u", integrationCode: "userid", authenticatedState: "authenticated" }, { id: "no-code" }])).toEqual({
      userid: { id: "u", authState: AuthState.AUTHENTICATED },
    });
    expect(customerIdsOf(undefined)).toBeUndefined();
  });
});

describe("addMboxesToRequest", () => {
  it("appends new mboxes to execute starting after the highest index, at 1 for none", () => {
    expect(addMboxesToRequest(["a", "b"], {})).toEqual({
      execute: {
        mboxes: [
          { name: "a", index: 1 },
          { name: "b", index: 2 },
        ],
      },
    });
    const request = addMboxesToRequest(["a", "c"], { execute: { pageLoad: {}, mboxes: [{ name: "x", index: 5 }] } });
    expect(request.execute).toEqual({
      pageLoad: {},
      mboxes: [
        { name: "x", index: 5 },
        { name: "a", index: 6 },
        { name: "c", index: 7 },
      ],
    });
  });

  it("skips names already requested anywhere, and duplicates", () => {
    const request = addMboxesToRequest(["p", "e", "n", "n"], { prefetch: { mboxes: [{ name: "p" }] }, execute: { mboxes: [{ name: "e", index: 1 }] } });
    expect(request.execute?.mboxes).toEqual([
      { name: "e", index: 1 },
      { name: "n", index: 2 },
    ]);
    expect(request.prefetch).toEqual({ mboxes: [{ name: "p" }] });
  });

  it("adds each name not yet requested exactly once, short lists and long ones alike", () => {
    const name = fc.constantFrom("a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l", "m", "n", "o", "p", "q", "r", "s", "t");
    const list = fc.array(fc.record({ name }), { maxLength: 20 });
    fc.assert(
      fc.property(list, list, fc.array(name, { maxLength: 30 }), (execute, prefetch, names) => {
        const request = addMboxesToRequest(names, { execute: { mboxes: execute }, prefetch: { mboxes: prefetch } });
        const seen = new Set<string>([...execute, ...prefetch].map((mbox) => mbox.name));
        const expected = names.filter((added) => !seen.has(added) && Boolean(seen.add(added)));
        expect(request.execute?.mboxes?.slice(execute.length).map((mbox) => mbox.name)).toEqual(expected);
      }),
      { numRuns: 500 },
    );
  });

  it("leaves the given request untouched", () => {
    const given = { execute: { mboxes: [{ name: "x" }] } };
    addMboxesToRequest(["y"], given);
    expect(given).toEqual({ execute: { mboxes: [{ name: "x" }] } });
  });
});
