/**
 * Hostile artifacts: a mutated artifact is either refused at load with an ArtifactError naming
 * the field, or decides every request without throwing anything but a RequestError. Nothing
 * may fail in the middle of deciding, hang, or touch a built-in prototype.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ArtifactError, createDecider, RequestError, type Decider, type GetOffersOptions } from "../../src/index.js";
import { MAX_ARTIFACT_DEPTH } from "../../src/artifact/validate.js";
import { parseArtifactBody } from "../../src/loader/loader.js";
import {
  applyMutations,
  expectPrototypesUntouched,
  fullRequest,
  hostileJson,
  mutations,
  namesOf,
  nested,
  pathsOf,
  prototypeSnapshot,
  realArtifacts,
  REQUEST_TIME_BOUND_MS,
  RUNS,
  setOwn,
  timed,
} from "./kit.js";

type Dict = Record<string, unknown>;

const artifacts = realArtifacts().filter((entry) => !entry.name.includes("UNSUPPORTED"));
const fixedClock = { now: () => Date.UTC(2025, 5, 3, 19, 30) };

// Operators json-logic knows, ones it does not, and names that reach into prototypes.
const OPERATORS = [
  "==",
  "!=",
  "<",
  "<=",
  "in",
  "var",
  "and",
  "or",
  "!",
  "if",
  "substr",
  "cat",
  "merge",
  "map",
  "reduce",
  "filter",
  "all",
  "some",
  "none",
  "missing",
  "missing_some",
  "method",
  "regex",
  "eval",
  "__proto__",
  "constructor",
  "prototype",
  "toString",
  "hasOwnProperty",
  "",
  "log",
] as const;

/** A json-logic node: known, unknown or prototype-named operators over hostile operands. */
const logicNode: fc.Arbitrary<unknown> = fc.letrec<{ node: unknown }>((tie) => ({
  node: fc.oneof(
    { depthSize: "small" },
    hostileJson,
    fc.record({ var: fc.constantFrom("allocation", "page.url", "mbox.x", "user.browserType", "__proto__", "constructor.prototype", "", "a.b.c.d") }),
    fc.tuple(fc.constantFrom(...OPERATORS), fc.array(tie("node"), { maxLength: 3 })).map(([op, args]) => {
      const node: Dict = {};
      setOwn(node, op, args);
      return node;
    }),
  ),
})).node;

/** The paths of an artifact's rule conditions (and everything inside them). */
function conditionPaths(artifact: unknown): Array<Array<string | number>> {
  return pathsOf(artifact).filter((path) => path.includes("condition"));
}

/** Replace the value at `path` (a fresh copy of the artifact is returned). */
function replaceAt(artifact: Dict, path: Array<string | number>, value: unknown): Dict {
  const copy = JSON.parse(JSON.stringify(artifact)) as Dict;
  let parent: Dict = copy;
  for (const step of path.slice(0, -1)) parent = parent[step as string] as Dict;
  setOwn(parent, String(path[path.length - 1]), value);
  return copy;
}

/** Requests that reach every rule an artifact has, plus a plain and an empty one. */
function requestsFor(artifact: Dict): GetOffersOptions[] {
  const names = namesOf(artifact);
  const full = fullRequest(names.mboxes, names.views) as GetOffersOptions["request"];
  const withoutTrace = { ...full };
  delete withoutTrace.trace;
  return [
    { request: full },
    { request: withoutTrace },
    { request: { id: { tntId: "v-2" }, context: { channel: "web" }, execute: { mboxes: names.mboxes.map((name, i) => ({ name, index: i })) } } },
    { request: { id: { tntId: "v-3" }, prefetch: { views: [{}], mboxes: names.mboxes.map((name, i) => ({ name, index: i })) } } },
    { request: { execute: { pageLoad: {} } } },
  ];
}

/** The artifact contract: refused with an ArtifactError naming a field, or every request answered or refused with a RequestError. */
function expectRefusedOrDecides(artifact: unknown, requests: readonly GetOffersOptions[]): void {
  const before = prototypeSnapshot();
  let decider: Decider;
  const loaded = timed(() => createDecider({ client: "acme", artifact, platform: fixedClock }));
  expect(loaded.ms, "load time (ms)").toBeLessThan(REQUEST_TIME_BOUND_MS);
  if (loaded.error !== undefined) {
    const error = loaded.error as ArtifactError;
    expect(error, String((loaded.error as Error)?.stack ?? loaded.error)).toBeInstanceOf(ArtifactError);
    expect(error.field, error.message).toBeTypeOf("string");
    expect(error.field?.length).toBeGreaterThan(0);
    expect(error.message).toContain(error.field === "version" ? "version" : (error.field as string));
    expectPrototypesUntouched(before);
    return;
  }
  decider = loaded.value as Decider;
  for (const options of requests) {
    const decided = timed(() => {
      const result = decider.decide(options);
      JSON.stringify(result.response);
      JSON.stringify(result.notification?.request);
    });
    expect(decided.ms, "decision time (ms)").toBeLessThan(REQUEST_TIME_BOUND_MS);
    if (decided.error !== undefined) expect(decided.error, String((decided.error as Error)?.stack ?? decided.error)).toBeInstanceOf(RequestError);
  }
  expectPrototypesUntouched(before);
}

describe("a mutated artifact", () => {
  it.each(artifacts.map((entry) => [entry.name, entry.artifact] as const))(
    "%s with hostile values at random paths is refused with the field named, or decides without failing",
    (_, artifact) => {
      const requests = requestsFor(artifact);
      fc.assert(
        fc.property(mutations, (list) => expectRefusedOrDecides(applyMutations(artifact, list), requests)),
        { numRuns: Math.max(30, Math.floor(RUNS / 2)) },
      );
    },
  );

  it.each(artifacts.filter((entry) => conditionPaths(entry.artifact).length > 0).map((entry) => [entry.name, entry.artifact] as const))(
    "%s with unknown operators and hostile operands in its conditions still decides",
    (_, artifact) => {
      const requests = requestsFor(artifact);
      const paths = conditionPaths(artifact);
      fc.assert(
        fc.property(fc.nat(), logicNode, (at, node) => {
          const mutated = replaceAt(artifact, paths[at % paths.length] as Array<string | number>, node);
          expectRefusedOrDecides(mutated, requests);
        }),
        { numRuns: Math.max(30, Math.floor(RUNS / 2)) },
      );
    },
  );

  it("refuses conditions and offers nested beyond the artifact depth limit, naming where", () => {
    const [first] = artifacts;
    const artifact = first?.artifact as Dict;
    const mboxes = (artifact.rules as Dict).mboxes as Record<string, Dict[]>;
    const name = Object.keys(mboxes)[0] as string;
    for (const [part, deep] of [
      ["condition", nested(100000, { "==": [1, 1] }, "object")],
      ["condition", nested(100000, true, "array")],
      ["consequence", { name, options: [{ type: "json", content: nested(100000, 1, "proto") }] }],
    ] as const) {
      const mutated = JSON.parse(JSON.stringify(artifact)) as Dict;
      const rule = ((mutated.rules as Dict).mboxes as Record<string, Dict[]>)[name]?.[0] as Dict;
      rule[part] = deep;
      const outcome = timed(() => createDecider({ client: "acme", artifact: mutated }));
      expect(outcome.error).toBeInstanceOf(ArtifactError);
      expect(outcome.error).toMatchObject({ code: "ARTIFACT_INVALID", field: expect.stringMatching(/^rules\.mboxes/) });
      expect((outcome.error as Error).message).toContain(`more than ${MAX_ARTIFACT_DEPTH} levels deep`);
      expect(outcome.ms).toBeLessThan(REQUEST_TIME_BOUND_MS);
    }
  });

  it("keeps deciding with a condition nested just within the logic limit", () => {
    const [first] = artifacts;
    const artifact = JSON.parse(JSON.stringify(first?.artifact)) as Dict;
    const mboxes = (artifact.rules as Dict).mboxes as Record<string, Dict[]>;
    const name = Object.keys(mboxes)[0] as string;
    (mboxes[name]?.[0] as Dict).condition = nested(300, true, "array");
    const decider = createDecider({ client: "acme", artifact });
    expect(decider.problems.join()).toContain("nests deeper");
    expect(() => decider.decide({ request: { id: { tntId: "v" }, execute: { mboxes: [{ name }] } } })).not.toThrow();
  });
});

describe("a corrupted artifact body", () => {
  const bodies = artifacts.map((entry) => new TextEncoder().encode(JSON.stringify(entry.artifact)));
  const corruption = fc.record({
    which: fc.nat(),
    edits: fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 }), fc.constantFrom("flip", "cut", "insert")), { minLength: 1, maxLength: 6 }),
  });

  it("is parsed into an artifact that decides, or refused with an ArtifactError and a message", () => {
    fc.assert(
      fc.property(corruption, ({ which, edits }) => {
        let body = bodies[which % bodies.length] as Uint8Array;
        for (const [at, byte, edit] of edits) {
          const i = at % (body.length + 1);
          if (edit === "flip") body = Uint8Array.from(body, (b, j) => (j === i ? byte : b));
          else if (edit === "cut") body = body.subarray(0, i);
          else body = Uint8Array.from([...body.subarray(0, i), byte, ...body.subarray(i)]);
        }
        const parsed = timed(() => parseArtifactBody(body, "json", undefined));
        expect(parsed.ms).toBeLessThan(REQUEST_TIME_BOUND_MS);
        if (parsed.error !== undefined) {
          expect(parsed.error, String(parsed.error)).toBeInstanceOf(ArtifactError);
          expect((parsed.error as Error).message).toMatch(/artifact/i);
          return;
        }
        const artifact = parsed.value?.artifact as unknown as Dict;
        expectRefusedOrDecides(artifact, requestsFor(artifact));
      }),
      { numRuns: RUNS },
    );
  });
});
