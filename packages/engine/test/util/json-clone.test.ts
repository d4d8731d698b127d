import { isDeepStrictEqual } from "node:util";
import { describe, expect, it } from "vitest";
import { cloneAsJson } from "../../src/util/json-clone.js";

const roundTrip = (value: unknown): unknown => {
  const text = JSON.stringify(value);
  return text === undefined ? undefined : JSON.parse(text);
};

class Point {
  constructor(
    readonly x: number,
    readonly y: number,
  ) {}
}

const withProtoKey = JSON.parse('{"__proto__": {"polluted": true}, "a": 1}') as unknown;
const nullProto = Object.assign(Object.create(null) as object, { b: 2, a: [1] });
const withGetter = Object.defineProperty({ a: 1 }, "b", { enumerable: true, get: () => "got" });
const hidden = Object.defineProperty({ a: 1 }, "b", { enumerable: false, value: 2 });

/** Values JSON treats in its own ways: each must come out exactly as the round trip gives it. */
const odd: Array<[string, unknown]> = [
  ["strings, numbers, booleans, null", { s: "x\u2028\ud800", n: 1.5e300, t: true, f: false, z: null }],
  ["NaN, the infinities and -0", { nan: NaN, inf: Infinity, ninf: -Infinity, negzero: -0, list: [NaN, -0] }],
  ["undefined, functions and symbols in objects and arrays", { u: undefined, fn: () => 1, sym: Symbol("s"), list: [undefined, () => 1, Symbol("t")] }],
  ["symbol keys", { [Symbol("k")]: 1, a: 2 }],
  ["a Date", { when: new Date(Date.UTC(2020, 1, 2, 3, 4, 5)) }],
  ["an invalid Date", { when: new Date(NaN) }],
  ["boxed primitives", { n: new Number(3), s: new String("s"), b: new Boolean(false), list: [new Number(-0)] }],
  ["toJSON with the member's key", { first: { toJSON: (key: string) => `key:${key}` }, list: [{ toJSON: (key: string) => `at:${key}` }] }],
  ["toJSON returning undefined", { gone: { toJSON: () => undefined }, list: [{ toJSON: () => undefined }] }],
  ["a function with toJSON", { fn: Object.assign(() => 1, { toJSON: () => "fn" }) }],
  ["a class instance", { point: new Point(1, 2) }],
  ["Map and Set", { map: new Map([[1, 2]]), set: new Set([1]) }],
  ["an own __proto__ key", withProtoKey],
  ["a null-prototype object", { inner: nullProto }],
  ["integer-like keys", { b: 1, 10: "ten", 2: "two", a: 3 }],
  ["a getter", withGetter],
  ["a non-enumerable key", hidden],
  ["a sparse array", [1, , 3]],
  ["an array with extra keys", Object.assign([1, 2], { extra: true })],
  ["typed arrays and buffers", { bytes: new Uint8Array([1, 2]), buffer: new ArrayBuffer(2) }],
  ["a regular expression and an error", { re: /x/g, error: new Error("e") }],
  ["a top-level primitive", "text"],
  ["a top-level undefined", undefined],
  ["a top-level NaN", NaN],
];

/** No object of `copy` is an object of `source`. */
function sharesNothing(copy: unknown, source: unknown, seen = new Set<unknown>()): boolean {
  const walk = (value: unknown): void => {
    if (typeof value !== "object" || value === null || seen.has(value)) return;
    seen.add(value);
    for (const key of Object.keys(value)) walk((value as Record<string, unknown>)[key]);
  };
  walk(source);
  const inCopy: unknown[] = [];
  const collect = (value: unknown): void => {
    if (typeof value !== "object" || value === null) return;
    inCopy.push(value);
    for (const key of Object.keys(value)) collect((value as Record<string, unknown>)[key]);
  };
  collect(copy);
  return inCopy.every((value) => !seen.has(value));
}

/** Equal as values (prototypes, -0 and all) and as JSON text (key order). */
function expectSame(actual: unknown, expected: unknown): void {
  expect(isDeepStrictEqual(actual, expected)).toBe(true);
  expect(JSON.stringify(actual)).toBe(JSON.stringify(expected));
}

/** A small seeded generator of nested values mixing plain data and JSON's special cases. */
function randomValue(seed: number): unknown {
  let state = seed >>> 0;
  const next = () => {
    state = (Math.imul(state ^ (state >>> 15), 0x2c1b3c6d) + 0x9e3779b9) >>> 0;
    return state / 4294967296;
  };
  const leaves: Array<() => unknown> = [
    () => "s",
    () => Math.floor(next() * 100),
    () => next() < 0.5,
    () => null,
    () => undefined,
    () => NaN,
    () => -0,
    () => new Date(0),
    () => ({ toJSON: (key: string) => key }),
    () => () => 1,
    () => new Number(2),
  ];
  const build = (depth: number): unknown => {
    const r = next();
    if (depth > 3 || r < 0.4) return (leaves[Math.floor(next() * leaves.length)] as () => unknown)();
    if (r < 0.7) return Array.from({ length: Math.floor(next() * 4) }, () => build(depth + 1));
    const out: Record<string, unknown> = {};
    const keys = ["a", "b", "1", "__proto__", "toString", "z"];
    for (let i = 0; i < Math.floor(next() * 5); i++) {
      const key = keys[Math.floor(next() * keys.length)] as string;
      Object.defineProperty(out, key, { value: build(depth + 1), enumerable: true, writable: true, configurable: true });
    }
    return out;
  };
  return build(0);
}

describe("cloneAsJson", () => {
  it.each(odd)("gives what a JSON round trip gives for %s", (_name, value) => {
    const copy = cloneAsJson(value);
    expectSame(copy, roundTrip(value));
    expect(sharesNothing(copy, value)).toBe(true);
  });

  it("gives what a JSON round trip gives for 2,000 random nested values", () => {
    for (let seed = 1; seed <= 2000; seed++) {
      const value = randomValue(seed);
      expectSame(cloneAsJson(value), roundTrip(value));
    }
  });

  it("throws JSON's errors: a bigint, and a cycle", () => {
    expect(() => cloneAsJson({ big: 1n })).toThrow(TypeError);
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = { back: cyclic };
    expect(() => cloneAsJson(cyclic)).toThrow(TypeError);
    expect(() => JSON.stringify(cyclic)).toThrow(TypeError);
  });

  it("never sets a prototype from an own __proto__ key", () => {
    const copy = cloneAsJson(withProtoKey) as Record<string, unknown>;
    expect(Object.getPrototypeOf(copy)).toBe(Object.prototype);
    expect(Object.hasOwn(copy, "__proto__")).toBe(true);
    expect((copy as { polluted?: unknown }).polluted).toBeUndefined();
  });
});
