import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { createDecider } from "../../src/index.js";

const artifact = JSON.parse(readFileSync(new URL("../../../../fixtures/artifacts/features.json", import.meta.url), "utf8"));

describe("Decider.declares", () => {
  const decider = createDecider({ client: "acme", artifact });

  it.each([
    ["mbox", "flags", true],
    ["mbox", "remote-box", true],
    ["mbox", "flgas", false],
    ["view", "home", true],
    ["view", "hoem", false],
  ] as const)("tells whether the artifact knows the %s %j (%s)", (kind, name, known) => {
    expect(decider.declares(kind, name)).toBe(known);
  });

  it("knows a name listed as local though it has no rules", () => {
    const listed = createDecider({ client: "acme", artifact: { ...artifact, localMboxes: [...artifact.localMboxes, "rule-less"] } });
    expect(listed.declares("mbox", "rule-less")).toBe(true);
  });
});
