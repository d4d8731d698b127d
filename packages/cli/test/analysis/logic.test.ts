import { describe, expect, it } from "vitest";
import { conjunctsOf, isAllocationOnly, renderLogic, varsOf } from "../../src/analysis/logic.js";

describe("reading json-logic", () => {
  it.each<[unknown, string]>([
    [{ "==": [{ var: "page.domain" }, "example.com"] }, 'page.domain == "example.com"'],
    [{ in: ["sale", { var: "page.query_lc" }] }, '"sale" in page.query_lc'],
    [{ and: [{ "<": [{ var: "allocation" }, 50] }, { or: [{ "==": [{ var: "a" }, 1] }, { "!": [{ var: "b" }] }] }] }, "allocation < 50 and (a == 1 or not b)"],
    [{ "<": [0, { var: "allocation" }, 34] }, "0 < allocation < 34"],
    [{ "==": [{ "+": [{ var: "x" }, 1] }, 2] }, "(x + 1) == 2"],
    [{ substr: [{ var: "page.url_lc" }, 0, 8] }, "substr(page.url_lc, 0, 8)"],
    [{ var: ["mbox.tier", "none"] }, 'mbox.tier ?? "none"'],
    [true, "true"],
  ])("renders %j as %s", (expr, text) => {
    expect(renderLogic(expr)).toBe(text);
  });

  it("lists the variables an expression reads, once each", () => {
    expect(varsOf({ and: [{ "==": [{ var: "a" }, { var: "b" }] }, { "!": { var: "a" } }, { var: ["c", 1] }] })).toEqual(["a", "b", "c"]);
  });

  it("flattens nested ands into conjuncts", () => {
    expect(conjunctsOf({ and: [{ and: [1, 2] }, { or: [3, 4] }] })).toEqual([1, 2, { or: [3, 4] }]);
    expect(conjunctsOf({ "==": [1, 1] })).toEqual([{ "==": [1, 1] }]);
  });

  it("tells a traffic split from an audience", () => {
    expect(isAllocationOnly({ "<": [{ var: "allocation" }, 50] })).toBe(true);
    expect(isAllocationOnly({ and: [{ "<": [{ var: "allocation" }, 50] }, { var: "page.url" }] })).toBe(false);
    expect(isAllocationOnly(true)).toBe(false);
  });
});
