import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { runInThisContext } from "node:vm";
import fc from "fast-check";
import jsonLogic205 from "json-logic-js";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { MAX_LOGIC_DEPTH, compileLogic, logicProblems, truthy, unknownOperators } from "../../src/logic/compile.js";

type Apply = (logic: unknown, data?: unknown) => unknown;
type Outcome = { ok: true; value: unknown } | { ok: false; type: string; message: string };

/**
 * The decisioning engine evaluates conditions with the json-logic-js copy inlined in its bundle,
 * which is not exported. Evaluate that exact source, in strict mode like the bundle, in this realm
 * so results compare by identity (e.g. `{"var": "constructor"}` yields this realm's Object).
 */
function loadBundledJsonLogic(): { apply: Apply; truthy: (value: unknown) => boolean } {
  const require = createRequire(import.meta.url);
  const source = readFileSync(require.resolve("@adobe/target-decisioning-engine"), "utf8");
  const startMarker = "var logic = createCommonjsModule(function (module, exports) {";
  const endMarker = "return jsonLogic;\n}));\n});";
  const start = source.indexOf(startMarker);
  const end = source.indexOf(endMarker, start);
  if (start < 0 || end < 0) throw new Error("json-logic-js not found in the decisioning engine bundle");
  const factory = runInThisContext(
    `(function (createCommonjsModule, commonjsGlobal) { "use strict";\n${source.slice(start, end + endMarker.length)}\nreturn logic; })`,
  ) as (cjs: unknown, global: unknown) => { apply: Apply; truthy: (value: unknown) => boolean };
  const createCommonjsModule = (fn: (m: { exports: unknown }, e: unknown) => void) => {
    const m = { exports: {} as unknown };
    fn(m, m.exports);
    return m.exports;
  };
  return factory(createCommonjsModule, globalThis);
}

const oracle = loadBundledJsonLogic();
const apply205 = jsonLogic205.apply as Apply;

function outcome(run: () => unknown): Outcome {
  try {
    return { ok: true, value: run() };
  } catch (error) {
    const e = error as Error;
    return { ok: false, type: e.constructor.name, message: e.message };
  }
}

const ours = (expr: unknown, data?: unknown): Outcome => outcome(() => compileLogic(expr)(data));
const reference = (expr: unknown, data?: unknown): Outcome => outcome(() => oracle.apply(expr, data));

/** Build objects the way JSON.parse does: "__proto__" becomes an own property, not a prototype. */
function jsonObject(entries: readonly (readonly [string, unknown])[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of entries) {
    Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
  }
  return out;
}

let consoleLog: ReturnType<typeof vi.spyOn>;
beforeAll(() => {
  // The reference's `log` prints; keep test output clean and let tests see who printed.
  consoleLog = vi.spyOn(console, "log").mockImplementation(() => undefined);
});
afterAll(() => {
  consoleLog.mockRestore();
});

const FAILS = Symbol("fails");
type Expected = unknown | { [FAILS]: string };
const fails = (message: string): Expected => ({ [FAILS]: message });

const cases: readonly (readonly [string, unknown, unknown, Expected])[] = [
  // literals and arrays
  ["a number evaluates to itself", 1, {}, 1],
  ["a string evaluates to itself", "s", {}, "s"],
  ["null evaluates to itself", null, {}, null],
  ["an array evaluates each element", [1, { var: "a" }, [{ var: "b" }]], { a: 5, b: 6 }, [1, 5, [6]]],
  ["an object with two keys is data, not logic", { a: 1, b: { var: "x" } }, {}, { a: 1, b: { var: "x" } }],
  ["an empty object is data", {}, {}, {}],
  // equality
  ["== compares loosely", { "==": [1, "1"] }, {}, true],
  ["== treats 0 and false as equal", { "==": [0, false] }, {}, true],
  ["== compares an evaluated array through its string form", { "==": [[1], "1"] }, {}, true],
  ["== with one operand compares with undefined", { "==": [null] }, {}, true],
  ["=== compares strictly", { "===": [1, "1"] }, {}, false],
  ["!= negates loose equality", { "!=": [1, "1"] }, {}, false],
  ["!== negates strict equality", { "!==": [1, "1"] }, {}, true],
  ["== still evaluates operands past the second", { "==": [1, 1, { nope: 1 }] }, {}, fails("Unrecognized operation nope")],
  // negation and truthiness
  ["! treats an empty array as falsy", { "!": [[]] }, {}, true],
  ["! without operands negates undefined", { "!": [] }, {}, true],
  ["! accepts a single non-array operand", { "!": "a" }, {}, false],
  ["!! treats an empty array as falsy", { "!!": [[]] }, {}, false],
  ["!! treats the string 0 as truthy", { "!!": ["0"] }, {}, true],
  // and / or
  ["or returns the first truthy operand", { or: [0, "", "x", "y"] }, {}, "x"],
  ["or returns the last operand when none is truthy", { or: [0, false] }, {}, false],
  ["or without operands is undefined", { or: [] }, {}, undefined],
  ["or short-circuits past unknown operators", { or: [true, { nope: 1 }] }, {}, true],
  ["and returns the first falsy operand", { and: [1, 0, 2] }, {}, 0],
  ["and returns the last operand when all are truthy", { and: [1, 2] }, {}, 2],
  ["and without operands is undefined", { and: [] }, {}, undefined],
  ["and short-circuits past unknown operators", { and: [[], { nope: 1 }] }, {}, []],
  // if
  ["if picks the then branch", { if: [true, "yes", "no"] }, {}, "yes"],
  ["if picks the else branch", { if: [false, "yes", "no"] }, {}, "no"],
  ["if with an even operand count has no else and yields null", { if: [false, 1, false, 2] }, {}, null],
  ["if chains else-if pairs", { if: [false, 1, { var: "c" }, 2, 3] }, { c: 1 }, 2],
  ["if without operands yields null", { if: [] }, {}, null],
  ["if with one operand evaluates it", { if: { var: "a" } }, { a: 4 }, 4],
  ["?: behaves like if and treats an empty array as falsy", { "?:": [[], 1, 2] }, {}, 2],
  // ordering
  ["< compares two operands", { "<": [1, 2] }, {}, true],
  ["< with three operands tests a strict range", { "<": [1, 2, 3] }, {}, true],
  ["< with three operands fails outside the range", { "<": [1, 3, 2] }, {}, false],
  ["<= with three operands includes the bounds", { "<=": [1, 1, 1] }, {}, true],
  ["<= with a range reads the middle from data", { "<=": [10, { var: "t" }, 20] }, { t: 20 }, true],
  ["< coerces numeric strings", { "<": ["10", 9] }, {}, false],
  ["< compares two strings lexically", { "<": ["a", "b"] }, {}, true],
  ["> compares two operands", { ">": [2, 1] }, {}, true],
  ["> ignores a third operand", { ">": [3, 2, 10] }, {}, true],
  [">= includes equality", { ">=": [1, 1] }, {}, true],
  // in
  ["in finds a substring", { in: ["Spring", "Springfield"] }, {}, true],
  ["in finds an array element", { in: ["b", ["a", "b"]] }, {}, true],
  ["in uses strict equality on arrays", { in: ["1", [1, 2]] }, {}, false],
  ["in converts the needle to a string for strings", { in: [1, "a1"] }, {}, true],
  ["in is false for a null haystack", { in: ["x", null] }, {}, false],
  ["in is false for an empty-string haystack", { in: ["", ""] }, {}, false],
  ["in is false for an object without indexOf", { in: ["a", { var: "o" }] }, { o: { a: 1 } }, false],
  ["in throws when indexOf is not a function", { in: [1, { var: "o" }] }, { o: { indexOf: 5 } }, fails("b.indexOf is not a function")],
  ["in searches a long array", { in: [{ var: "x" }, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, "k"]] }, { x: "k" }, true],
  // var
  ["var follows a dotted path", { var: "a.b" }, { a: { b: 1 } }, 1],
  ["var indexes arrays with numeric segments", { var: "a.0" }, { a: [5] }, 5],
  ["var accepts a number as path", { var: 1 }, ["x", "y"], "y"],
  ["var splits a decimal number at its dot", { var: 1.5 }, { "1": { "5": "x" } }, "x"],
  ["var falls back to the default", { var: ["z", "dflt"] }, {}, "dflt"],
  ["var falls back to null without default", { var: "z" }, {}, null],
  ["var with an empty path returns the whole data", { var: "" }, { a: 1 }, { a: 1 }],
  ["var with a null path returns the whole data", { var: null }, { a: 1 }, { a: 1 }],
  ["var without operands returns the whole data", { var: [] }, 7, 7],
  ["var with an empty path ignores the default", { var: ["", "d"] }, undefined, undefined],
  ["var uses the default when null sits inside the path", { var: ["a.b", 7] }, { a: null }, 7],
  ["var returns null found at the end of the path, not the default", { var: ["a", 7] }, { a: null }, null],
  ["var on null data yields the default", { var: ["a", 3] }, null, 3],
  ["var reads properties of primitives", { var: "length" }, "abc", 3],
  ["var evaluates a computed default", { var: ["x", { var: "d" }] }, { d: 3 }, 3],
  ["var evaluates a computed path", { var: { cat: ["a", ".b"] } }, { a: { b: 2 } }, 2],
  ["var reads an inherited property like the reference", { var: "a.constructor" }, { a: {} }, Object],
  // missing
  ["missing lists absent keys", { missing: ["a", "b"] }, { a: 1 }, ["b"]],
  ["missing takes one array of keys", { missing: [["a", "b"]] }, { b: "" }, ["a", "b"]],
  ["missing accepts keys computed by merge", { missing: { merge: [["a"], "c"] } }, {}, ["a", "c"]],
  ["missing treats null values as missing", { missing: ["a.b"] }, { a: { b: null } }, ["a.b"]],
  ["missing applies a logic-shaped key found in data once more", { missing: [{ var: "k" }, "z"] }, { k: { var: "y" }, y: "a" }, [{ var: "y" }, "z"]],
  ["missing_some is empty when enough keys are present", { missing_some: [1, ["a", "b"]] }, { a: 1 }, []],
  ["missing_some lists absent keys when too few are present", { missing_some: [2, ["a", "b", "c"]] }, { a: 1 }, ["b", "c"]],
  ["missing_some fails on a null option list", { missing_some: [1, null] }, {}, fails("Cannot read properties of null (reading 'length')")],
  // arithmetic
  ["+ adds numeric strings as numbers", { "+": [1, "2"] }, {}, 3],
  ["+ with one operand converts it to a number", { "+": "3" }, {}, 3],
  ["+ without operands is zero", { "+": [] }, {}, 0],
  ["+ parses leading numbers like parseFloat", { "+": ["1.5x", 1] }, {}, 2.5],
  ["+ does not concatenate strings", { "+": ["a", "b"] }, {}, NaN],
  ["+ of a boolean is NaN", { "+": [true] }, {}, NaN],
  ["- with one operand negates", { "-": [5] }, {}, -5],
  ["- subtracts with coercion", { "-": [5, "2"] }, {}, 3],
  ["* multiplies parsed operands", { "*": [2, "3"] }, {}, 6],
  ["* with one operand returns it unconverted", { "*": ["3"] }, {}, "3"],
  ["* without operands fails like an empty reduce", { "*": [] }, {}, fails("Reduce of empty array with no initial value")],
  ["* reparses its running product so -0 becomes 0", { "*": [-1, 0, 5] }, {}, 0],
  ["/ divides", { "/": [1, 0] }, {}, Infinity],
  ["% takes the remainder", { "%": [7, 3] }, {}, 1],
  ["min coerces its operands", { min: [3, "1", 2] }, {}, 1],
  ["min with a non-number is NaN", { min: [1, "x"] }, {}, NaN],
  ["max without operands is -Infinity", { max: [] }, {}, -Infinity],
  // strings
  ["cat joins with null as empty and arrays with commas", { cat: ["a", 1, null, [1, 2], true] }, {}, "a11,2true"],
  ["substr takes a tail", { substr: ["jsonlogic", 4] }, {}, "logic"],
  ["substr counts a negative start from the end", { substr: ["jsonlogic", -5] }, {}, "logic"],
  ["substr takes a length", { substr: ["jsonlogic", 1, 3] }, {}, "son"],
  ["substr drops characters for a negative length", { substr: ["jsonlogic", 4, -2] }, {}, "log"],
  ["substr converts its source to a string", { substr: [12345, 1, 2] }, {}, "23"],
  // arrays
  ["merge flattens one level", { merge: [1, [2, 3], [[4]]] }, {}, [1, 2, 3, [4]]],
  ["merge without operands is empty", { merge: [] }, {}, []],
  ["map evaluates its body against each element", { map: [[1, 2, 3], { "*": [{ var: "" }, 2] }] }, {}, [2, 4, 6]],
  ["map scopes data to the element", { map: [{ var: "items" }, { var: "price" }] }, { items: [{ price: 1 }, { price: 2 }], price: 9 }, [1, 2]],
  ["map over a non-array is empty", { map: ["x", 1] }, {}, []],
  ["filter keeps truthy results", { filter: [[1, 2, 3], { ">": [{ var: "" }, 1] }] }, {}, [2, 3]],
  ["filter over a non-array is empty", { filter: [null, true] }, {}, []],
  ["reduce folds with current and accumulator", { reduce: [[1, 2, 3], { "+": [{ var: "current" }, { var: "accumulator" }] }, 0] }, {}, 6],
  ["reduce uses its initial operand unevaluated as the bundled json-logic-js does", { reduce: [[], 1, { var: "x" }] }, { x: 1 }, { var: "x" }],
  ["reduce over a non-array returns the initial operand", { reduce: ["x", 1, 5] }, {}, 5],
  ["reduce without initial starts from null", { reduce: [[1], { var: "accumulator" }] }, {}, null],
  ["all is true when every element passes", { all: [[1, 2], { ">": [{ var: "" }, 0] }] }, {}, true],
  ["all of an empty array is false", { all: [[], true] }, {}, false],
  ["none of an empty array is true", { none: [[], true] }, {}, true],
  ["none is true when no element passes", { none: [[0], { var: "" }] }, {}, true],
  ["some is true when an element passes", { some: [[0, 1], { var: "" }] }, {}, true],
  ["some of a non-array is false", { some: ["str", true] }, {}, false],
  // log, method, unknown operators
  ["log returns its operand", { log: "x" }, {}, "x"],
  ["method is not an operator of the bundled json-logic-js", { method: ["abc", "toUpperCase"] }, {}, fails("Unrecognized operation method")],
  ["an unknown operator fails at evaluation", { nope: 1 }, {}, fails("Unrecognized operation nope")],
  ["operands are evaluated before an unknown operator fails", { nope: [{ inner: 1 }] }, {}, fails("Unrecognized operation inner")],
  ["an inherited name is not an operator", { constructor: 1 }, {}, fails("Unrecognized operation constructor")],
  ["hasOwnProperty is not an operator", { hasOwnProperty: [] }, {}, fails("Unrecognized operation hasOwnProperty")],
  ["an own __proto__ key is not an operator", JSON.parse('{"__proto__": [1]}'), {}, fails("Unrecognized operation __proto__")],
  ["a dotted name reports where it failed", { "nope.x": 1 }, {}, fails("Unrecognized operation nope.x (failed at nope)")],
  ["a dotted name can walk back to an operator", { "var.prototype.constructor": "a" }, { a: 1 }, 1],
  ["a dotted name reaching a non-function cannot be applied", { "var.length": "a" }, {}, fails("operation.apply is not a function")],
  ["a dotted name walks into the operator name string", { "==.name.1": [] }, {}, fails("operation.apply is not a function")],
  ["a dotted name fails past the end of the name string", { "var.name.3": [] }, {}, fails("Unrecognized operation var.name.3 (failed at var.name.3)")],
  ["a leading dot is not a path", { ".var": "a" }, {}, fails("Unrecognized operation .var")],
];

describe("compileLogic", () => {
  it.each(cases)("%s", (_name, expr, data, expected) => {
    const want: Outcome =
      typeof expected === "object" && expected !== null && FAILS in expected
        ? { ok: false, type: expect.any(String) as unknown as string, message: (expected as { [FAILS]: string })[FAILS] }
        : { ok: true, value: expected };
    const theirs = reference(expr, data);
    expect(theirs).toStrictEqual(want);
    expect(ours(expr, data)).toStrictEqual(theirs);
  });

  it("keeps holes when an array expression has them", () => {
    const expr = { in: [{ var: "u" }, [, 1]] };
    expect(ours(expr, {})).toStrictEqual(reference(expr, {}));
    expect(ours([1, , 2])).toStrictEqual(reference([1, , 2]));
  });

  it("does not throw at compile time for unknown operators", () => {
    expect(() => compileLogic({ nope: 1 })).not.toThrow();
  });

  it("never prints from log", () => {
    consoleLog.mockClear();
    expect(compileLogic({ log: [{ var: "a" }] })({ a: 1 })).toBe(1);
    expect(consoleLog).not.toHaveBeenCalled();
  });

  it("reads var paths without writing to data or prototypes", () => {
    const data = Object.freeze({ a: Object.freeze({ b: 1 }) });
    for (const path of ["__proto__.polluted", "constructor.prototype.x", "a.b.c", "a.__proto__"]) {
      expect(ours({ var: path }, data)).toStrictEqual(reference({ var: path }, data));
    }
    expect(Object.prototype).not.toHaveProperty("polluted");
  });

  it("gives a fresh array on every evaluation of a constant array", () => {
    const run = compileLogic({ merge: [[1], [2]] });
    const first = run({}) as number[];
    first.push(99);
    expect(run({})).toStrictEqual([1, 2]);
  });

  it("evaluates the same closure correctly against changing data", () => {
    const run = compileLogic({ var: { var: "p" } });
    expect(run({ p: "a.b", a: { b: 1 } })).toBe(1);
    expect(run({ p: "c", c: 2 })).toBe(2);
    expect(run({ p: "a.b", a: { b: 3 } })).toBe(3);
  });
});

describe("nesting limit", () => {
  const nest = (levels: number): unknown => {
    let expr: unknown = { var: "x" };
    for (let i = 1; i < levels; i++) expr = { "!!": [expr] };
    return expr;
  };

  it("evaluates expressions at the limit like the reference", () => {
    const expr = nest(MAX_LOGIC_DEPTH);
    expect(ours(expr, { x: 1 })).toStrictEqual(reference(expr, { x: 1 }));
    expect(logicProblems(expr)).toStrictEqual([]);
  });

  it("rejects deeper expressions at evaluation time with a clear error", () => {
    const expr = nest(MAX_LOGIC_DEPTH + 1);
    const run = compileLogic(expr);
    expect(() => run({ x: 1 })).toThrow(`nests deeper than ${MAX_LOGIC_DEPTH} levels`);
    expect(logicProblems(expr)).toStrictEqual([`Logic expression nests deeper than ${MAX_LOGIC_DEPTH} levels`]);
  });

  it("counts nested arrays as levels", () => {
    let expr: unknown = 1;
    for (let i = 0; i <= MAX_LOGIC_DEPTH; i++) expr = [expr];
    expect(() => compileLogic(expr)(null)).toThrow(/nests deeper/);
  });

  it("turns a cyclic expression into the nesting error instead of a stack overflow", () => {
    const cyclic: unknown[] = [];
    cyclic.push({ "!": cyclic });
    expect(() => compileLogic(cyclic)(null)).toThrow(/nests deeper/);
    expect(logicProblems(cyclic)).toHaveLength(1);
  });
});

describe("unknownOperators", () => {
  it("lists each unknown operator once, in evaluation order", () => {
    const expr = { and: [{ nope: [{ inner: 1 }] }, { map: [[], { nope: 1 }] }, { method: [] }] };
    expect(unknownOperators(expr)).toStrictEqual(["nope", "inner", "method"]);
  });

  it("ignores positions the reference never evaluates", () => {
    // reduce's initial operand is used raw; scoped operators ignore operands past the body.
    expect(unknownOperators({ reduce: [[], 1, { raw: 1 }] })).toStrictEqual([]);
    expect(unknownOperators({ map: [[], 1, { extra: 1 }] })).toStrictEqual([]);
    expect(unknownOperators({ a: { nope: 1 }, b: 2 })).toStrictEqual([]);
  });

  it("accepts dotted names that resolve to an operator and rejects the rest", () => {
    expect(unknownOperators({ "var.prototype.constructor": "a" })).toStrictEqual([]);
    expect(unknownOperators([{ "var.length": "a" }, { "x.y": 1 }])).toStrictEqual(["var.length", "x.y"]);
  });

  it("knows every operator of the reference", () => {
    const ops = [
      "==",
      "===",
      "!=",
      "!==",
      ">",
      ">=",
      "<",
      "<=",
      "!!",
      "!",
      "%",
      "log",
      "in",
      "cat",
      "substr",
      "+",
      "*",
      "-",
      "/",
      "min",
      "max",
      "merge",
      "var",
      "missing",
      "missing_some",
      "if",
      "?:",
      "and",
      "or",
      "filter",
      "map",
      "reduce",
      "all",
      "none",
      "some",
    ];
    expect(unknownOperators(ops.map((op) => ({ [op]: [] })))).toStrictEqual([]);
  });

  it("reports unknown operators as problems", () => {
    expect(logicProblems({ nope: 1 })).toStrictEqual(['Unrecognized operation "nope"']);
  });
});

describe("truthy", () => {
  it.each([
    [[], false],
    [[0], true],
    [0, false],
    ["", false],
    ["0", true],
    [null, false],
    [undefined, false],
    [{}, true],
    [NaN, false],
  ] as const)("matches json-logic-js for %j", (value, expected) => {
    expect(oracle.truthy(value)).toBe(expected);
    expect(truthy(value)).toBe(expected);
  });
});

describe("the bundled json-logic-js", () => {
  it("differs from json-logic-js 2.0.5 by using reduce's initial operand unevaluated", () => {
    const expr = { reduce: [[1], { "+": [{ var: "current" }, { var: "accumulator" }] }, { "+": [1, 2] }] };
    expect(apply205(expr, {})).toBe(4);
    expect(oracle.apply(expr, {})).toBeNaN();
    expect(compileLogic(expr)({})).toBeNaN();
  });
});

// ---------------------------------------------------------------------------------------------
// Differential testing against the bundled json-logic-js.

const strings = fc.constantFrom("", "a", "b", "ab", "1", "2", "0", "1.5", "-1", " 3 ", "a.b", "x", "true", "null", "Springfield");
const numbers = fc.oneof(fc.constantFrom(0, -0, 1, 2, -1, 1.5, 10, 100, 1e21), fc.integer({ min: -20, max: 20 }));
const scalar = fc.oneof(strings, numbers, fc.boolean(), fc.constant(null));
const dataKey = fc.oneof(
  { weight: 12, arbitrary: fc.constantFrom("a", "b", "c", "x", "0", "1", "items") },
  { weight: 1, arbitrary: fc.constantFrom("length", "", "indexOf", "toString", "valueOf", "constructor", "__proto__") },
);

const { data } = fc.letrec<{ data: unknown }>((tie) => ({
  data: fc.oneof(
    { maxDepth: 4, depthIdentifier: "data" },
    scalar,
    fc.array(tie("data"), { maxLength: 4 }),
    fc.array(fc.tuple(dataKey, tie("data")), { maxLength: 4 }).map(jsonObject),
  ),
}));

const path = fc.oneof(
  { weight: 6, arbitrary: fc.array(dataKey, { minLength: 1, maxLength: 3 }).map((keys) => keys.join(".")) },
  { weight: 1, arbitrary: fc.constantFrom("", null, 0, 1, "current", "accumulator", "a.0", "items.1.a") },
);

const operators = [
  "==",
  "===",
  "!=",
  "!==",
  ">",
  ">=",
  "<",
  "<=",
  "!!",
  "!",
  "%",
  "log",
  "in",
  "cat",
  "substr",
  "+",
  "*",
  "-",
  "/",
  "min",
  "max",
  "merge",
  "missing",
  "missing_some",
  "if",
  "?:",
  "and",
  "or",
  "filter",
  "map",
  "reduce",
  "all",
  "none",
  "some",
];
const oddOperators = ["method", "nope", "var.prototype.constructor", "+.length", "in.name.0", "cat.x", "toString"];

const { expr } = fc.letrec<{ expr: unknown }>((tie) => ({
  expr: fc.oneof(
    { maxDepth: 5, depthIdentifier: "expr" },
    { weight: 4, arbitrary: scalar },
    { weight: 4, arbitrary: path.map((p) => ({ var: p })) },
    { weight: 1, arbitrary: fc.tuple(fc.oneof(path, tie("expr")), tie("expr")).map((args) => ({ var: args })) },
    { weight: 1, arbitrary: tie("expr").map((p) => ({ var: p })) },
    {
      weight: 6,
      arbitrary: fc
        .tuple(
          fc.oneof({ weight: 30, arbitrary: fc.constantFrom(...operators) }, { weight: 1, arbitrary: fc.constantFrom(...oddOperators) }),
          fc.oneof({ weight: 5, arbitrary: fc.array(tie("expr"), { maxLength: 4 }) }, { weight: 1, arbitrary: tie("expr") }),
        )
        .map(([op, args]) => jsonObject([[op, args]])),
    },
    { weight: 1, arbitrary: fc.array(tie("expr"), { maxLength: 3 }) },
    { weight: 1, arbitrary: fc.constant({ a: 1, b: [2] }) },
  ),
}));

function agrees(e: unknown, datasets: readonly unknown[]): void {
  // One compilation, several evaluations: folded constants and caches must not leak between data.
  const compiled = outcome(() => compileLogic(e));
  expect(compiled.ok).toBe(true);
  const run = (compiled as { value: (d: unknown) => unknown }).value;
  for (const d of datasets) {
    expect(outcome(() => run(d))).toStrictEqual(reference(e, d));
  }
}

describe("differential test against the bundled json-logic-js", () => {
  it("agrees on 20000 random expressions, each over three random data values", () => {
    fc.assert(
      fc.property(expr, fc.array(data, { minLength: 3, maxLength: 3 }), (e, ds) => agrees(e, ds)),
      { numRuns: 20000 },
    );
  });

  it("agrees on 10000 random var-heavy comparisons over object data", () => {
    const objectData = fc.array(fc.tuple(dataKey, data), { maxLength: 6 }).map(jsonObject);
    const operand = fc.oneof(
      scalar,
      path.map((p) => ({ var: p })),
      fc.tuple(path, scalar).map((args) => ({ var: args })),
    );
    const condition = fc
      .tuple(
        fc.constantFrom("==", "===", "!=", "!==", "<", "<=", ">", ">=", "in", "and", "or", "!", "missing", "cat", "+"),
        fc.array(operand, { maxLength: 3 }),
      )
      .map(([op, args]) => ({ [op]: args }));
    fc.assert(
      fc.property(condition, fc.array(objectData, { minLength: 3, maxLength: 3 }), (e, ds) => agrees(e, ds)),
      { numRuns: 10000 },
    );
  });
});
