import { createRequire } from "node:module";
import fc from "fast-check";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startReferenceEngine, type ReferenceEngine } from "../kit/reference-engine.js";
import { mboxContextOf } from "../../src/context/mbox.js";

type Dict = Record<string, unknown>;

// The reference ships no typings; load it through require and type what is used.
const require = createRequire(import.meta.url);
const tools = require("@adobe/target-tools") as {
  isString(value: unknown): value is string;
  isPlainObject(value: unknown): value is Dict;
};
const jsonLogic = require("json-logic-js") as { apply(logic: unknown, data: unknown): unknown };

/**
 * The reference's createMboxContext (unflatten, setNestedValue, withLowerCaseStringValues of
 * @adobe/target-decisioning-engine 1.9.3), restated as a test oracle for non-hostile keys.
 * It runs in strict mode like the reference's bundle, so it throws where the reference
 * throws, and it mutates its input like the reference: give it a copy.
 */
function referenceMboxContext(parameters: unknown): Dict {
  if (!parameters) return {};
  const isExpandable = (key: string) => key.includes(".") && !key.includes("..") && key[0] !== "." && key[key.length - 1] !== ".";
  const setNestedValue = (object: Dict, keys: string[], value: unknown) => {
    let current = object;
    for (let i = 0; i < keys.length - 1; i += 1) {
      const key = keys[i] as string;
      current[key] = current[key] || {};
      current = current[key] as Dict;
    }
    current[keys[keys.length - 1] as string] = value;
  };
  const unflatten = (object: Dict) => {
    const result: Dict = {};
    Object.keys(object).forEach((key) => {
      if (isExpandable(key)) setNestedValue(result, key.split("."), object[key]);
      else result[key] = object[key];
    });
    return result;
  };
  const withLowerCaseStringValues = (obj: Dict): Dict => {
    const result: Dict = { ...obj };
    Object.keys(obj).forEach((key) => {
      const value = result[key];
      if (tools.isString(value)) result[`${key}_lc`] = value.toLowerCase();
      if (tools.isPlainObject(obj[key])) result[key] = withLowerCaseStringValues(result[key] as Dict);
    });
    return result;
  };
  return withLowerCaseStringValues({ ...unflatten(parameters as Dict) });
}

let engine: ReferenceEngine<{ execute: { mboxes: Array<{ trace: { evaluatedCampaignTargets: Array<{ context: { mbox: unknown } }> } }> } }>;

beforeAll(async () => {
  engine = await startReferenceEngine();
});
afterAll(() => engine.stopPolling());

/** Runs with the mbox parameters through the real reference engine and returns its traced `mbox` context. */
async function tracedMbox(parameters: unknown): Promise<unknown> {
  const response = await engine.getOffers({
    request: {
      id: { tntId: "338e3c1e51f7416a8e1ccba4f81acea0" },
      trace: { authorizationToken: "token" },
      context: { channel: "web" },
      execute: { mboxes: [{ name: "mbox-magician", index: 1, parameters: structuredClone(parameters) }] },
    },
    sessionId: "session",
  });
  return response.execute.mboxes[0]?.trace.evaluatedCampaignTargets[0]?.context.mbox;
}

const cases: ReadonlyArray<readonly [string, unknown, Dict]> = [
  ["no parameters", {}, {}],
  ["a string gets its _lc twin", { a: "HeLLo" }, { a: "HeLLo", a_lc: "hello" }],
  ["numbers, booleans and null get none", { n: 5, f: 1.5, t: true, z: null }, { n: 5, f: 1.5, t: true, z: null }],
  ["a dotted key nests", { "a.b": "Y" }, { a: { b: "Y", b_lc: "y" } }],
  ["deeper nesting merges siblings", { "a.b.c": "Z", "a.d": 1, "a.b.e": "E" }, { a: { b: { c: "Z", c_lc: "z", e: "E", e_lc: "e" }, d: 1 } }],
  [
    "keys with empty segments stay flat",
    { ".a": "X", "a.": "Y", "a..b": "Z" },
    { ".a": "X", ".a_lc": "x", "a.": "Y", "a._lc": "y", "a..b": "Z", "a..b_lc": "z" },
  ],
  ["a later plain key overwrites a nested one", { "a.b": "y", a: "X" }, { a: "X", a_lc: "x" }],
  ["a falsy value is replaced by an object", { a: 0, "a.b": "Y" }, { a: { b: "Y", b_lc: "y" } }],
  ["an empty string too", { a: "", "a.b": "Y" }, { a: { b: "Y", b_lc: "y" } }],
  ["a dotted key writes into a given object", { a: { b: "X" }, "a.c": "Y" }, { a: { b: "X", b_lc: "x", c: "Y", c_lc: "y" } }],
  ["an _lc key given after its base is lower-cased twice", { a: "X", a_lc: "Y" }, { a: "X", a_lc: "x", a_lc_lc: "x" }],
  ["an _lc key given before its base", { a_lc: "Y", a: "X" }, { a_lc: "x", a: "X", a_lc_lc: "y" }],
  ["a string overwriting an object turns into its characters", { a: "X", a_lc: { q: "Z" } }, { a: "X", a_lc: { 0: "x", "0_lc": "x" }, a_lc_lc: "x" }],
  ["an object given before the string that overwrites it", { a_lc: { q: "Z" }, a: "X" }, { a_lc: "x", a: "X" }],
  ["integer keys come first", { b: "C", 2: "B", 1: "A" }, { 1: "A", 2: "B", b: "C", "1_lc": "a", "2_lc": "b", b_lc: "c" }],
  ["arrays are kept, not lower-cased", { a: ["X"] }, { a: ["X"] }],
  ["a dotted key writes into a given array", { a: ["X", "W"], "a.0": "Y" }, { a: ["Y", "W"] }],
  ["unicode lower-casing", { s: "İSTANBUL ΣΑΣ ẞ" }, { s: "İSTANBUL ΣΑΣ ẞ", s_lc: "i̇stanbul σας ß" }],
  ["an empty key", { "": "X" }, { "": "X", _lc: "x" }],
];

describe("mboxContextOf", () => {
  it.each(cases)("%s", async (_name, parameters, expected) => {
    const before = structuredClone(parameters);
    const context = mboxContextOf(parameters);
    expect(context).toStrictEqual(expected);
    expect(parameters).toStrictEqual(before);
    // Same keys in the same order as the reference engine and the oracle.
    const traced = await tracedMbox(parameters);
    expect(context).toStrictEqual(traced);
    expect(JSON.stringify(context)).toBe(JSON.stringify(traced));
    expect(JSON.stringify(context)).toBe(JSON.stringify(referenceMboxContext(structuredClone(parameters))));
  });

  it.each([undefined, null, "", 0, false])("gives {} for %j parameters", (parameters) => {
    expect(mboxContextOf(parameters)).toStrictEqual({});
  });

  it("reads null-prototype parameter objects and returns ordinary objects", () => {
    const nested = Object.assign(Object.create(null) as Dict, { b: "X" });
    const parameters = Object.assign(Object.create(null) as Dict, { a: nested, "c.d": "Y" });
    const context = mboxContextOf(parameters);
    expect(context).toStrictEqual({ a: { b: "X", b_lc: "x" }, c: { d: "Y", d_lc: "y" } });
    expect(Object.getPrototypeOf(context["a"])).toBe(Object.prototype);
  });

  it("treats a string like the reference does: its characters become keys", () => {
    expect(mboxContextOf("Ab")).toStrictEqual(referenceMboxContext("Ab"));
    expect(mboxContextOf("Ab")).toStrictEqual({ 0: "A", 1: "b", "0_lc": "a", "1_lc": "b" });
  });

  it("can be read with json-logic var", () => {
    const context = mboxContextOf({ "user.tier": "Gold", "__proto__.tier": "Gold" });
    expect(jsonLogic.apply({ "==": [{ var: "mbox.user.tier_lc" }, "gold"] }, { mbox: context })).toBe(true);
    expect(jsonLogic.apply({ var: "mbox.__proto__.tier_lc" }, { mbox: context })).toBe("gold");
  });
});

describe("mboxContextOf where the reference throws", () => {
  const dropped: ReadonlyArray<readonly [string, Dict, Dict]> = [
    ["a dotted key below a string", { a: "x", "a.b": "y" }, { a: "x", a_lc: "x" }],
    ["a dotted key below a number", { a: 5, "a.b": "y", c: "Z" }, { a: 5, c: "Z", c_lc: "z" }],
    ["a dotted key below a boolean", { a: true, "a.b.c": "y" }, { a: true }],
    ["a deeper key below a nested string", { "a.b": "y", "a.b.c": "z", "a.d": "W" }, { a: { b: "y", b_lc: "y", d: "W", d_lc: "w" } }],
    ["an array length", { a: ["X"], "a.length": 0 }, { a: ["X"] }],
    ["a path through an array length", { a: [], "a.length.b": 0 }, { a: [] }],
  ];

  it.each(dropped)("drops %s instead of failing the request", async (_name, parameters, expected) => {
    expect(mboxContextOf(parameters)).toStrictEqual(expected);
    if (!("a.length" in parameters) && !("a.length.b" in parameters)) {
      await expect(tracedMbox(parameters)).rejects.toThrow(TypeError);
    }
  });
});

describe("mboxContextOf never touches a prototype", () => {
  const prototypes = [Object.prototype, Array.prototype, Function.prototype, String.prototype, Number.prototype, Boolean.prototype];
  const snapshot = () => prototypes.map((proto) => Reflect.ownKeys(proto).map(String).sort());
  const baseline = snapshot();
  const members = [Object.prototype.toString, Object.prototype.hasOwnProperty, Object.prototype.valueOf, Object];
  const memberKeys = members.map((member) => Reflect.ownKeys(member).map(String).sort());

  afterEach(() => {
    // Undo any damage so that one failure cannot spill into other tests.
    for (const proto of prototypes) delete (proto as Dict)["polluted"];
  });

  const hostile: ReadonlyArray<readonly [string, unknown]> = [
    ["__proto__.polluted", { "__proto__.polluted": "yes" }],
    ["constructor.prototype.polluted", { "constructor.prototype.polluted": "yes" }],
    ["a.__proto__.polluted", { "a.__proto__.polluted": "yes" }],
    ["a.constructor.prototype.polluted", { "a.constructor.prototype.polluted": "yes" }],
    ["__proto__.__proto__.polluted", { "__proto__.__proto__.polluted": "yes" }],
    ["prototype.polluted", { "prototype.polluted": "yes" }],
    ["toString.polluted", { "toString.polluted": "yes" }],
    ["hasOwnProperty.polluted", { "hasOwnProperty.polluted": "yes" }],
    ["valueOf.polluted", { "valueOf.polluted": "yes" }],
    ["a JSON __proto__ key holding an object", JSON.parse('{"__proto__": {"polluted": "yes"}}')],
    ["a JSON __proto__ key holding a string", JSON.parse('{"__proto__": "yes"}')],
    ["a nested JSON __proto__ and a dotted path into it", JSON.parse('{"a": {"__proto__": {"x": "X"}}, "a.__proto__.polluted": "yes"}')],
    ["an array value and a path into its prototype", { a: ["X"], "a.__proto__.polluted": "yes", "a.constructor.prototype.polluted": "yes" }],
    ["a string value and a path into its prototype", { a: "", "a.__proto__.polluted": "yes" }],
  ];

  it.each(hostile)("%s", (_name, parameters) => {
    const context = mboxContextOf(parameters);
    expect(({} as Dict)["polluted"]).toBeUndefined();
    expect(([] as unknown as Dict)["polluted"]).toBeUndefined();
    expect(snapshot()).toEqual(baseline);
    expect(members.map((member) => Reflect.ownKeys(member).map(String).sort())).toEqual(memberKeys);
    expect(Object.getPrototypeOf(context)).toBe(Object.prototype);
  });

  it("keeps hostile keys as ordinary own data", () => {
    const context = mboxContextOf({ "__proto__.polluted": "YES", "a.constructor.prototype.x": "X", "toString.y": "Y" });
    const proto = Object.getOwnPropertyDescriptor(context, "__proto__");
    expect(proto?.value).toStrictEqual({ polluted: "YES", polluted_lc: "yes" });
    expect(Object.getPrototypeOf(context)).toBe(Object.prototype);
    // toEqual: toStrictEqual compares `.constructor`, which here is data.
    expect(context["a"]).toEqual({ constructor: { prototype: { x: "X", x_lc: "x" } } });
    expect(Object.getPrototypeOf(context["a"])).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(context, "toString")?.value).toStrictEqual({ y: "Y", y_lc: "y" });
    expect(Object.keys(context)).toEqual(["__proto__", "a", "toString"]);
  });

  it("survives random hostile paths", () => {
    const segment = fc.constantFrom("__proto__", "constructor", "prototype", "toString", "valueOf", "a", "polluted");
    const key = fc.array(segment, { minLength: 1, maxLength: 4 }).map((parts) => parts.join("."));
    const value = fc.oneof(fc.constant("yes"), fc.constant(1), fc.constant({ polluted: "yes" }), fc.constant(["yes"]));
    fc.assert(
      fc.property(fc.array(fc.tuple(key, value), { maxLength: 6 }), (entries) => {
        const parameters: Dict = {};
        for (const [k, v] of entries) Object.defineProperty(parameters, k, { value: v, enumerable: true, writable: true, configurable: true });
        mboxContextOf(parameters);
        expect(({} as Dict)["polluted"]).toBeUndefined();
        expect(snapshot()).toEqual(baseline);
      }),
      { numRuns: 2000 },
    );
  });
});

describe("mboxContextOf equals the reference", () => {
  const segment = fc.constantFrom("a", "b", "c", "A", "x_lc", "_lc", "0", "1", "10", "é", "İ");
  // Mostly "a" and "b", so that paths collide and overwrite each other often.
  const keySegment = fc.oneof({ weight: 3, arbitrary: fc.constantFrom("a", "b") }, { weight: 1, arbitrary: segment });
  const key = fc.oneof(
    { weight: 6, arbitrary: fc.array(keySegment, { minLength: 1, maxLength: 3 }).map((parts) => parts.join(".")) },
    { weight: 1, arbitrary: segment.map((s) => `.${s}`) },
    { weight: 1, arbitrary: segment.map((s) => `${s}.`) },
    { weight: 1, arbitrary: fc.tuple(segment, segment).map(([s, t]) => `${s}..${t}`) },
    { weight: 1, arbitrary: fc.constant("") },
  );
  const text = fc.oneof(fc.constantFrom("X", "x", "AbC", "", "İ", "ẞ", "ΣΑΣ", "Ǆ"), fc.string({ maxLength: 6 }));
  const leaf = fc.oneof(text, fc.integer(), fc.boolean(), fc.constant(null), fc.constant(0));
  const { value } = fc.letrec<{ value: unknown }>((tie) => ({
    value: fc.oneof(
      { depthSize: "small", withCrossShrink: true },
      leaf,
      fc.dictionary(segment, tie("value"), { maxKeys: 3, noNullPrototype: true }),
      fc.array(text, { maxLength: 2 }),
    ),
  }));
  const parametersArb = fc.array(fc.tuple(key, value), { maxLength: 8 }).map((entries) => {
    const parameters: Dict = {};
    for (const [k, v] of entries) parameters[k] = v;
    return parameters;
  });

  /** The keys the reference can process in order without throwing, each given the ones kept before it. */
  function keptByReference(parameters: Dict): Dict {
    const kept: Dict = {};
    for (const k of Object.keys(parameters)) {
      const candidate = { ...structuredClone(kept), [k]: structuredClone(parameters[k]) };
      try {
        referenceMboxContext(structuredClone(candidate));
        kept[k] = parameters[k];
      } catch (error) {
        if (!(error instanceof TypeError)) throw error;
      }
    }
    return kept;
  }

  it("on random parameters (dropping, in order, exactly the keys that make the reference throw)", () => {
    fc.assert(
      fc.property(parametersArb, (parameters) => {
        const before = structuredClone(parameters);
        const context = mboxContextOf(parameters);
        const expected = referenceMboxContext(structuredClone(keptByReference(parameters)));
        expect(context).toStrictEqual(expected);
        expect(JSON.stringify(context)).toBe(JSON.stringify(expected));
        expect(parameters).toStrictEqual(before);
      }),
      { numRuns: 5000 },
    );
  });
});
