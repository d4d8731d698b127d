import { describe, expect, it } from "vitest";
import { ArtifactError, ErrorCode, validateArtifact } from "../../src/index.js";

const rule = (overrides: Record<string, unknown> = {}) => ({
  ruleKey: "1-0",
  meta: { "activity.id": 1 },
  condition: true,
  consequence: { name: "m", options: [{ type: "json", content: {} }], metrics: [] },
  ...overrides,
});
const artifact = (overrides: Record<string, unknown> = {}) => ({
  version: "1.0.0",
  rules: { mboxes: { m: [rule()] }, views: {} },
  ...overrides,
});

function errorOf(value: unknown): ArtifactError {
  try {
    validateArtifact(value);
  } catch (error) {
    if (error instanceof ArtifactError) return error;
    throw error;
  }
  throw new Error("expected validateArtifact to throw");
}

describe("validateArtifact", () => {
  it("accepts a well-formed version 1 artifact and returns it", () => {
    const value = artifact();
    expect(validateArtifact(value)).toBe(value);
  });

  it("refuses an array with its own constructor (array methods would throw on it), naming where it is", () => {
    const options = Object.assign([{ type: "json", content: {} }], { constructor: "" });
    const error = errorOf(artifact({ rules: { mboxes: { m: [rule({ consequence: { name: "m", options, metrics: [] } })] }, views: {} } }));
    expect(error.code).toBe(ErrorCode.ArtifactInvalid);
    expect(error.field).toBe("rules.mboxes.m[0].consequence.options");
    expect(error.message).toContain("own `constructor`");
  });

  it("accepts an artifact without views", () => {
    expect(() => validateArtifact(artifact({ rules: { mboxes: {} } }))).not.toThrow();
  });

  it.each([
    ["2.0.0", "2.0.0"],
    ["0.9.1", "0.9.1"],
    ["x", "x"],
  ])("refuses version %s as unsupported", (version) => {
    const error = errorOf(artifact({ version }));
    expect(error.code).toBe(ErrorCode.ArtifactVersionUnsupported);
    expect(error.message).toContain(`(${version}) is not supported`);
    expect(error.field).toBe("version");
  });

  it.each<[string, unknown, string]>([
    ["a non-object", 42, "artifact"],
    ["a missing version", { rules: { mboxes: {} } }, "version"],
    ["missing rules", { version: "1.0.0" }, "rules"],
    ["rules that are an array", { version: "1.0.0", rules: [] }, "rules"],
    ["an mbox rule list that is not an array", artifact({ rules: { mboxes: { m: {} } } }), 'rules.mboxes["m"]'],
    ["a rule that is not an object", artifact({ rules: { mboxes: { m: [null] } } }), 'rules.mboxes["m"][0]'],
    ["a rule without meta", artifact({ rules: { mboxes: { m: [rule({ meta: undefined })] } } }), 'rules.mboxes["m"][0].meta'],
    ["a rule without consequence", artifact({ rules: { mboxes: { m: [rule({ consequence: "x" })] } } }), 'rules.mboxes["m"][0].consequence'],
    [
      "options that are not an array",
      artifact({ rules: { views: { v: [rule({ consequence: { options: {} } })] }, mboxes: {} } }),
      'rules.views["v"][0].consequence.options',
    ],
    ["localMboxes that are not names", artifact({ localMboxes: [1] }), "localMboxes[0]"],
  ])("refuses %s and names the field", (_what, value, field) => {
    const error = errorOf(value);
    expect(error.code).toBe(ErrorCode.ArtifactInvalid);
    expect(error.field).toBe(field);
    expect(error.message).toContain(field);
  });
});
