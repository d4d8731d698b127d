import { artifact, when } from "@decisioning/testing";
import { describe, expect, it } from "vitest";
import { validateDeep, type IssueCode } from "../../src/analysis/validate.js";
import { features } from "../helpers/fixtures.js";

const ab = (lower: unknown, upper: unknown) => {
  const built: any = artifact()
    .activity("split", { id: 7 })
    .mbox("hero")
    .experience("A", 50, { json: { v: "a" } })
    .experience("B", 50, { json: { v: "b" } })
    .build();
  built.rules.mboxes.hero[0].condition = lower;
  built.rules.mboxes.hero[1].condition = upper;
  return built;
};
const a = { var: "allocation" };

/** [what, artifact, the issue codes expected (sorted), a fragment of the first message] */
const cases: Array<[string, () => unknown, IssueCode[], string?]> = [
  ["the project's feature artifact", features, []],
  ["a builder A/B test", () => artifact().activity("t").mbox("m").experience("A", 50, { json: {} }).experience("B", 50, { json: {} }).build(), []],
  [
    "a three-way split with an audience",
    () =>
      artifact()
        .activity("t")
        .mbox("m")
        .experience("A", 33.33, { json: {} })
        .experience("B", 33.33, { json: {} })
        .experience("C", 33.34, { json: {} })
        .audience(when.url.contains("sale"))
        .build(),
    [],
  ],
  [
    "Target's inclusive boundaries (0 <= a <= 50, 50 < a <= 100)",
    () => ab({ and: [{ "<=": [0, a] }, { ">=": [50, a] }] }, { and: [{ "<": [50, a] }, { ">=": [100, a] }] }),
    [],
  ],
  [
    "exclusive boundaries on both sides (0 < a < 50, 50 < a < 100)",
    () => ab({ "<": [0, a, 50] }, { "<": [50, a, 100] }),
    ["allocation-gap"],
    "visitors with allocation 0.00, 50.00 (0.02%) get none of its experiences",
  ],
  [
    "overlapping experiences",
    () => ab({ "<": [a, 60] }, { ">=": [a, 50] }),
    ["allocation-overlap"],
    'experiences "A" and "B" both claim allocation 50.00–59.99 (10%)',
  ],
  ["a hole in the split", () => ab({ "<": [a, 40] }, { ">=": [a, 50] }), ["allocation-gap"], "visitors with allocation 40.00–49.99 (10%) get none"],
  [
    "an unknown operator",
    () => ab({ regex: [{ var: "page.url" }, "x"] }, { ">=": [a, 50] }),
    ["allocation-gap", "unknown-operator"],
    'can never match: Unrecognized operation "regex"',
  ],
  [
    "a condition that is always false",
    () => ab({ and: [false, { "<": [a, 50] }] }, { ">=": [a, 50] }),
    ["allocation-gap", "never-matches"],
    "its condition is always false",
  ],
  ["a split that admits nobody", () => ab({ "<": [a, 0] }, { ">=": [a, 0] }), ["never-matches"], "its traffic split admits no visitor"],
  [
    "an experience behind a catch-all",
    () =>
      artifact()
        .activity("flags", { type: "xt" })
        .mbox("flags")
        .experience("Everyone", 100, { json: {} })
        .experience("Gold", 100, { json: {} }, { audience: when.param("tier").is("gold") })
        .build(),
    ["unreachable-rule"],
    'experience "Gold") at mbox "flags" is unreachable: every visitor it targets is taken first by rule #1',
  ],
  [
    "a second A/B test on the same mbox",
    () =>
      artifact()
        .activity("first")
        .mbox("m")
        .experience("A", 50, { json: {} })
        .experience("B", 50, { json: {} })
        .activity("second")
        .mbox("m")
        .experience("C", 50, { json: {} })
        .experience("D", 50, { json: {} })
        .build(),
    ["unreachable-rule", "unreachable-rule"],
    "taken first by rule #1",
  ],
  [
    "a narrower audience first (no shadowing)",
    () =>
      artifact()
        .activity("flags", { type: "xt" })
        .mbox("flags")
        .experience("Gold", 100, { json: {} }, { audience: when.param("tier").is("gold") })
        .experience("Everyone", 100, { json: {} })
        .build(),
    [],
  ],
  [
    "a catch-all limited to another property (no shadowing)",
    () =>
      artifact()
        .activity("p", { type: "xt", propertyTokens: ["prop-a"] })
        .mbox("m")
        .experience("A", 100, { json: {} })
        .activity("all", { type: "xt" })
        .mbox("m")
        .experience("B", 100, { json: {} })
        .build(),
    [],
  ],
  [
    "page-load rules with their own rule keys (all of them answer)",
    () =>
      artifact()
        .activity("one", { type: "xt" })
        .pageLoad()
        .experience("A", 100, { html: "a" })
        .activity("two", { type: "xt" })
        .pageLoad()
        .experience("B", 100, { html: "b" })
        .build(),
    [],
  ],
  [
    "an mbox listed local without rules",
    () => artifact().activity("t").mbox("m").experience("A", 100, { json: {} }).localMbox("empty").build(),
    ["local-without-rules"],
    'mbox "empty" is listed in localMboxes but has no rules',
  ],
  [
    "an mbox listed local and remote",
    () => ({ ...features(), remoteMboxes: ["flags"] }),
    ["local-and-remote"],
    'mbox "flags" is listed both in localMboxes and remoteMboxes',
  ],
  [
    "rules for an unlisted mbox",
    () => ({ ...features(), localMboxes: features().localMboxes.filter((n: string) => n !== "flags") }),
    ["unlisted-location"],
    'mbox "flags" has rules but is not in localMboxes',
  ],
  ["an unsupported version", () => ({ ...features(), version: "2.0.0" }), ["schema"], "The decisioning artifact version (2.0.0) is not supported"],
  [
    "a rule without meta",
    () => ({ ...features(), rules: { mboxes: { x: [{ condition: true, consequence: {} }] }, views: {} } }),
    ["schema"],
    'Invalid artifact: rules.mboxes["x"][0].meta must be an object',
  ],
];

describe("validateDeep", () => {
  it.each(cases)("reports %s", (_name, make, codes, message) => {
    const report = validateDeep(make());
    expect(report.issues.map((issue) => issue.code).sort()).toEqual(codes);
    if (message) expect(report.issues[0]?.message).toContain(message);
    expect(report.valid).toBe(!report.issues.some((issue) => issue.severity === "error"));
  });

  it("counts errors and warnings and names the path of the rule at fault", () => {
    const report = validateDeep(ab({ "<": [a, 60] }, { ">=": [a, 50] }));
    expect(report).toMatchObject({ valid: false, errors: 1, warnings: 0 });
    expect(report.issues[0]).toMatchObject({ severity: "error", path: 'rules.mboxes["hero"][0]' });
  });
});
