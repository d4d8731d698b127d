import { visitorInExperience } from "@decisioning/testing";
import { beforeAll, describe, expect, it } from "vitest";
import { ensureBuilt, run, runJson } from "../helpers/binary.js";
import { FEATURES, features } from "../helpers/fixtures.js";

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
    const { stdout } = await run(["explain", "-a", FEATURES, "--mbox", "flags", "--visitor", "v-1", "--url", "https://www.shop.example.co.uk/cart?Sale=yes", "--param", "tier=Silver"]);
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
    const { stdout } = await run(["explain", "-a", FEATURES, "--mbox", "prop-box", "--property", "prop-c", "--page-load", "--view", "home", "--visitor", "v-9"]);
    expect(stdout).toMatch(/#1 ✓ skipped: .*"Property A".*\n\s+serves at\.js properties \["prop-a"\], the request has "prop-c"/);
    expect(stdout).toMatch(/#2 ✓ CHOSEN: .*"Property B"/);
    expect(stdout).toContain('execute page load (global mbox "target-global-mbox")');
    expect(stdout).toContain('execute view "home"');
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
