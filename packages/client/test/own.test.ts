import { describe, expect, it } from "vitest";
import { hasOwn, setOwn } from "../src/own.js";

describe("own-property helpers", () => {
  it("stores a __proto__ key as data and leaves the prototype alone", () => {
    const target: Record<string, unknown> = {};
    setOwn(target, "__proto__", { polluted: true });
    expect(Object.getPrototypeOf(target)).toBe(Object.prototype);
    expect(Object.keys(target)).toEqual(["__proto__"]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("sets other keys as plain enumerable, writable data", () => {
    const target: Record<string, unknown> = {};
    setOwn(target, "toString", 1);
    setOwn(target, "toString", 2);
    expect(target).toEqual({ toString: 2 });
  });

  it("tells own keys from inherited ones", () => {
    const child = Object.create({ inherited: 1 }) as Record<string, unknown>;
    child.own = 2;
    expect(hasOwn(child, "own")).toBe(true);
    expect(hasOwn(child, "inherited")).toBe(false);
    expect(hasOwn({}, "toString")).toBe(false);
  });
});
