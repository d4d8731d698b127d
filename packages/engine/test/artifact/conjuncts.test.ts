import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { conjunctsOf } from "../../src/artifact/conjuncts.js";
import { createDecider, type Artifact, type DeliveryRequest, type Rule } from "../../src/index.js";

describe("conjunctsOf", () => {
  it("flattens nested ands into their conjuncts, in order", () => {
    const condition = {
      and: [{ and: [{ "<": [10, { var: "allocation" }] }, { ">=": [50, { var: "allocation" }] }] }, { "==": ["bar", { var: "mbox.foo" }] }],
    };
    expect(conjunctsOf(condition)).toEqual([
      { "<": [10, { var: "allocation" }] },
      { ">=": [50, { var: "allocation" }] },
      { "==": ["bar", { var: "mbox.foo" }] },
    ]);
  });

  it("takes a single comparison as one conjunct", () => {
    expect(conjunctsOf({ "==": [{ var: "user.browserType" }, "chrome"] })).toEqual([{ "==": [{ var: "user.browserType" }, "chrome"] }]);
  });

  it.each([
    ["a bare var, which may hold an empty array", { and: [{ var: "mbox.list" }, { "==": [1, 1] }] }],
    ["missing, which returns an array", { and: [{ missing: ["a"] }] }],
    ["a constant", true],
    ["an empty and", { and: [] }],
    ["an or with a var operand", { or: [{ var: "mbox.a" }, { "==": [1, 1] }] }],
    ["an if", { if: [{ var: "mbox.a" }, true, false] }],
  ])("refuses %s", (_, condition) => {
    expect(conjunctsOf(condition)).toBeUndefined();
  });

  it("keeps ors of comparisons whole, as one conjunct", () => {
    const or = { or: [{ "==": ["US", { var: "geo.country" }] }, { "==": ["CA", { var: "geo.country" }] }] };
    expect(conjunctsOf({ and: [or, { "!": [{ var: "mbox.off" }] }] })).toEqual([or, { "!": [{ var: "mbox.off" }] }]);
  });
});

// Random conditions over what a request can vary: parameters (strings, numbers, an object whose
// indexOf makes `in` throw), the page, the browser and the allocation, with array-valued leaves.
const leaf = fc.oneof(
  fc.constantFrom(
    { "==": [{ var: "mbox.a" }, "x"] },
    { "!=": [{ var: "mbox.b" }, 5] },
    { "==": ["adobe.com", { var: "page.domain" }] },
    { "==": [{ var: "user.browserType" }, "chrome"] },
    { in: ["x", { var: "mbox.a" }] },
    { in: ["z", { var: "mbox.obj" }] },
    { var: ["mbox.missing", []] },
    { var: "mbox.a" },
    { missing: ["mbox.a"] },
    [],
    true,
    false,
  ),
  fc.tuple(fc.constantFrom("<", ">=", "<=", ">"), fc.integer({ min: 0, max: 100 })).map(([op, n]) => ({ [op]: [n, { var: "allocation" }] })),
  fc.tuple(fc.integer({ min: 0, max: 60 }), fc.integer({ min: 40, max: 100 })).map(([lo, hi]) => ({ "<=": [lo, { var: "allocation" }, hi] })),
);
const condition: fc.Arbitrary<unknown> = fc.letrec<{ node: unknown }>((tie) => ({
  node: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    leaf,
    fc.array(tie("node"), { minLength: 0, maxLength: 3 }).map((operands) => ({ and: operands })),
    fc.array(tie("node"), { minLength: 1, maxLength: 3 }).map((operands) => ({ or: operands })),
    tie("node").map((operand) => ({ "!": [operand] })),
    tie("node").map((operand) => ({ "!!": [operand] })),
  ),
})).node;

function ruleOf(index: number, activity: number, mbox: string, when: unknown): Rule {
  return {
    ruleKey: `rule-${index}`,
    activityId: activity,
    meta: { "activity.id": activity, "experience.id": index, "location.name": mbox, "location.type": "mbox", "option.id": index },
    condition: when,
    consequence: { name: mbox, options: [{ type: "html", content: `rule-${index}`, eventToken: `token-${index}` }], metrics: [] },
  } as Rule;
}

function artifactOf(conditions: readonly unknown[]): Artifact {
  // Rules share activities in pairs, so allocations are reused across rules too.
  const global = conditions.map((when, i) => ruleOf(i, 100 + (i >> 1), "target-global-mbox", when));
  const first = conditions.map((when, i) => ruleOf(1000 + i, 200 + (i >> 1), "first", when));
  return {
    version: "1.0.0",
    meta: { clientCode: "acme", environment: "production" },
    globalMbox: "target-global-mbox",
    geoTargetingEnabled: false,
    responseTokens: [],
    remoteMboxes: [],
    remoteViews: [],
    localMboxes: ["target-global-mbox", "first"],
    localViews: [],
    rules: { mboxes: { "target-global-mbox": global, first }, views: {} },
  } as unknown as Artifact;
}

const parameters = fc.record({ a: fc.constantFrom("x", "y", "xx", 5), b: fc.constantFrom(5, "5", "q"), "obj.indexOf": fc.constant("z") }, { requiredKeys: [] });

describe("deciding with split conditions", () => {
  it("matches exactly the rules the whole conditions match (a trace evaluates them whole)", () => {
    fc.assert(
      fc.property(
        fc.array(condition, { minLength: 1, maxLength: 8 }),
        // Without a dot: what follows one is a location hint, and an empty id gets a random one.
        fc.stringMatching(/^[a-z0-9]{1,12}$/),
        parameters,
        parameters,
        fc.constantFrom("https://www.adobe.com/", "https://example.org/"),
        (conditions, visitor, pageParameters, mboxParameters, url) => {
          const decider = createDecider({ client: "acme", artifact: artifactOf(conditions) });
          const request: DeliveryRequest = {
            id: { tntId: visitor },
            context: { channel: "web", address: { url }, userAgent: "Mozilla/5.0 (Windows NT 10.0) Chrome/120.0.0.0 Safari/537.36" },
            execute: { pageLoad: { parameters: pageParameters }, mboxes: [{ name: "first", index: 1, parameters: mboxParameters }] },
            prefetch: { pageLoad: { parameters: pageParameters } },
          } as DeliveryRequest;
          const plain = decider.decide({ request: structuredClone(request) });
          const traced = decider.decide({ request: { ...structuredClone(request), trace: { authorizationToken: "token" } } as DeliveryRequest });
          const contents = (response: typeof plain.response) => ({
            execute: response.execute?.pageLoad?.options?.map((option) => option.content),
            prefetch: response.prefetch?.pageLoad?.options?.map((option) => option.content),
            first: response.execute?.mboxes?.[0]?.options?.map((option) => option.content),
          });
          expect(contents(plain.response)).toEqual(contents(traced.response));
          const tokens = (result: typeof plain) => result.notification?.request.notifications?.map((n) => n.tokens);
          expect(tokens(plain)).toEqual(tokens(traced));
        },
      ),
      { numRuns: 1500 },
    );
  });
});
