import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { attributesOf, createAttributesProvider } from "../src/attributes.js";
import { AttributeNotFoundError, ClientErrorCode } from "../src/errors.js";
import type { TargetDeliveryResponse } from "../src/delivery/response.js";
import type { DeliveryResponse } from "../src/types.js";

function offers(response: DeliveryResponse): TargetDeliveryResponse {
  return {
    request: {},
    response,
    visitorState: {},
    targetCookie: { name: "mbox", value: "", maxAge: 0 },
    meta: { decisioningMethod: "on-device", remoteMboxes: [], remoteViews: [] },
  };
}

const flags = { cdnHostname: "cdn.cloud.corp.net", searchProviderId: 143, hasLegacyAccess: false };

const provider = createAttributesProvider(
  offers({
    prefetch: { mboxes: [{ name: "merged", options: [{ type: "json", content: { a: 1, b: "prefetch" } }] }] },
    execute: {
      mboxes: [
        { name: "demo-engineering-flags", options: [{ type: "json", content: flags }] },
        {
          name: "merged",
          options: [
            { type: "json", content: { b: "execute", c: [1, 2] } },
            { type: "html", content: "<p>" },
          ],
        },
        { name: "typed", options: [{ type: "json", content: { on: true, n: 2.5, s: "x", nan: "NaN", obj: { k: [1] }, text: '{"k":2}', bad: "{" } }] },
        { name: "no-options" },
      ],
    },
  }),
);

describe("AttributesProvider", () => {
  it("reads the spec example: searchProviderId 143 and the whole flags object", () => {
    expect(provider.getValue("demo-engineering-flags", "searchProviderId")).toBe(143);
    expect(provider.asObject("demo-engineering-flags")).toEqual(flags);
  });

  it("merges the json options of an mbox, prefetch first, then execute", () => {
    expect(provider.asObject("merged")).toEqual({ a: 1, b: "execute", c: [1, 2] });
  });

  it("returns, not throws, an AttributeNotFoundError for an unknown mbox or key, with the reference's message", () => {
    const missingKey = provider.getValue("demo-engineering-flags", "nope");
    expect(missingKey).toBeInstanceOf(AttributeNotFoundError);
    expect(missingKey).toBeInstanceOf(Error);
    expect((missingKey as AttributeNotFoundError).message).toBe("Attribute 'nope' does not exist for mbox 'demo-engineering-flags'");
    expect((missingKey as AttributeNotFoundError).code).toBe(ClientErrorCode.AttributeNotFound);
    expect(provider.getValue("unknown", "x")).toBeInstanceOf(AttributeNotFoundError);
    expect(provider.getValue("demo-engineering-flags", "toString")).toBeInstanceOf(AttributeNotFoundError);
  });

  it("gives every mbox keyed by name from asObject() and toJSON()", () => {
    expect(Object.keys(provider.asObject())).toEqual(["merged", "demo-engineering-flags", "typed"]);
    expect(JSON.parse(JSON.stringify(provider))).toEqual(provider.toJSON());
    expect(provider.asObject("unknown")).toEqual({});
  });

  it("hands out copies: mutating asObject changes nothing", () => {
    provider.asObject("demo-engineering-flags").searchProviderId = 1;
    expect(provider.getValue("demo-engineering-flags", "searchProviderId")).toBe(143);
  });

  it("has typed getters that return the default for a missing key or another type", () => {
    expect(provider.getBoolean("typed", "on", false)).toBe(true);
    expect(provider.getBoolean("typed", "s", false)).toBe(false);
    expect(provider.getBoolean("typed", "missing")).toBeUndefined();
    expect(provider.getNumber("typed", "n", 0)).toBe(2.5);
    expect(provider.getNumber("typed", "nan", -1)).toBe(-1);
    expect(provider.getString("typed", "s", "d")).toBe("x");
    expect(provider.getString("typed", "n", "d")).toBe("d");
    expect(provider.getString("unknown", "s", "d")).toBe("d");
  });

  it("reads JSON attributes as copies, parsing strings that hold JSON objects, never throwing", () => {
    const value = provider.getJSON<{ k: number[] }>("typed", "obj", { k: [] });
    expect(value).toEqual({ k: [1] });
    value.k.push(2);
    expect(provider.getJSON("typed", "obj")).toEqual({ k: [1] });
    expect(provider.getJSON("typed", "text")).toEqual({ k: 2 });
    expect(provider.getJSON("typed", "bad", null)).toBeNull();
    expect(provider.getJSON("typed", "n", "default")).toBe("default");
  });

  it("says whether an attribute exists", () => {
    expect(provider.has("typed", "on")).toBe(true);
    expect(provider.has("typed", "off")).toBe(false);
  });

  it("keeps the getOffers result it was built from", () => {
    const source = offers({});
    expect(createAttributesProvider(source).getResponse()).toBe(source);
    expect(createAttributesProvider(source).toJSON()).toEqual({});
  });

  it("stores a __proto__ attribute as data without touching prototypes", () => {
    const content = JSON.parse('{"__proto__": {"polluted": true}, "ok": 1}');
    const p = createAttributesProvider(offers({ execute: { mboxes: [{ name: "m", options: [{ type: "json", content }] }] } }));
    expect(p.getValue("m", "ok")).toBe(1);
    expect(p.getValue("m", "__proto__")).toEqual({ polluted: true });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect((p.asObject("m") as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("works with its methods taken off it, as the reference's closures do, each provider with its own data", () => {
    const other = createAttributesProvider(offers({ execute: { mboxes: [{ name: "typed", options: [{ type: "json", content: { on: false } }] }] } }));
    const fresh = createAttributesProvider(
      offers({ execute: { mboxes: [{ name: "typed", options: [{ type: "json", content: { on: true, n: 2.5, s: "x" } }] }] } }),
    );
    const { getValue, asObject, toJSON, getResponse, has, getBoolean, getNumber, getString, getJSON } = fresh;
    expect(getValue("typed", "n")).toBe(2.5);
    expect(asObject("typed")).toEqual({ on: true, n: 2.5, s: "x" });
    expect(toJSON()).toEqual({ typed: { on: true, n: 2.5, s: "x" } });
    expect(getResponse()).toBe(fresh.getResponse());
    expect(has("typed", "s")).toBe(true);
    expect(getBoolean("typed", "on")).toBe(true);
    expect(getNumber("typed", "n")).toBe(2.5);
    expect(getString("typed", "s")).toBe("x");
    expect(getJSON("typed", "missing", "default")).toBe("default");
    expect(other.getBoolean("typed", "on")).toBe(false);
    expect(fresh.getValue).toBe(getValue);
    expect(JSON.stringify(fresh)).toBe('{"typed":{"on":true,"n":2.5,"s":"x"}}');
  });

  it("keeps working when a caller freezes it", () => {
    const frozen = Object.freeze(createAttributesProvider(offers({ execute: { mboxes: [{ name: "m", options: [{ type: "json", content: { k: 1 } }] }] } })));
    expect(frozen.getValue("m", "k")).toBe(1);
    expect(frozen.getNumber("m", "k", 0)).toBe(1);
    expect(JSON.stringify(frozen)).toBe('{"m":{"k":1}}');
  });

  it("answers reads before any index exactly as the index answers them, on random responses", () => {
    const name = fc.constantFrom("a", "b", "c");
    const key = fc.constantFrom("k", "x", "__proto__", "toString");
    const content = fc.dictionary(key, fc.oneof(fc.integer(), fc.constant(undefined), fc.constant(null), fc.string()), { maxKeys: 3 });
    const option = fc.record({ type: fc.constantFrom("json", "html"), content: fc.oneof(content, fc.constant([1]), fc.constant("text")) });
    const mbox = fc.record({ name: fc.oneof(name, fc.constant(7)), options: fc.array(option, { maxLength: 3 }) });
    const mode = fc.option(fc.record({ mboxes: fc.array(mbox, { maxLength: 4 }) }), { nil: undefined });
    fc.assert(
      fc.property(mode, mode, (prefetch, execute) => {
        const response = JSON.parse(JSON.stringify({ prefetch, execute })) as DeliveryResponse;
        const indexed = createAttributesProvider(offers(response));
        const lazy = attributesOf(response, { result: () => offers(response) });
        for (const mboxName of ["a", "b", "c", "7"]) {
          for (const attribute of ["k", "x", "__proto__", "toString", "missing"]) {
            expect(lazy.has(mboxName, attribute)).toBe(indexed.has(mboxName, attribute));
            expect(lazy.getValue(mboxName, attribute)).toEqual(indexed.getValue(mboxName, attribute));
          }
        }
      }),
      { numRuns: 500 },
    );
  });
});
