import { allocationOf } from "@decisioning/engine";
import { artifact, when } from "@decisioning/testing";
import { beforeAll, describe, expect, it } from "vitest";
import { sampleVisitorIds } from "../../src/analysis/diff.js";
import { obfuscateArtifact } from "@decisioning/testing/servers";
import { ensureBuilt, run, runJson } from "../helpers/binary.js";
import { FEATURES, LARGE, features, readJsonFile, tempFile, tempJson } from "../helpers/fixtures.js";

beforeAll(ensureBuilt, 120000);

const before = artifact({ client: "kit" })
  .activity("checkout-test", { id: 11 })
  .mbox("checkout")
  .experience("A", 50, { json: { layout: "one-page" } })
  .experience("B", 50, { json: { layout: "steps" } })
  .activity("retired", { id: 12 })
  .mbox("legacy")
  .experience("Only", 100, { json: { on: true } })
  .activity("banner", { id: 13, type: "xt" })
  .mbox("banner")
  .experience("Gold", 100, { html: "gold" }, { audience: when.param("tier").is("gold") })
  .experience("Others", 100, { html: "others" })
  .build();

const after = artifact({ client: "kit" })
  .activity("checkout-test", { id: 11 })
  .mbox("checkout")
  .experience("A", 30, { json: { layout: "one-page" } })
  .experience("B", 70, { json: { layout: "steps" } })
  .activity("banner", { id: 13, type: "xt" })
  .mbox("banner")
  .experience("Gold", 100, { html: "GOLD" }, { audience: when.param("tier").is("platinum") })
  .experience("Others", 100, { html: "others" })
  .activity("search", { id: 14 })
  .mbox("search")
  .experience("Fast", 50, { json: { engine: "fast" } })
  .experience("Smart", 50, { json: { engine: "smart" } })
  .build();

describe("decisioning diff", () => {
  it("lists added, removed and changed activities, splits, audiences, offers and mboxes", async () => {
    const { code, stdout } = await run(["diff", tempJson("before.json", before), tempJson("after.json", after), "--samples", "0"]);
    expect(code).toBe(0);
    expect(stdout).toContain('  + 14 "search" (ab) on mbox search: Fast, Smart');
    expect(stdout).toContain('  - 12 "retired" (ab) on mbox legacy');
    expect(stdout).toContain(
      '  ~ 11 "checkout-test"\n      experience "A" split 0.00–49.99 (50%) → 0.00–29.99 (30%)\n      experience "B" split 50.00–99.99 (50%) → 30.00–99.99 (70%)',
    );
    expect(stdout).toContain('experience "Gold" audience mbox.tier_lc == "gold" → mbox.tier_lc == "platinum"');
    expect(stdout).toContain('experience "Gold" offers html "gold" → html "GOLD"');
    expect(stdout).toMatch(/Mboxes\n {2}\+ search\n {2}- legacy/);
    expect(stdout).not.toContain("Impact");
  });

  it("estimates the share of visitors whose experience changes, exactly as the sampled visitors' allocations say", async () => {
    const samples = 4000;
    const { code, json } = await runJson([
      "diff",
      "--json",
      tempJson("before.json", before),
      tempJson("after.json", after),
      "--mbox",
      "checkout",
      "--samples",
      String(samples),
      "--seed",
      "s1",
    ]);
    expect(code).toBe(0);
    // Only visitors with an allocation in [30, 50) move, from A to B.
    const moved = sampleVisitorIds(samples, "s1").filter((id) => {
      const allocation = allocationOf("kit", 11, id);
      return allocation >= 30 && allocation < 50;
    }).length;
    const expected = Math.round((moved / samples) * 10000) / 100;
    expect(json.estimate).toEqual({
      samples,
      experienceChanged: expected,
      contentChanged: expected,
      locations: [{ kind: "mbox", name: "checkout", experienceChanged: expected, contentChanged: expected }],
    });
    expect(expected).toBeGreaterThan(17);
    expect(expected).toBeLessThan(23);
  });

  it("samples the visitors the request options describe", async () => {
    const args = ["diff", "--json", tempJson("before.json", before), tempJson("after.json", after), "--mbox", "banner", "--samples", "200"];
    const gold = await runJson([...args, "--param", "tier=gold"]);
    const silver = await runJson([...args, "--param", "tier=silver"]);
    // Gold visitors lose the Gold experience; everyone else keeps "Others".
    expect(gold.json.estimate).toMatchObject({ experienceChanged: 100, contentChanged: 100 });
    expect(silver.json.estimate).toMatchObject({ experienceChanged: 0, contentChanged: 0, locations: [] });
  });

  it("puts --param on every sampled mbox and view when no --mbox, --view or --page-load is given", async () => {
    const args = ["diff", "--json", tempJson("before.json", before), tempJson("after.json", after), "--samples", "200"];
    const gold = await runJson([...args, "--param", "tier=gold"]);
    expect(gold.json.estimate.locations).toEqual(expect.arrayContaining([{ kind: "mbox", name: "banner", experienceChanged: 100, contentChanged: 100 }]));
    const silver = await runJson([...args, "--param", "tier=silver"]);
    expect(silver.json.estimate.locations.map((l: any) => l.name)).not.toContain("banner");
  });

  it("names each changed key of an offer", async () => {
    const offer = (content: unknown) =>
      artifact({ client: "kit" }).activity("flags", { id: 31 }).mbox("flags").experience("Everyone", 100, { json: content }).build();
    const old = offer({ searchProviderId: "starwars", cdn: { host: "a.example", tls: true }, legacy: 1, same: "x".repeat(200) });
    const next = offer({ searchProviderId: 999, cdn: { host: "b.example", tls: true }, same: "x".repeat(200), added: [1, 2] });
    const { code, stdout } = await run(["diff", tempJson("offer-old.json", old), tempJson("offer-new.json", next), "--samples", "0"]);
    expect(code).toBe(0);
    expect(stdout).toContain(
      [
        '  ~ 31 "flags"',
        '      experience "Everyone" (json) searchProviderId: "starwars" → 999',
        '      experience "Everyone" (json) cdn.host: "a.example" → "b.example"',
        '      experience "Everyone" (json) legacy: removed (was 1)',
        '      experience "Everyone" (json) added: added [1,2]',
      ].join("\n"),
    );
  });

  it("warns about a --mbox neither artifact knows, with the closest known name", async () => {
    const { code, stderr } = await run(["diff", tempJson("before.json", before), tempJson("after.json", after), "--mbox", "serch", "--samples", "10"]);
    expect(code).toBe(0);
    expect(stderr).toContain(
      'decisioning diff: warning: mbox "serch" is not in the artifact (not local, not remote, no rules), so it is left to the Delivery API (status 206): did you mean "search"?',
    );
  });

  it("reads a rules.json against a rules.bin, applying the organization to the .bin side only", async () => {
    const organizationId = "0123456789ABCDEF@AdobeOrg";
    const bin = tempFile("features-rules.bin", obfuscateArtifact(JSON.stringify(features()), organizationId));
    const { code, stdout, stderr } = await run(["diff", FEATURES, bin, "--organization-id", organizationId, "--samples", "100"]);
    expect(stderr).toBe("");
    expect(code).toBe(0);
    expect(stdout).toContain("no differences in activities");
    expect(stdout).toContain("0% would see different content");
  });

  it("reports progress on stderr while sampling", async () => {
    const { stderr } = await run(["diff", FEATURES, FEATURES, "--samples", "500", "--progress"]);
    expect(stderr.trim().split("\n")).toEqual(expect.arrayContaining(["sampling visitors 500/500 (100%)"]));
    expect(stderr.split("\n").length).toBeGreaterThan(5);
    expect((await run(["diff", FEATURES, FEATURES, "--samples", "500", "--progress", "--quiet"])).stderr).toBe("");
  });

  it("says when nothing differs, and --exit-code tells scripts whether anything did", async () => {
    const same = await run(["diff", FEATURES, FEATURES, "--samples", "100", "--exit-code"]);
    expect(same.code).toBe(0);
    expect(same.stdout).toContain("no differences in activities, experiences, splits, audiences, offers or mbox lists");
    expect(same.stdout).toContain("0% would be placed in another activity or experience");
    const changed = await run(["diff", tempJson("before.json", before), tempJson("after.json", after), "--samples", "0", "--exit-code"]);
    expect(changed.code).toBe(1);
  });

  it("compares two versions of the large real-world artifact", async () => {
    const large = readJsonFile(LARGE);
    const edited = structuredClone(large);
    const flags = edited.rules.mboxes["demo-marketing-flags"];
    flags[0].condition = { and: [{ "<=": [0, { var: "allocation" }] }, { ">=": [10, { var: "allocation" }] }] };
    flags[1].condition = { and: [{ "<": [10, { var: "allocation" }] }, { ">=": [100, { var: "allocation" }] }] };
    delete edited.rules.mboxes.kitty;
    const { code, json } = await runJson(["diff", "--json", LARGE, tempJson("large-edited.json", edited), "--samples", "1000"]);
    expect(code).toBe(0);
    expect(json.activities.changed.find((a: any) => a.id === "340008").changes).toEqual([
      'experience "Experience A" split 0.00–50.00 (50.01%) → 0.00–10.00 (10.01%)',
      'experience "Experience B" split 50.01–99.99 (49.99%) → 10.01–99.99 (89.99%)',
    ]);
    expect(json.activities.removed.map((a: any) => a.id).sort()).toEqual(["336950", "336951", "336973"]);
    const location = json.estimate.locations.find((l: any) => l.name === "demo-marketing-flags");
    expect(location.experienceChanged).toBeGreaterThan(35);
    expect(location.experienceChanged).toBeLessThan(45);
  });

  it.each([
    ["one artifact", [FEATURES], 2, /diff compares two artifacts: decisioning diff <old> <new> \(got 1 argument\)/],
    ["a bad sample count", [FEATURES, FEATURES, "--samples", "many"], 2, /--samples must be an integer of at least 0/],
    ["an artifact the engine refuses", [FEATURES, tempJson("v2.json", { version: "2.0.0", rules: {} })], 1, /the artifact .*v2\.json cannot be used/],
  ])("explains %s", async (_name, args, exitCode, message) => {
    const { code, stderr } = await run(["diff", ...args]);
    expect(code).toBe(exitCode);
    expect(stderr).toMatch(message);
  });

  it("documents itself with --help", async () => {
    const { code, stdout } = await run(["diff", "--help"]);
    expect(code).toBe(0);
    for (const option of ["--samples", "--seed", "--progress", "--exit-code", "--url", "--param"]) expect(stdout).toContain(option);
  });
});
