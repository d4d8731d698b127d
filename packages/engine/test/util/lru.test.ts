import { describe, expect, it } from "vitest";
import { Lru } from "../../src/util/lru.js";

describe("Lru", () => {
  it("returns what was stored", () => {
    const lru = new Lru<string, number>(3);
    lru.set("a", 1).set("b", 2);
    expect(lru.get("a")).toBe(1);
    expect(lru.get("b")).toBe(2);
    expect(lru.get("c")).toBeUndefined();
    expect(lru.size).toBe(2);
  });

  it("never holds more than its max", () => {
    const lru = new Lru<number, number>(100);
    for (let i = 0; i < 1000; i++) lru.set(i, i);
    expect(lru.size).toBe(100);
    expect(lru.max).toBe(100);
  });

  it("evicts the least recently stored entry first", () => {
    const lru = new Lru<string, number>(2);
    lru.set("a", 1).set("b", 2).set("c", 3);
    expect(lru.has("a")).toBe(false);
    expect(lru.get("b")).toBe(2);
    expect(lru.get("c")).toBe(3);
  });

  it("counts a read as a use, sparing that entry from the next eviction", () => {
    const lru = new Lru<string, number>(2);
    lru.set("a", 1).set("b", 2);
    lru.get("a");
    lru.set("c", 3);
    expect(lru.has("a")).toBe(true);
    expect(lru.has("b")).toBe(false);
  });

  it("counts an overwrite as a use and does not grow", () => {
    const lru = new Lru<string, number>(2);
    lru.set("a", 1).set("b", 2).set("a", 10).set("c", 3);
    expect(lru.get("a")).toBe(10);
    expect(lru.has("b")).toBe(false);
    expect(lru.size).toBe(2);
  });

  it("does not refresh an entry when only asked whether it exists", () => {
    const lru = new Lru<string, number>(2);
    lru.set("a", 1).set("b", 2);
    lru.has("a");
    lru.set("c", 3);
    expect(lru.has("a")).toBe(false);
  });

  it("stores undefined values and tells them apart from absence", () => {
    const lru = new Lru<string, undefined>(2);
    lru.set("a", undefined);
    expect(lru.has("a")).toBe(true);
    expect(lru.size).toBe(1);
  });

  it("treats keys like __proto__ as ordinary keys", () => {
    const lru = new Lru<string, number>(2);
    lru.set("__proto__", 1).set("constructor", 2);
    expect(lru.get("__proto__")).toBe(1);
    expect(lru.get("constructor")).toBe(2);
    expect(lru.get("toString")).toBeUndefined();
  });

  it("empties on clear", () => {
    const lru = new Lru<string, number>(2);
    lru.set("a", 1).clear();
    expect(lru.size).toBe(0);
    expect(lru.get("a")).toBeUndefined();
  });

  it.each([0, -1, 1.5, Number.NaN])("rejects a max of %d", (max) => {
    expect(() => new Lru(max)).toThrow(RangeError);
  });
});
