import { artifact, visitorInExperience, when } from "@decisioning/testing";
import { beforeAll, describe, expect, it } from "vitest";
import { ensureBuilt, run, runJson } from "../helpers/binary.js";
import { FEATURES, features, tempJson } from "../helpers/fixtures.js";

beforeAll(ensureBuilt, 120000);

describe("decisioning explain", () => {
  it.each(["Experience A", "Experience B"])("tells why a visitor got %s of the A/B test, with the allocation and both ranges", async (experience) => {
    const visitor = visitorInExperience(features(), { mbox: "ab-hero", experience });
    const { code, stdout } = await run(["explain", "-a", FEATURES, "--mbox", "ab-hero", "--visitor", visitor]);
    expect(code).toBe(0);
    const [chosen, other] = experience === "Experience A" ? ["#1", "#2"] : ["#2", "#1"];
    expect(stdout).toMatch(new RegExp(`${chosen} ✓ CHOSEN: activity 1001 "Hero A/B" \\(ab\\) › experience "${experience}"`));
    expect(stdout).toMatch(new RegExp(`${other} ✗ no match`));
    expect(stdout).toMatch(/allocation \d+\.\d\d is in the experience's range (0\.00–49\.99|50\.00–99\.99) \(50%\)/);
    expect(stdout).toMatch(/allocation \d+\.\d\d is not in the experience's range/);
    expect(stdout).toContain(`→ answered by rule ${chosen} (activity 1001 › "${experience}")`);
  });

  it("shows each condition with the context values it read", async () => {
    const { stdout } = await run([
      "explain",
      "-a",
      FEATURES,
      "--mbox",
      "flags",
      "--visitor",
      "v-1",
      "--url",
      "https://www.shop.example.co.uk/cart?Sale=yes",
      "--param",
      "tier=Silver",
    ]);
    expect(stdout).toContain('✗ mbox.tier_lc == "gold"    [mbox.tier_lc = "silver"]');
    expect(stdout).toContain('✓ page.domain == "example.co.uk"    [page.domain = "example.co.uk"]');
    expect(stdout).toContain('✓ page.subdomain == "shop"    [page.subdomain = "shop"]');
    expect(stdout).toContain('✓ "sale" in page.query_lc    [page.query_lc = "sale=yes"]');
    expect(stdout).toContain("#2 ✓ CHOSEN");
    expect(stdout).toMatch(/#5 ✓ matched, not used: .*\n\s+rule #2 answered first/);
  });

  it("marks the parts json-logic never evaluated", async () => {
    const { stdout } = await run(["explain", "-a", FEATURES, "--mbox", "flags", "--visitor", "v-1"]);
    expect(stdout).toMatch(/· page\.subdomain == "shop" .*\(not evaluated\)/);
  });

  it("explains rules skipped for another at.js property, the page load and views", async () => {
    const { stdout } = await run([
      "explain",
      "-a",
      FEATURES,
      "--mbox",
      "prop-box",
      "--property",
      "prop-c",
      "--page-load",
      "--view",
      "home",
      "--visitor",
      "v-9",
    ]);
    expect(stdout).toMatch(/#1 ✓ skipped: .*"Property A".*\n\s+serves at\.js properties \["prop-a"\], the request has "prop-c"/);
    expect(stdout).toMatch(/#2 ✓ CHOSEN: .*"Property B"/);
    expect(stdout).toContain('execute page load (global mbox "target-global-mbox")');
    expect(stdout).toContain('execute view "home"');
  });

  it("shows the times a date-range audience compares as ISO 8601, not epoch milliseconds", async () => {
    const sale = artifact({ client: "kit" })
      .activity("sale", { id: 21, type: "landing" })
      .mbox("banner")
      .experience("Sale", 100, { html: "sale" }, { audience: when.during("2026-01-30T00:00:00Z", "2026-02-02T00:00:00Z") })
      .build();
    const { code, stdout } = await run(["explain", "-a", tempJson("sale.json", sale), "--mbox", "banner", "--visitor", "v-1", "--at", "2026-01-31T18:30:00Z"]);
    expect(code).toBe(0);
    expect(stdout).toContain("current_timestamp = 2026-01-31T18:30:00.000Z");
    expect(stdout).toMatch(/2026-01-30T00:00:00\.000Z.*current_timestamp|current_timestamp.*2026-01-30T00:00:00\.000Z/);
    expect(stdout).toContain("2026-02-02T00:00:00.000Z");
    expect(stdout).not.toMatch(/\d{13}/);
  });

  it("calls an experience chosen with no offer the default content", async () => {
    const built = artifact({ client: "kit" }).activity("holdout", { id: 22, type: "ab" }).mbox("hero").experience("Control", 100, { html: "x" }).build();
    // Target's default-content experiences carry only an event token.
    for (const option of built.rules.mboxes.hero?.[0]?.consequence.options ?? []) {
      delete option.type;
      delete option.content;
    }
    const { code, stdout } = await run(["explain", "-a", tempJson("holdout.json", built), "--mbox", "hero", "--visitor", "v-1"]);
    expect(code).toBe(0);
    expect(stdout).toContain('#1 ✓ CHOSEN: activity 22 "holdout" (ab) › experience "Control" [default content: no offer]');
    expect(stdout).toContain('→ answered by rule #1 (activity 22 › "Control": default content): the visitor sees the page\'s default content (no offer)');
  });

  it("warns about a name the artifact does not know, with the closest known name", async () => {
    const { code, stderr } = await run(["explain", "-a", FEATURES, "--mbox", "ab-her", "--visitor", "v-1"]);
    expect(code).toBe(0);
    expect(stderr).toContain(
      'decisioning explain: warning: mbox "ab-her" is not in the artifact (not local, not remote, no rules), so it is left to the Delivery API (status 206): did you mean "ab-hero"?',
    );
  });

  it("says when a name needs the Delivery API", async () => {
    const { stdout } = await run(["explain", "-a", FEATURES, "--mbox", "remote-box", "--visitor", "v-1"]);
    expect(stdout).toContain("needs the Delivery API");
    expect(stdout).toContain("→ no rules: nothing to show");
  });

  it("prints the explanation and the engine's response as JSON, and the chosen rule is what decide serves", async () => {
    const args = ["-a", FEATURES, "--mbox", "ab-hero", "--mbox", "flags", "--visitor", "v-7", "--param", "tier=gold", "--at", "2026-01-09T12:00:00Z"];
    const [{ json: explanation }, { json: response }] = await Promise.all([runJson(["explain", ...args, "--json"]), runJson(["decide", ...args, "--json"])]);
    const chosen = explanation.items.map((item: any) => item.rules.find((rule: any) => rule.status === "chosen")?.experience.name);
    const served = response.execute.mboxes.map((mbox: any) => mbox.options[0].responseTokens["experience.name"]);
    expect(chosen).toEqual(served);
    expect(explanation.response.execute.mboxes.map((m: any) => m.options)).toEqual(response.execute.mboxes.map((m: any) => m.options));
    expect(explanation.visitor).toEqual({ id: "v-7", source: "tntId" });
  });

  it.each([
    ["nothing to explain", ["-a", FEATURES], 2, /nothing to explain/],
    ["a mistyped option", ["-a", FEATURES, "--mbox", "flags", "--vistor", "v"], 2, /did you mean --visitor\?/],
    ["a request the engine refuses", ["-a", FEATURES, "-r", "-"], 1, /the request cannot be decided: request.execute: must be an object/],
  ])("explains %s", async (_name, args, exitCode, message) => {
    const { code, stderr } = await run(["explain", ...args], { stdin: JSON.stringify({ execute: 5 }) });
    expect(code).toBe(exitCode);
    expect(stderr).toMatch(message);
  });

  it("documents itself with --help", async () => {
    const { code, stdout } = await run(["explain", "--help"]);
    expect(code).toBe(0);
    expect(stdout).toContain("decisioning explain: show, rule by rule, why a visitor gets what they get");
    expect(stdout).toContain("✓ holds, ✗ does not, · was not evaluated");
  });
});
