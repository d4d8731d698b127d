import { artifact, when } from "@decisioning/testing";
import { beforeAll, describe, expect, it } from "vitest";
import { ensureBuilt, run, runJson } from "../helpers/binary.js";
import { FEATURES, LARGE, readJsonFile, tempJson } from "../helpers/fixtures.js";

beforeAll(ensureBuilt, 120000);

describe("decisioning inspect", () => {
  it("prints activities, traffic splits, mboxes, views and audiences as tables", async () => {
    const { code, stdout } = await run(["inspect", FEATURES]);
    expect(code).toBe(0);
    expect(stdout).toContain("fixtures/artifacts/features.json: artifact 1.0.0, client acme (production), global mbox target-global-mbox, geo targeting on");
    for (const heading of ["Activities (11)", "Traffic splits", "Mboxes (8)", "Views (2)", "Audiences (11)"]) expect(stdout).toContain(heading);
    expect(stdout).toMatch(/1001\s+Hero A\/B\s+ab\s+2\s+mbox ab-hero/);
    expect(stdout).toMatch(/1001\s+Experience B\s+50\.00–99\.99 \(50%\)\s+everyone\s+json/);
    expect(stdout).toMatch(/1006\s+Property B\s+all \(not split\)\s+everyone \(at\.js properties prop-b, prop-c\)/);
    expect(stdout).toMatch(/target-global-mbox \(global\)\s+local\s+3\s+1007, 1008/);
    expect(stdout).toMatch(/remote-box\s+remote\s+0\s+-/);
    expect(stdout).toMatch(/mbox\.tier_lc == "gold"\s+1002 "Gold members"/);
  });

  it("shows only the sections asked for", async () => {
    const { stdout } = await run(["inspect", FEATURES, "--only", "mboxes"]);
    expect(stdout).toContain("Mboxes (8)");
    expect(stdout).not.toContain("Activities");
  });

  it("keeps only the sections --only asks for in JSON too", async () => {
    const { code, json } = await runJson(["inspect", FEATURES, "--only", "splits", "--only", "mboxes", "--json"]);
    expect(code).toBe(0);
    expect(Object.keys(json).sort()).toEqual([
      "clientCode",
      "environment",
      "geoTargetingEnabled",
      "globalMbox",
      "mboxes",
      "responseTokens",
      "splits",
      "version",
    ]);
    expect(json.splits).toEqual(
      expect.arrayContaining([
        {
          activity: "1001",
          experience: "Experience B",
          split: { intervals: [{ from: 50, to: 99.99 }], percent: 50 },
          audiences: ["everyone"],
          offers: ["json"],
        },
        expect.objectContaining({ activity: "1002", experience: "Gold members", split: null }),
      ]),
    );
    expect(json.mboxes).toHaveLength(8);
  });

  it("gives the same facts as JSON", async () => {
    const built = artifact({ client: "kit" })
      .activity("checkout-test", { id: 9 })
      .mbox("checkout")
      .experience("A", 30, { json: { v: 1 } })
      .experience("B", 70, { json: { v: 2 } })
      .audience(when.url.contains("checkout"))
      .build();
    const { code, json } = await runJson(["inspect", "--json", tempJson("kit.json", built)]);
    expect(code).toBe(0);
    expect(json.activities).toEqual([
      {
        id: "9",
        name: "checkout-test",
        type: "ab",
        locations: ["mbox checkout"],
        audienceIds: [],
        experiences: [
          { id: 0, name: "A", split: { intervals: [{ from: 0, to: 29.99 }], percent: 30 }, audiences: ['"checkout" in page.url_lc'], offers: ["json"] },
          { id: 1, name: "B", split: { intervals: [{ from: 30, to: 99.99 }], percent: 70 }, audiences: ['"checkout" in page.url_lc'], offers: ["json"] },
        ],
      },
    ]);
    expect(json.mboxes).toEqual([{ name: "checkout", decided: "local", global: false, rules: 2, activities: ["9"] }]);
  });

  it("summarizes the large real-world artifact", async () => {
    const large = readJsonFile(LARGE);
    const { code, json } = await runJson(["inspect", "--json", LARGE]);
    expect(code).toBe(0);
    const names = new Set([...Object.keys(large.rules.mboxes), ...large.localMboxes, ...large.remoteMboxes]);
    expect(json.mboxes).toHaveLength(names.size);
    expect(json.activities.length).toBeGreaterThan(50);
    // Target writes this split as 0 <= a <= 50 and 50 < a <= 100.
    const flags = json.activities.find((a: any) => a.id === "340008");
    expect(flags.experiences.map((e: any) => e.split.intervals)).toEqual([[{ from: 0, to: 50 }], [{ from: 50.01, to: 99.99 }]]);
    const text = await run(["inspect", LARGE]);
    expect(text.stdout).toMatch(/demo-marketing-flags\s+local\s+2\s+340008/);
  });

  it.each([
    ["no artifact", [], 2, /inspect needs an artifact/],
    ["an unknown section", [FEATURES, "--only", "offers"], 2, /--only takes activities, splits, mboxes, views, audiences; got "offers"/],
    ["an artifact the engine refuses", [tempJson("bad.json", { version: "1.0.0" })], 1, /cannot be used: Invalid artifact: rules is missing/],
  ])("explains %s", async (_name, args, exitCode, message) => {
    const { code, stderr } = await run(["inspect", ...args]);
    expect(code).toBe(exitCode);
    expect(stderr).toMatch(message);
  });

  it("documents itself with --help", async () => {
    const { code, stdout } = await run(["inspect", "--help"]);
    expect(code).toBe(0);
    expect(stdout).toContain("--only <section>");
  });
});
