import { describe, expect, it } from "vitest";
import { applyShortcuts, optionsOf } from "../src/request.js";

describe("requests from the command line", () => {
  it.each<[string, unknown, unknown]>([
    ["a bare Delivery API request", { id: { tntId: "v" }, execute: {} }, { request: { id: { tntId: "v" }, execute: {} } }],
    ["getOffers options", { request: { id: { tntId: "v" } }, sessionId: "s" }, { request: { id: { tntId: "v" } }, sessionId: "s" }],
    ["a request that happens to have a `request` field", { request: {}, execute: {} }, { request: { request: {}, execute: {} } }],
  ])("accepts %s", (_name, json, expected) => {
    expect(optionsOf(json, "the request")).toEqual(expected);
  });

  it.each([[5], [null], [[]], ["x"]])("refuses options whose request is %j", (request) => {
    expect(() => optionsOf({ request, sessionId: "s" }, "the request")).toThrow(/the request: request must be a JSON object/);
  });

  it("puts shortcut items after the file's, with parameters on the new items only", () => {
    const base = { request: { execute: { mboxes: [{ name: "a", index: 4 }] } } };
    const result = applyShortcuts(base, { mbox: ["b"], param: ["x=1"], visitor: "v", url: "https://e.com/", geo: ["latitude=1.5"] });
    expect(result.request).toEqual({
      context: { channel: "web", address: { url: "https://e.com/" }, geo: { latitude: 1.5 } },
      id: { tntId: "v" },
      execute: {
        mboxes: [
          { name: "a", index: 4 },
          { name: "b", index: 5, parameters: { x: "1" } },
        ],
      },
    });
    expect(base.request.execute.mboxes).toHaveLength(1);
  });

  it("puts parameters on every item of the file when no shortcut adds items", () => {
    const result = applyShortcuts({ request: { prefetch: { views: [{ name: "home" }], pageLoad: {} } } }, { param: ["x=1"] });
    expect(result.request.prefetch).toEqual({ views: [{ name: "home", parameters: { x: "1" } }], pageLoad: { parameters: { x: "1" } } });
  });

  it("rejects geo keys the context does not have", () => {
    expect(() => applyShortcuts(undefined, { geo: ["country=US"] })).toThrow(/--geo takes countryCode/);
  });
});
