/**
 * Hostile requests: whatever JSON arrives, a decision either answers (with a response that can
 * be serialised) or rejects with a RequestError naming the field; never another exception,
 * never a hang, never a change to a built-in prototype.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  createDecider,
  createDecisioningEngine,
  DecisioningError,
  DEFAULT_REQUEST_LIMITS,
  RequestError,
  type Decider,
  type GetOffersOptions,
} from "../../src/index.js";
import {
  applyMutations,
  expectPrototypesUntouched,
  fullRequest,
  hostileJson,
  hostileKey,
  hostileString,
  hostileValue,
  materialize,
  mutations,
  namesOf,
  nested,
  prototypeSnapshot,
  realArtifacts,
  REQUEST_TIME_BOUND_MS,
  RUNS,
  setOwn,
  timed,
  timedAsync,
} from "./kit.js";

const artifacts = realArtifacts();
const features = artifacts.find((entry) => entry.name === "features.json")?.artifact as Record<string, unknown>;
const fixedClock = { now: () => Date.UTC(2025, 5, 3, 19, 30) };

/** The outcome contract: an answer that serialises, or a RequestError with a message naming a field. */
function expectAnswerOrRequestError(decider: Decider, options: unknown): void {
  const before = prototypeSnapshot();
  const outcome = timed(() => {
    const result = decider.decide(options as GetOffersOptions);
    // Callers send responses and notifications on as JSON: that must work too.
    JSON.stringify(result.response);
    JSON.stringify(result.notification?.request);
    return result;
  });
  expect(outcome.ms, "decision time (ms)").toBeLessThan(REQUEST_TIME_BOUND_MS);
  if (outcome.error !== undefined) {
    const error = outcome.error as Error;
    expect(error, `${String(error?.stack ?? error)}`).toBeInstanceOf(RequestError);
    expect(error.message.length).toBeGreaterThan(0);
    expect((error as RequestError).field).toMatch(/^(options|request)/);
  } else {
    expect(outcome.value?.response).toBeTypeOf("object");
  }
  expectPrototypesUntouched(before);
}

describe("a decision on hostile input", () => {
  const decider = createDecider({ client: "acme", artifact: features, platform: fixedClock });
  const base = fullRequest(["ab-hero", "flags", "macro-box", "target-global-mbox", "remote-box"], ["home", "contact"]);

  it("answers or rejects with a RequestError for any JSON as the options", () => {
    fc.assert(
      fc.property(hostileJson, (options) => expectAnswerOrRequestError(decider, options)),
      { numRuns: RUNS },
    );
  });

  it("answers or rejects with a RequestError for any JSON as the request", () => {
    fc.assert(
      fc.property(hostileJson, (request) => expectAnswerOrRequestError(decider, { request })),
      { numRuns: RUNS },
    );
  });

  it("answers or rejects with a RequestError for a full request with hostile values at random paths", () => {
    fc.assert(
      fc.property(mutations, (list) => expectAnswerOrRequestError(decider, { request: applyMutations(base, list) })),
      { numRuns: RUNS * 2 },
    );
  });

  it("answers or rejects with a RequestError for hostile strings in every string field", () => {
    const fields = [
      ["context", "userAgent"],
      ["context", "address", "url"],
      ["context", "address", "referringUrl"],
      ["context", "geo", "ipAddress"],
      ["context", "geo", "city"],
      ["context", "clientHints", "browserUAWithFullVersion"],
      ["context", "clientHints", "platform"],
      ["id", "tntId"],
      ["id", "thirdPartyId"],
      ["property", "token"],
      ["execute", "mboxes", 0, "name"],
      ["execute", "mboxes", 0, "parameters", "feature"],
      ["execute", "pageLoad", "address", "url"],
      ["prefetch", "views", 0, "name"],
    ] as const;
    fc.assert(
      fc.property(fc.constantFrom(...fields), hostileString, (path, value) => {
        const request = JSON.parse(JSON.stringify(base)) as Record<string, unknown>;
        // A trace repeats the context per evaluated rule: see the traced test below.
        delete request.trace;
        let target = request as Record<string | number, unknown>;
        for (const step of path.slice(0, -1)) target = target[step] as Record<string | number, unknown>;
        setOwn(target, String(path[path.length - 1]), value);
        expectAnswerOrRequestError(decider, { request });
      }),
      { numRuns: RUNS * 2 },
    );
  });

  it("keeps prototype keys in parameters at every depth as plain data", () => {
    const entry = fc.tuple(fc.array(hostileKey, { minLength: 1, maxLength: 5 }), hostileValue);
    fc.assert(
      fc.property(fc.array(entry, { maxLength: 8 }), (entries) => {
        const parameters: Record<string, unknown> = {};
        for (const [path, value] of entries) setOwn(parameters, path.join("."), materialize(value));
        expectAnswerOrRequestError(decider, { request: { id: { tntId: "v" }, execute: { mboxes: [{ name: "flags", index: 1, parameters }] } } });
      }),
      { numRuns: RUNS * 2 },
    );
  });

  it.each([
    ["parameters", (deep: unknown) => ({ execute: { mboxes: [{ name: "flags", parameters: { x: deep } }] } })],
    ["page-load parameters", (deep: unknown) => ({ execute: { pageLoad: { parameters: { x: deep } } } })],
    [
      "client hints",
      (deep: unknown) => ({ context: { userAgent: "x", clientHints: { browserUAWithFullVersion: deep } }, execute: { mboxes: [{ name: "flags" }] } }),
    ],
    ["visitor ids", (deep: unknown) => ({ id: deep, execute: { mboxes: [{ name: "flags" }] } })],
    ["a tntId", (deep: unknown) => ({ id: { tntId: deep }, execute: { mboxes: [{ name: "flags" }] } })],
    ["an mbox name", (deep: unknown) => ({ execute: { mboxes: [{ name: deep }] } })],
    ["an mbox index", (deep: unknown) => ({ execute: { mboxes: [{ name: "flags", index: deep }] } })],
    ["a view name", (deep: unknown) => ({ prefetch: { views: [{ name: deep }] } })],
    ["the geo context", (deep: unknown) => ({ context: { geo: { city: deep, countryCode: deep } }, execute: { mboxes: [{ name: "flags" }] } })],
    ["the trace", (deep: unknown) => ({ trace: deep, execute: { mboxes: [{ name: "flags" }] } })],
    ["the property", (deep: unknown) => ({ property: { token: deep }, execute: { mboxes: [{ name: "flags" }] } })],
    ["the request id", (deep: unknown) => ({ requestId: deep, execute: { mboxes: [{ name: "flags" }] } })],
  ])("answers or rejects with a RequestError for 100,000 levels of nesting in %s", (_, build) => {
    for (const shape of ["object", "array", "proto"] as const) {
      expectAnswerOrRequestError(decider, { request: build(nested(100000, "x", shape)) });
    }
  });

  it("answers a traced request with strings at the length limit, though its trace repeats them per evaluated rule", () => {
    // The trace (Target's format) holds the context each rule was evaluated against, so its
    // size is the request's strings times the rules evaluated: documented in docs/hardening.md.
    const limit = DEFAULT_REQUEST_LIMITS.maxStringLength;
    const url = `https://www.acme.com/?q=${"\ud800".repeat(limit - 24)}`;
    const request = JSON.parse(JSON.stringify(base)) as Record<string, any>;
    request.context.address = { url };
    const outcome = timed(
      () => JSON.stringify(decider.decide({ request: request as GetOffersOptions["request"] }).response).length,
      10 * REQUEST_TIME_BOUND_MS,
    );
    expect(outcome.error).toBeUndefined();
    expect(outcome.ms).toBeLessThan(10 * REQUEST_TIME_BOUND_MS);
    const untraced = timed(() => JSON.stringify(decider.decide({ request: { ...request, trace: undefined } as GetOffersOptions["request"] }).response).length);
    expect(untraced.ms).toBeLessThan(REQUEST_TIME_BOUND_MS);
    expect(untraced.value).toBeLessThan(100000);
  });

  it("rejects a 1 MB URL with LIMIT_EXCEEDED naming the field, within the time bound", () => {
    const url = `https://www.acme.com/?q=${"a".repeat(1024 * 1024)}`;
    const outcome = timed(() => decider.decide({ request: { context: { address: { url } }, execute: { mboxes: [{ name: "flags" }] } } }));
    expect(outcome.ms).toBeLessThan(REQUEST_TIME_BOUND_MS);
    expect(outcome.error).toBeInstanceOf(RequestError);
    expect(outcome.error).toMatchObject({ code: "LIMIT_EXCEEDED", field: "request.context.address.url" });
  });

  it("decides a 1 MB URL and a 1 MB user agent within the time bound once the string limit allows them", () => {
    const roomy = createDecider({ client: "acme", artifact: features, platform: fixedClock, requestLimits: { maxStringLength: 2 * 1024 * 1024 } });
    const huge = "a".repeat(1024 * 1024);
    for (const context of [
      { address: { url: `https://www.acme.com/?q=${huge}`, referringUrl: `https://${huge}.example/` } },
      { userAgent: `Mozilla/5.0 (${huge}) Chrome/1` },
      { userAgent: `Mozilla/5.0 ${"a ".repeat(512 * 1024)}!`, address: { url: `https://x.com/${"%2".repeat(300000)}` } },
    ]) {
      const outcome = timed(() => roomy.decide({ request: { id: { tntId: "v" }, context, execute: { mboxes: [{ name: "flags", index: 1 }] } } }));
      expect(outcome.error).toBeUndefined();
      expect(outcome.ms).toBeLessThan(REQUEST_TIME_BOUND_MS);
    }
  });

  it("rejects 10,000 parameters with LIMIT_EXCEEDED naming the field, and decides them within the time bound once allowed", () => {
    const parameters: Record<string, string> = {};
    for (let i = 0; i < 10000; i++) parameters[`p${i}.x${i % 7}`] = `value ${i}`;
    const request = { id: { tntId: "v" }, execute: { mboxes: [{ name: "flags", index: 1, parameters }] } };
    const refused = timed(() => decider.decide({ request }));
    expect(refused.error).toMatchObject({ code: "LIMIT_EXCEEDED", field: "request.execute.mboxes[0].parameters" });
    expect((refused.error as Error).message).toContain("the limit is 1000");
    expect(refused.ms).toBeLessThan(REQUEST_TIME_BOUND_MS);

    const roomy = createDecider({ client: "acme", artifact: features, platform: fixedClock, requestLimits: { maxParameters: 10000 } });
    const decided = timed(() => roomy.decide({ request }));
    expect(decided.error).toBeUndefined();
    expect(decided.ms).toBeLessThan(REQUEST_TIME_BOUND_MS);
    expect(decided.value?.response.execute?.mboxes?.[0]?.name).toBe("flags");
  });
});

describe("every real artifact", () => {
  it.each(artifacts.map((entry) => [entry.name, entry.artifact] as const))(
    "%s answers mutated full requests or rejects them with a RequestError",
    (_, artifact) => {
      let decider: Decider;
      try {
        decider = createDecider({ client: "acme", artifact, platform: fixedClock });
      } catch (error) {
        // The conformance schema ships an artifact of an unsupported version on purpose.
        expect(error).toMatchObject({ code: "ARTIFACT_VERSION_UNSUPPORTED" });
        return;
      }
      const names = namesOf(artifact);
      const base = fullRequest(names.mboxes, names.views);
      fc.assert(
        fc.property(mutations, (list) => expectAnswerOrRequestError(decider, { request: applyMutations(base, list) })),
        { numRuns: Math.max(20, Math.floor(RUNS / 3)) },
      );
    },
  );
});

describe("the engine's getOffers on hostile input", () => {
  it("resolves or rejects with a DecisioningError, within the time bound and without touching prototypes", async () => {
    // Geo lookups (the artifact enables geo targeting) fail offline: the decision goes on without geo.
    const offline = () => Promise.reject(new TypeError("offline"));
    const engine = await createDecisioningEngine({ client: "acme", artifactPayload: features, pollingInterval: 0, platform: fixedClock, fetchApi: offline });
    const base = fullRequest(["ab-hero", "flags", "geo-box"], ["home"]);
    try {
      await fc.assert(
        fc.asyncProperty(
          fc.oneof(
            hostileJson.map((request) => ({ request })),
            mutations.map((list) => ({ request: applyMutations(base, list) })),
          ),
          async (options) => {
            const before = prototypeSnapshot();
            const outcome = await timedAsync(async () => {
              const response = await engine.getOffers(options as GetOffersOptions);
              JSON.stringify(response);
              return response;
            });
            expect(outcome.ms).toBeLessThan(REQUEST_TIME_BOUND_MS);
            if (outcome.error !== undefined) {
              expect(outcome.error, String((outcome.error as Error)?.stack)).toBeInstanceOf(DecisioningError);
              expect((outcome.error as Error).message).not.toBe("");
            }
            expectPrototypesUntouched(before);
          },
        ),
        { numRuns: RUNS },
      );
    } finally {
      await engine.close();
    }
  });
});
