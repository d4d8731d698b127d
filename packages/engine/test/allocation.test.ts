import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startReferenceEngine, type ReferenceEngine } from "./kit/reference-engine.js";
import { allocationOf, deviceKeyOf, hashUnencodedChars, keyHeadOf, KeyTail, visitorIdOf } from "../src/allocation.js";

interface Vector {
  note: string;
  client: string;
  activityId: number | string;
  visitorId: string;
  hash: number;
  allocation: number;
}

// The reference ships no typings; load it through require and type the one export used.
const require = createRequire(import.meta.url);
const tools = require("@adobe/target-tools") as { hashUnencodedChars(text: string): unknown };

const vectors = (
  JSON.parse(readFileSync(new URL("../../../fixtures/allocation/vectors.json", import.meta.url), "utf8")) as {
    vectors: Vector[];
  }
).vectors;

describe("allocationOf", () => {
  it("has at least 200 golden vectors to check", () => {
    expect(vectors.length).toBeGreaterThanOrEqual(200);
  });

  it.each(vectors)("matches the golden vector: $note ($client / $activityId)", (vector) => {
    expect(hashUnencodedChars(deviceKeyOf(vector.client, vector.activityId, vector.visitorId))).toBe(vector.hash);
    expect(allocationOf(vector.client, vector.activityId, vector.visitorId)).toBe(vector.allocation);
  });

  it("builds the device key as client.activity.visitor.0", () => {
    expect(deviceKeyOf("acme", 42, "visitor")).toBe("acme.42.visitor.0");
    expect(deviceKeyOf("acme", "42", "")).toBe("acme.42..0");
  });

  it("always lands in 0..99.99 with at most two decimals", () => {
    fc.assert(
      fc.property(fc.string(), fc.integer(), fc.string({ unit: "binary" }), (client, activityId, visitorId) => {
        const allocation = allocationOf(client, activityId, visitorId);
        expect(allocation).toBeGreaterThanOrEqual(0);
        expect(allocation).toBeLessThanOrEqual(99.99);
        expect(Math.round(allocation * 100) / 100).toBe(allocation);
      }),
    );
  });
});

const murmur = require("murmurhash3js") as { x86: { hash32(bytes: string, seed?: number): number } };
/** murmurhash3js over the UTF-16LE bytes of a string: the textbook definition of the hash. */
function murmurOverUtf16le(text: string): number {
  let bytes = "";
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    bytes += String.fromCharCode(unit & 0xff, unit >>> 8);
  }
  return murmur.x86.hash32(bytes, 0) | 0;
}

describe("hashUnencodedChars", () => {
  it("equals murmurhash3js's x86_32 over the UTF-16LE bytes, on random strings", () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)), maxLength: 200 }), (text) => {
        expect(hashUnencodedChars(text)).toBe(murmurOverUtf16le(text));
      }),
      { numRuns: 3000 },
    );
  });
});

describe("hashUnencodedChars against Adobe's hash", () => {
  // The reference memoizes into a plain object keyed by the string itself, so for names
  // such as "valueOf" it returns the inherited Object.prototype member instead of a hash.
  // Device keys always contain dots and never hit this; random strings must skip it.
  const oracle = (text: string): number => tools.hashUnencodedChars(text) as number;
  const oracleCanHash = (text: string): boolean => !(text in Object.prototype);

  it("the reference quirk: its memo answers Object.prototype names with inherited members", () => {
    expect(typeof tools.hashUnencodedChars("valueOf")).toBe("function");
    expect(typeof hashUnencodedChars("valueOf")).toBe("number");
  });

  it.each([
    ["", "empty"],
    ["a", "one code unit"],
    ["ab", "two code units"],
    ["abc", "three code units"],
    ["😀", "a surrogate pair"],
    ["\udfff", "a lone low surrogate"],
    ["\uffff\u0000\u00ff\u0100", "byte-boundary code units"],
    ["x".repeat(10_000), "several hashing chunks"],
  ])("agrees with the reference on %j (%s)", (text) => {
    expect(hashUnencodedChars(text)).toBe(oracle(text));
  });

  it("agrees with the reference on random strings of any code units", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ unit: "binary", maxLength: 64 }),
          fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)), maxLength: 64 }),
          fc.string({ maxLength: 9000 }),
        ),
        (text) => {
          fc.pre(oracleCanHash(text));
          expect(hashUnencodedChars(text)).toBe(oracle(text));
        },
      ),
      { numRuns: 2000 },
    );
  });

  it("returns a signed 32-bit integer", () => {
    fc.assert(
      fc.property(fc.string(), (text) => {
        const hash = hashUnencodedChars(text);
        expect(hash | 0).toBe(hash);
      }),
    );
  });
});

describe("visitorIdOf", () => {
  it.each([
    [undefined, undefined],
    [{}, undefined],
    [{ marketingCloudVisitorId: "mcid", tntId: "tnt.28_0", thirdPartyId: "3p" }, "mcid"],
    [{ marketingCloudVisitorId: "", tntId: "tnt.28_0", thirdPartyId: "3p" }, "tnt"],
    [{ tntId: "tnt" }, "tnt"],
    [{ tntId: "tnt.a.b" }, "tnt"],
    [{ tntId: ".28_0", thirdPartyId: "3p" }, "3p"],
    [{ tntId: "", thirdPartyId: "3p" }, "3p"],
    [{ thirdPartyId: "" }, undefined],
  ])("picks the visitor id from %j", (ids, expected) => {
    expect(visitorIdOf(ids)).toBe(expected);
  });
});

describe("allocationOf against the reference engine itself", () => {
  let engine: ReferenceEngine<{ execute: { mboxes: Array<{ trace: { evaluatedCampaignTargets: Array<{ context: { allocation: number } }> } }> } }>;

  beforeAll(async () => {
    engine = await startReferenceEngine();
  });
  afterAll(() => engine.stopPolling());

  it.each([
    { tntId: "338e3c1e51f7416a8e1ccba4f81acea0.28_0" },
    { tntId: "abc" },
    { marketingCloudVisitorId: "61777644265076318292066553366958839183", tntId: "ignored" },
    { thirdPartyId: "crm-ünïcode-😀" },
    { tntId: ".35_0", thirdPartyId: "third" },
  ])("gives the allocation the engine traces for %j", async (id) => {
    const response = await engine.getOffers({
      request: { id, trace: { authorizationToken: "token" }, context: { channel: "web" }, execute: { mboxes: [{ name: "mbox-magician", index: 1 }] } },
      sessionId: "session",
    });
    const traced = response.execute.mboxes[0]?.trace.evaluatedCampaignTargets[0]?.context.allocation;
    expect(allocationOf("targettesting", 125873, visitorIdOf(id) as string)).toBe(traced);
  });
});

describe("KeyTail", () => {
  it("gives the same allocation as hashing the whole device key, for heads of either parity", () => {
    fc.assert(
      fc.property(
        fc.string(),
        fc.oneof(fc.integer(), fc.string()),
        fc.array(fc.string({ unit: "binary" }), { minLength: 1, maxLength: 4 }),
        (client, activityId, visitorIds) => {
          const head = keyHeadOf(client, activityId);
          const tail = new KeyTail();
          for (const visitorId of visitorIds) {
            tail.reset(visitorId);
            // Twice: the second call reads the blocks scrambled by the first.
            expect(tail.allocation(head)).toBe(allocationOf(client, activityId, visitorId));
            expect(tail.allocation(head)).toBe(allocationOf(client, activityId, visitorId));
          }
        },
      ),
      { numRuns: 3000 },
    );
  });

  it.each(vectors)("matches the golden vector through a key head: $note", (vector) => {
    const tail = new KeyTail();
    tail.reset(vector.visitorId);
    expect(tail.allocation(keyHeadOf(vector.client, vector.activityId))).toBe(vector.allocation);
  });

  it("handles visitor ids longer than its block buffers, then short ones again", () => {
    const tail = new KeyTail();
    for (const visitorId of ["v".repeat(500), "short", "x".repeat(4001), ""]) {
      tail.reset(visitorId);
      for (const activityId of [1, 12, "abc", "abcd"]) expect(tail.allocation(keyHeadOf("acme", activityId))).toBe(allocationOf("acme", activityId, visitorId));
    }
  });

  it("serves heads of both parities for one visitor in any order", () => {
    const tail = new KeyTail();
    tail.reset("visitor-1");
    const odd = keyHeadOf("acme", 1); // "acme.1." has 7 units
    const even = keyHeadOf("acme", 12); // "acme.12." has 8 units
    expect(odd.pending).not.toBe(-1);
    expect(even.pending).toBe(-1);
    expect([tail.allocation(odd), tail.allocation(even), tail.allocation(odd)]).toEqual([
      allocationOf("acme", 1, "visitor-1"),
      allocationOf("acme", 12, "visitor-1"),
      allocationOf("acme", 1, "visitor-1"),
    ]);
  });
});
