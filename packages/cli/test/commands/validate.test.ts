import { artifact, when } from "@decisioning/testing";
import { beforeAll, describe, expect, it } from "vitest";
import { ensureBuilt, run, runJson } from "../helpers/binary.js";
import { obfuscateArtifact } from "@decisioning/testing/servers";
import { FEATURES, features, LARGE, tempFile, tempJson } from "../helpers/fixtures.js";

beforeAll(ensureBuilt, 120000);

const overlapping = (): unknown => {
  const built: any = artifact().activity("split", { id: 7 }).mbox("hero").experience("A", 50, { json: {} }).experience("B", 50, { json: {} }).build();
  built.rules.mboxes.hero[0].condition = { "<": [{ var: "allocation" }, 60] };
  return built;
};

describe("decisioning validate", () => {
  it("passes a valid artifact with exit code 0", async () => {
    const { code, stdout } = await run(["validate", FEATURES]);
    expect(code).toBe(0);
    expect(stdout).toBe(`✓ valid: ${FEATURES}: 0 errors, 0 warnings\n`);
  });

  it.each([
    [
      "an A/B test with an audience",
      artifact()
        .activity("checkout-test")
        .mbox("checkout")
        .experience("A", 50, { json: { layout: "one-page" } })
        .experience("B", 50, { json: { layout: "steps" } })
        .audience(when.url.contains("/checkout"))
        .build(),
    ],
    [
      "experience targeting on the page load and a view",
      artifact()
        .activity("xt", { type: "xt" })
        .pageLoad()
        .view("home")
        .experience("Gold", 100, { html: "<b>gold</b>" }, { audience: when.param("tier").is("gold") })
        .experience("Others", 100, { html: "hi" })
        .build(),
    ],
    [
      "a four-way split with remote mboxes",
      artifact()
        .activity("t")
        .mbox("m")
        .experience("A", 25, { json: 1 })
        .experience("B", 25, { json: 2 })
        .experience("C", 25, { json: 3 })
        .experience("D", 25, { json: 4 })
        .remoteMbox("server-only")
        .build(),
    ],
  ])("accepts what the test kit's builder makes: %s", async (_name, built) => {
    const { code, stdout } = await run(["validate", tempJson("built.json", built)]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/✓ valid: .*: 0 errors, 0 warnings/);
  });

  it("fails with exit code 1 and a table of findings on errors", async () => {
    const { code, stdout } = await run(["validate", tempJson("overlap.json", overlapping())]);
    expect(code).toBe(1);
    expect(stdout).toMatch(/^✗ invalid: .*: 1 error, 0 warnings/);
    expect(stdout).toMatch(/error\s+allocation-overlap\s+activity 7 at mbox "hero": experiences "A" and "B" both claim allocation 50\.00–59\.99 \(10%\)/);
  });

  it("fails on warnings only with --strict", async () => {
    const warned = tempJson("warned.json", artifact().activity("t").mbox("m").experience("A", 100, { json: {} }).localMbox("empty").build());
    expect((await run(["validate", warned])).code).toBe(0);
    const strict = await run(["validate", warned, "--strict"]);
    expect(strict.code).toBe(1);
    expect(strict.stdout).toContain("local-without-rules");
  });

  it("prints the report as JSON", async () => {
    const { code, json } = await runJson(["validate", "--json", tempJson("overlap.json", overlapping())]);
    expect(code).toBe(1);
    expect(json).toMatchObject({
      valid: false,
      errors: 1,
      warnings: 0,
      issues: [{ severity: "error", code: "allocation-overlap", path: 'rules.mboxes["hero"][0]' }],
    });
  });

  it("reports an artifact the engine refuses as a schema error", async () => {
    const { code, json } = await runJson(["validate", "--json", tempJson("v2.json", { ...features(), version: "2.0.0" })]);
    expect(code).toBe(1);
    expect(json.issues).toEqual([{ severity: "error", code: "schema", message: expect.stringContaining("version (2.0.0) is not supported"), path: "version" }]);
  });

  it("reads an obfuscated rules.bin with --organization-id", async () => {
    const organizationId = "74F652E95F1B16FE0A495C92@AdobeOrg";
    const bin = tempFile("rules.bin", obfuscateArtifact(JSON.stringify(features()), organizationId));
    const { code, json } = await runJson(["validate", "--json", bin, "--organization-id", organizationId]);
    expect(code).toBe(0);
    expect(json.valid).toBe(true);
  });

  it("finds the unreachable rules and split holes of the large real-world artifact", async () => {
    const { code, json } = await runJson(["validate", "--json", LARGE]);
    expect(code).toBe(0);
    const codes = new Set(json.issues.map((issue: any) => issue.code));
    expect([...codes].sort()).toEqual(["allocation-gap", "local-and-remote", "local-without-rules", "unreachable-rule"]);
  });

  it.each([
    ["no artifact", [], 2, /validate needs the artifact to check/],
    ["a rules.bin without organization id", ["x/rules.bin"], 2, /looks like an obfuscated rules\.bin: pass --organization-id/],
    ["two artifacts", [FEATURES, FEATURES], 2, /validate checks one artifact/],
  ])("explains %s", async (_name, args, exitCode, message) => {
    const { code, stderr } = await run(["validate", ...args]);
    expect(code).toBe(exitCode);
    expect(stderr).toMatch(message);
  });

  it("documents its checks with --help", async () => {
    const { code, stdout } = await run(["validate", "--help"]);
    expect(code).toBe(0);
    expect(stdout).toContain("--strict");
    expect(stdout).toContain("two experiences of an activity claim the same visitors");
  });
});
