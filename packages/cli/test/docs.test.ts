import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { ensureBuilt, ROOT, run } from "./helpers/binary.js";

beforeAll(ensureBuilt, 120000);

// The section text lives in docs/tools.md until it is merged into the README.
const docs = ["docs/tools.md", "README.md"]
  .filter((path) => existsSync(join(ROOT, path)))
  .map((path) => readFileSync(join(ROOT, path), "utf8"))
  .join("\n");

/** `decisioning ...` command lines of the shell examples (continuation lines joined). */
function documentedCommands(): string[][] {
  const commands: string[][] = [];
  for (const block of docs.matchAll(/```sh\n([\s\S]*?)```/g)) {
    const lines = (block[1] as string).replace(/\\\n\s*/g, " ").split("\n");
    for (const line of lines) {
      if (!line.startsWith("decisioning ")) continue;
      // Split on spaces outside double quotes.
      const words = [...line.matchAll(/"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? (m[2] as string));
      commands.push(words.slice(1).filter((word) => word !== "&"));
    }
  }
  return commands;
}

describe("the documented commands", () => {
  const runnable = documentedCommands().filter((args) => args[0] !== "serve" && args.every((word) => !word.endsWith(".json") || existsSync(join(ROOT, word))));

  it("include the decide, explain and inspect examples, which need only the repository's fixtures", () => {
    expect(runnable.map((args) => args[0])).toEqual(expect.arrayContaining(["decide", "explain", "inspect"]));
  });

  it.each(runnable.map((args) => [args.join(" "), args] as const))("run: decisioning %s", async (_line, args) => {
    const { code, stdout } = await run(args);
    expect(code).toBe(0);
    // Excerpts in the docs end with "..."; what they show must be what the command prints.
    if (args[0] === "explain") expect(docs).toContain(stdout.trimEnd());
  });
});
