import { createDecider } from "@decisioning/engine";
import { describe, expect, it } from "vitest";
import { artifact, frozenClock, when } from "../src/index.js";

describe("frozenClock", () => {
  it("stops, jumps and advances time for the engine", () => {
    const built = artifact().activity("evening").mbox("m").experience("On", 100, { json: true }).audience(when.timeBetween("1800", "2359")).build();
    const clock = frozenClock("2026-01-30T17:59:00Z");
    const decider = createDecider({ client: "acme", artifact: built, platform: clock });
    const served = () =>
      (decider.decide({ request: { id: { tntId: "v" }, execute: { mboxes: [{ name: "m", index: 1 }] } } }).response.execute?.mboxes?.[0]?.options?.length ??
        0) > 0;
    expect(served()).toBe(false);
    clock.advance(60_000);
    expect(served()).toBe(true);
    clock.set(new Date("2026-01-31T00:00:00Z"));
    expect(served()).toBe(false);
    expect(clock.now()).toBe(Date.UTC(2026, 0, 31));
  });

  it("refuses something that is not a time", () => {
    expect(() => frozenClock("tomorrow")).toThrow(expect.objectContaining({ name: "TestingError", code: "INVALID_ARGUMENT" }));
  });
});
