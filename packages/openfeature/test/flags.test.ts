import { createDecider } from "@decisioning/engine";
import { artifact } from "@decisioning/testing";
import type { EvaluationContext } from "@openfeature/server-sdk";
import { describe, expect, it } from "vitest";
import { changedFlags, indexOf, parseFlagKey, requestOf } from "../src/flags.js";

describe("flag keys", () => {
  it.each([
    ["flags/darkMode", { mbox: "flags", attribute: "darkMode" }],
    ["flags", { mbox: "flags", attribute: undefined }],
    ["flags/a/b", { mbox: "flags", attribute: "a/b" }],
  ])("reads %s as mbox and attribute", (key, expected) => {
    expect(parseFlagKey(key)).toEqual(expected);
  });
});

describe("evaluation context", () => {
  it.each<[string, EvaluationContext, object]>([
    [
      "targetingKey and ids",
      { targetingKey: "v", marketingCloudVisitorId: "m", thirdPartyId: "t" },
      { id: { tntId: "v", marketingCloudVisitorId: "m", thirdPartyId: "t" } },
    ],
    [
      "page, browser and geo",
      { url: "https://a.test/", referringUrl: "https://b.test/", userAgent: "UA", geo: { countryCode: "US" } },
      { context: { channel: "web", address: { url: "https://a.test/", referringUrl: "https://b.test/" }, userAgent: "UA", geo: { countryCode: "US" } } },
    ],
    [
      "other attributes as mbox parameters",
      { tier: "gold", age: 42, vip: true, since: new Date("2026-01-01T00:00:00Z"), tags: ["x"], mboxParameters: { "cart.total": 12 } },
      {
        execute: {
          mboxes: [{ name: "m", index: 1, parameters: { tier: "gold", age: "42", vip: "true", since: "2026-01-01T00:00:00.000Z", "cart.total": "12" } }],
        },
      },
    ],
    ["a property token", { propertyToken: "prop-a" }, { property: { token: "prop-a" } }],
  ])("maps %s onto the delivery request", (_name, context, expected) => {
    expect(requestOf(context, "m", undefined)).toMatchObject(expected);
  });

  it("keeps parameter names away from Object.prototype", () => {
    const request = requestOf(JSON.parse('{"__proto__": "x", "constructor": "y"}') as EvaluationContext, "m", undefined);
    expect(request.execute?.mboxes?.[0]?.parameters).toEqual(JSON.parse('{"__proto__": "x", "constructor": "y"}'));
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });
});

describe("artifact updates", () => {
  const index = (built: any) => indexOf(createDecider({ client: "acme", artifact: built }));
  const base = () =>
    artifact()
      .activity("a")
      .mbox("m1")
      .experience("X", 100, { json: { a: 1 } })
      .activity("b")
      .mbox("m2")
      .experience("Y", 100, { json: { b: 1 } })
      .build();

  it("names every flag of the mboxes whose rules changed, and nothing else", () => {
    const next = base();
    (next.rules.mboxes.m2?.[0]?.consequence.options?.[0] as { content: unknown }).content = { b: 2, c: 3 };
    expect(changedFlags(index(base()), index(next))).toEqual(["m2", "m2/b", "m2/c"]);
    expect(changedFlags(index(base()), index(base()))).toEqual([]);
  });

  it("names every flag of a first artifact", () => {
    expect(changedFlags(undefined, index(base()))).toEqual(["m1", "m1/a", "m2", "m2/b"]);
  });
});
