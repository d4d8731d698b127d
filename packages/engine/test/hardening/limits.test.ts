/**
 * Every limit, at its documented default: a value at the limit is decided, one past it is
 * refused with a named error whose code, field and message say which limit and what it is.
 * The defaults here are the ones docs/hardening.md lists.
 */
import { describe, expect, it } from "vitest";
import { ArtifactError, createDecider, createDecisioningEngine, DEFAULT_REQUEST_LIMITS, RequestError, type GetOffersOptions } from "../../src/index.js";
import { MAX_ARTIFACT_DEPTH } from "../../src/artifact/validate.js";
import { DEFAULT_MAX_ARTIFACT_BYTES } from "../../src/config/artifact-source.js";
import { MAX_LOGIC_DEPTH } from "../../src/logic/compile.js";
import { startFakeCdn } from "@decisioning/testing/servers";
import { fastLoader, flagArtifact, recordEvents } from "../kit/index.js";
import { nested } from "./kit.js";

const decider = createDecider({ client: "acme", artifact: flagArtifact("on", { mboxes: ["flags"] }) });

function outcome(request: Record<string, unknown>, limits?: Parameters<typeof createDecider>[0]["requestLimits"]): unknown {
  const chosen = limits ? createDecider({ client: "acme", artifact: flagArtifact("on", { mboxes: ["flags"] }), requestLimits: limits }) : decider;
  try {
    chosen.decide({ request: { id: { tntId: "v" }, ...request } } as GetOffersOptions);
    return "decided";
  } catch (error) {
    return error;
  }
}

const mbox = (extra: Record<string, unknown> = {}) => ({ execute: { mboxes: [{ name: "flags", index: 1, ...extra }] } });
const text = (length: number) => "a".repeat(length);
const url = (length: number) => `https://x.com/${text(length - 14)}`;

describe("the documented defaults", () => {
  it("are 1000 items, 1000 parameters, 65536 characters and 64 levels per request; 50 MiB and 512 levels per artifact", () => {
    expect(DEFAULT_REQUEST_LIMITS).toEqual({ maxItems: 1000, maxParameters: 1000, maxStringLength: 65536, maxDepth: 64 });
    expect(DEFAULT_MAX_ARTIFACT_BYTES).toBe(50 * 1024 * 1024);
    expect(MAX_ARTIFACT_DEPTH).toBe(512);
    expect(MAX_LOGIC_DEPTH).toBe(200);
  });
});

describe("request limits", () => {
  const max = DEFAULT_REQUEST_LIMITS.maxStringLength;
  const mboxes = (count: number) => ({ execute: { mboxes: Array.from({ length: count }, (_, i) => ({ name: "flags", index: i })) } });
  const parameters = (count: number) => Object.fromEntries(Array.from({ length: count }, (_, i) => [`p${i}`, "v"]));

  it.each([
    ["mboxes and views per mode (maxItems)", mboxes(1000), mboxes(1001), "request.execute", "requests 1001 mboxes and views; the limit is 1000"],
    [
      "parameters per item (maxParameters)",
      mbox({ parameters: parameters(1000) }),
      mbox({ parameters: parameters(1001) }),
      "request.execute.mboxes[0].parameters",
      "has 1001 entries; the limit is 1000",
    ],
    [
      "the user agent (maxStringLength)",
      { context: { userAgent: text(max) }, ...mbox() },
      { context: { userAgent: text(max + 1) }, ...mbox() },
      "request.context.userAgent",
      `is ${max + 1} characters long; the limit is ${max}`,
    ],
    [
      "the page URL",
      { context: { address: { url: url(max) } }, ...mbox() },
      { context: { address: { url: url(max + 1) } }, ...mbox() },
      "request.context.address.url",
      `the limit is ${max}`,
    ],
    [
      "the referring URL",
      { context: { address: { referringUrl: url(max) } }, ...mbox() },
      { context: { address: { referringUrl: url(max + 1) } }, ...mbox() },
      "request.context.address.referringUrl",
      `the limit is ${max}`,
    ],
    [
      "an item's URL",
      mbox({ address: { url: url(max) } }),
      mbox({ address: { url: url(max + 1) } }),
      "request.execute.mboxes[0].address.url",
      `the limit is ${max}`,
    ],
    [
      "a parameter name",
      mbox({ parameters: { [text(max)]: "v" } }),
      mbox({ parameters: { [text(max + 1)]: "v" } }),
      "request.execute.mboxes[0].parameters",
      `the limit is ${max}`,
    ],
    [
      "a parameter value",
      mbox({ parameters: { p: text(max) } }),
      mbox({ parameters: { p: text(max + 1) } }),
      'request.execute.mboxes[0].parameters["p"]',
      `the limit is ${max}`,
    ],
    [
      "nesting (maxDepth), counted below request",
      mbox({ parameters: { x: nested(59, "x") } }),
      mbox({ parameters: { x: nested(60, "x") } }),
      "request.execute.mboxes[0].parameters",
      "the limit is 64",
    ],
  ])("%s: decided at the limit, LIMIT_EXCEEDED past it", (_, atLimit, pastLimit, field, message) => {
    expect(outcome(atLimit)).toBe("decided");
    const error = outcome(pastLimit);
    expect(error).toBeInstanceOf(RequestError);
    expect(error).toMatchObject({ code: "LIMIT_EXCEEDED", field });
    expect((error as Error).message.startsWith(`${field}: `)).toBe(true);
    expect((error as Error).message).toContain(message);
  });

  it("can be raised per decider or engine with requestLimits", () => {
    expect(outcome(mboxes(1001), { maxItems: 2000 })).toBe("decided");
    expect(outcome(mbox({ parameters: { x: nested(100, "x") } }), { maxDepth: 200 })).toBe("decided");
    expect(outcome(mbox({ parameters: { p: text(max + 1) } }), { maxStringLength: 2 * max })).toBe("decided");
  });
});

describe("artifact size", () => {
  it("refuses a body over maxArtifactBytes with ARTIFACT_TOO_LARGE saying the limit, and keeps deciding with the artifact it has", async () => {
    const small = flagArtifact("v1");
    const server = await startFakeCdn({ artifact: small, path: "/rules.json" });
    const events = recordEvents();
    const engine = await createDecisioningEngine(
      { client: "acme", artifactLocation: server.url(), pollingInterval: 50, maxArtifactBytes: 4096, eventEmitter: events.emitter },
      fastLoader(),
    );
    try {
      server.setArtifact(flagArtifact("x".repeat(10000)));
      const failed = await events.waitFor("artifactDownloadFailed");
      expect(failed.error).toBeInstanceOf(ArtifactError);
      expect(failed.error).toMatchObject({ code: "ARTIFACT_TOO_LARGE", message: expect.stringContaining("exceeds maxArtifactBytes (4096)") });
      const response = await engine.getOffers({ request: { id: { tntId: "v" }, execute: { mboxes: [{ name: "flag", index: 1 }] } } });
      expect(response.execute?.mboxes?.[0]?.options?.[0]?.content).toEqual({ value: "v1" });
    } finally {
      await engine.close();
      await server.close();
    }
  });
});
