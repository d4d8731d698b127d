import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { createDecider, ErrorCode, RequestError } from "../../src/index.js";

const artifact = JSON.parse(readFileSync(new URL("../../../../fixtures/artifacts/features.json", import.meta.url), "utf8"));
const decider = createDecider({ client: "acme", artifact, requestLimits: { maxParameters: 3, maxStringLength: 100, maxItems: 2 } });

function errorOf(options: unknown): RequestError {
  try {
    decider.decide(options as never);
  } catch (error) {
    if (error instanceof RequestError) return error;
    throw error;
  }
  throw new Error("expected a RequestError");
}

describe("request checks", () => {
  it.each<[string, unknown, string, string]>([
    ["no options", undefined, "options", ErrorCode.RequestInvalid],
    ["no request", {}, "request", ErrorCode.RequestInvalid],
    ["mboxes that are not an array", { request: { execute: { mboxes: {} } } }, "request.execute.mboxes", ErrorCode.RequestInvalid],
    ["an mbox that is null", { request: { prefetch: { mboxes: [null] } } }, "request.prefetch.mboxes[0]", ErrorCode.RequestInvalid],
    [
      "parameters that are a string",
      { request: { execute: { mboxes: [{ name: "a", parameters: "x" }] } } },
      "request.execute.mboxes[0].parameters",
      ErrorCode.RequestInvalid,
    ],
    ["a context that is a number", { request: { context: 5 } }, "request.context", ErrorCode.RequestInvalid],
    [
      "too many parameters",
      { request: { execute: { mboxes: [{ name: "a", parameters: { a: "1", b: "2", c: "3", d: "4" } }] } } },
      "request.execute.mboxes[0].parameters",
      ErrorCode.LimitExceeded,
    ],
    ["too many mboxes", { request: { execute: { mboxes: [{}, {}, {}] } } }, "request.execute", ErrorCode.LimitExceeded],
    ["an over-long URL", { request: { context: { address: { url: "x".repeat(101) } } } }, "request.context.address.url", ErrorCode.LimitExceeded],
    ["an over-long user agent", { request: { context: { userAgent: "x".repeat(101) } } }, "request.context.userAgent", ErrorCode.LimitExceeded],
  ])("rejects %s with a typed error naming the field", (_what, options, field, code) => {
    const error = errorOf(options);
    expect(error.field).toBe(field);
    expect(error.code).toBe(code);
    expect(error.message.startsWith(field)).toBe(true);
  });

  it("gives a visitor without ids a fresh 32-hex tntId with the location hint", () => {
    const result = decider.decide({ request: { execute: { mboxes: [{ name: "flags" }] } }, targetLocationHint: "35" });
    expect(result.response.id.tntId).toMatch(/^[0-9a-f]{32}\.35_0$/);
    expect(result.response.requestId).toMatch(/^[0-9a-f]{32}$/);
  });

  it("keeps the ids of a visitor known only by an authenticated customer id", () => {
    const id = { customerIds: [{ id: "c-1", integrationCode: "crm", authenticatedState: "authenticated" as const }] };
    const result = decider.decide({ request: { id, execute: { mboxes: [{ name: "flags" }] } } });
    expect(result.response.id).toEqual(id);
  });
});
