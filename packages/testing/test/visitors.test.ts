import { allocationOf, createDecider } from "@decisioning/engine";
import { describe, expect, it } from "vitest";
import { artifact, forceVisitor, TestingError, visitorInExperience, visitorWithAllocation, when } from "../src/index.js";

const built = artifact()
  .activity("checkout-test", { id: 21 })
  .mbox("checkout")
  .view("checkout-view")
  .experience("A", 10, { json: { v: "a" } })
  .experience("B", 10, { json: { v: "b" } })
  .experience("C", 80, { json: { v: "c" } })
  .audience(when.param("tier").is("gold"))
  .build();

const served = (tntId: string, parameters: Record<string, string>) =>
  createDecider({ client: "acme", artifact: built }).decide({ request: { id: { tntId }, execute: { mboxes: [{ name: "checkout", index: 1, parameters }] } } })
    .response.execute?.mboxes?.[0]?.options?.[0]?.content;

describe("visitorInExperience", () => {
  it.each(["A", "B", "C"])("finds a visitor the engine puts in experience %s", (experience) => {
    const visitor = visitorInExperience(built, { mbox: "checkout", experience }, { parameters: { tier: "gold" } });
    expect(served(visitor, { tier: "gold" })).toEqual({ v: experience.toLowerCase() });
  });

  it("finds visitors for views and by experience id and activity", () => {
    const visitor = visitorInExperience(built, { view: "checkout-view", experience: 1, activity: 21 }, { parameters: { tier: "gold" } });
    const allocation = allocationOf("acme", 21, visitor);
    expect(allocation >= 10 && allocation < 20).toBe(true);
  });

  it.each<[string, Parameters<typeof visitorInExperience>[1], object, RegExp]>([
    ["an experience that is not there", { mbox: "checkout", experience: "Z" }, {}, /no experience "Z" at mbox "checkout"/],
    [
      "a request outside the audience",
      { mbox: "checkout", experience: "A" },
      { parameters: { tier: "silver" }, limit: 200 },
      /none of 200 visitors .* does the request match its audience\?/,
    ],
    ["neither mbox nor view", { experience: "A" }, {}, /exactly one of \{ mbox \} or \{ view \}/],
  ])("throws a TestingError for %s", (_name, target, options, message) => {
    expect(() => visitorInExperience(built, target, options)).toThrow(TestingError);
    expect(() => visitorInExperience(built, target, options)).toThrow(message);
  });
});

describe("visitorWithAllocation", () => {
  it.each<[number, number]>([
    [0, 1],
    [42, 42.5],
    [99, 100],
  ])("finds a visitor allocated in [%d, %d)", (from, to) => {
    const visitor = visitorWithAllocation("acme", 21, { from, to });
    const allocation = allocationOf("acme", 21, visitor);
    expect(allocation).toBeGreaterThanOrEqual(from);
    expect(allocation).toBeLessThan(to);
  });

  it("is deterministic", () => {
    expect(visitorWithAllocation("acme", 21, { from: 50, to: 60 })).toBe(visitorWithAllocation("acme", 21, { from: 50, to: 60 }));
  });
});

describe("forceVisitor", () => {
  it.each(["A", "B", "C"])("puts the named visitor, and only it, in experience %s", (experience) => {
    const forced = forceVisitor(built, { mbox: "checkout", experience, visitor: "user-42" }, { parameters: { tier: "gold" } });
    expect(forced).toMatchObject({ visitorId: "user-42", activityId: 21 });
    const decide = (tntId: string) =>
      createDecider({ client: "acme", artifact: built, forcedAllocations: [forced] }).decide({
        request: { id: { tntId }, execute: { mboxes: [{ name: "checkout", index: 1, parameters: { tier: "gold" } }] } },
      }).response.execute?.mboxes?.[0]?.options?.[0]?.content;
    expect(decide("user-42")).toEqual({ v: experience.toLowerCase() });
    // Everyone else keeps the experience the hash gives.
    for (const other of ["user-1", "user-2", "user-3"]) expect(decide(other)).toEqual(served(other, { tier: "gold" }));
  });

  it("still lets audiences apply: a forced visitor outside the audience gets no experience", () => {
    const forced = forceVisitor(built, { mbox: "checkout", experience: "B", visitor: "user-42" }, { parameters: { tier: "gold" } });
    const response = createDecider({ client: "acme", artifact: built, forcedAllocations: [forced] }).decide({
      request: { id: { tntId: "user-42" }, execute: { mboxes: [{ name: "checkout", index: 1, parameters: { tier: "silver" } }] } },
    }).response;
    expect(response.execute?.mboxes?.[0]?.options).toBeUndefined();
  });

  it("asks for the activity when the experience name is in several", () => {
    const twice = artifact()
      .activity("one", { id: 1 })
      .mbox("m")
      .experience("A", 100, { json: {} })
      .audience(when.param("x").is("1"))
      .activity("two", { id: 2 })
      .mbox("m")
      .experience("A", 100, { json: {} })
      .build();
    expect(() => forceVisitor(twice, { mbox: "m", experience: "A", visitor: "v" })).toThrow(TestingError);
    expect(forceVisitor(twice, { mbox: "m", experience: "A", activity: 2, visitor: "v" }, { parameters: { x: "2" } }).activityId).toBe(2);
  });
});
