import { describe, expect, it } from "vitest";
import { helpOf, parseCommand, suggest, type CommandSpec } from "../src/args.js";

const spec: CommandSpec = {
  name: "demo",
  summary: "a demo",
  usage: ["decisioning demo"],
  options: { mbox: { type: "string", multiple: true, value: "<name>", description: "an mbox" }, visitor: { type: "string", description: "a visitor" } },
};

describe("command-line parsing", () => {
  it.each<[string, string | undefined]>([
    ["mbx", "mbox"],
    ["vistor", "visitor"],
    ["jsn", "json"],
    ["completely-different", undefined],
  ])("suggests a close option for --%s", (typo, expected) => {
    expect(suggest(typo, ["mbox", "visitor", "json", "help"])).toBe(expected);
  });

  it("suggests across a case difference, and nothing for inputs too long to compare", () => {
    expect(suggest("Flags", ["flags", "flag"])).toBe("flags");
    expect(suggest("x".repeat(129), ["x".repeat(128)])).toBeUndefined();
  });

  it("parses repeatable options and positionals", () => {
    expect(parseCommand(spec, ["--mbox", "a", "x", "--mbox", "b", "--json"])).toEqual({ options: { mbox: ["a", "b"], json: true }, positionals: ["x"] });
  });

  it("turns parse errors into usage errors that point at --help", () => {
    expect(() => parseCommand(spec, ["--visitor"])).toThrow(
      expect.objectContaining({ code: "USAGE", exitCode: 2, message: expect.stringContaining("see decisioning demo --help") }),
    );
  });

  it("generates help from the option table", () => {
    const help = helpOf(spec);
    expect(help).toContain("decisioning demo: a demo");
    expect(help).toMatch(/--mbox <name>\s+an mbox \(repeatable\)/);
    expect(help).toMatch(/-h, --help\s+show this help/);
  });
});
