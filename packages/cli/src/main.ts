import { readFileSync } from "node:fs";
import { DecisioningError } from "@decisioning/engine";
import { helpOf, parseCommand, suggest } from "./args.js";
import { decideCommand } from "./commands/decide.js";
import { diffCommand } from "./commands/diff.js";
import { explainCommand } from "./commands/explain.js";
import { inspectCommand } from "./commands/inspect.js";
import { serveCommand } from "./commands/serve.js";
import { validateCommand } from "./commands/validate.js";
import type { Command } from "./commands/common.js";
import { CliError, CliErrorCode } from "./errors.js";
import { println, type Io } from "./io.js";

/** Every command, in the order `--help` lists them. */
export const COMMANDS: readonly Command[] = [decideCommand, explainCommand, validateCommand, inspectCommand, diffCommand, serveCommand];

function version(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version?: string };
    return pkg.version ?? "unknown";
  } catch {
    return "unknown";
  }
}

function mainHelp(): string {
  const width = Math.max(...COMMANDS.map((c) => c.spec.name.length)) + 2;
  return [
    "decisioning: decide, explain and check Adobe Target rules artifacts on your machine",
    "",
    "Usage:",
    "  decisioning <command> [options]",
    "  decisioning <command> --help",
    "",
    "Commands:",
    ...COMMANDS.map((c) => `  ${c.spec.name.padEnd(width)}${c.spec.summary}`),
    "",
    "Every command takes --json for machine-readable output and --help for its options.",
    "Exit codes: 0 success, 1 failure (invalid artifact, failed check), 2 usage mistake.",
    "",
  ].join("\n");
}

function report(error: unknown, io: Io, command: string | undefined, json: boolean): number {
  let code: string;
  let message: string;
  let exitCode = 1;
  if (error instanceof CliError) {
    ({ code, message, exitCode } = error);
  } else if (error instanceof DecisioningError) {
    code = error.code;
    message = error.message;
  } else {
    code = "INTERNAL";
    message = `unexpected failure (please report it): ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`;
  }
  if (json) println(io.stdout, JSON.stringify({ error: { code, message } }));
  else println(io.stderr, `decisioning${command ? ` ${command}` : ""}: ${message}`);
  return exitCode;
}

/** Run the CLI with arguments (without `node` and the script); resolves to the exit code. */
export async function run(argv: readonly string[], io: Io): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === "--help" || name === "-h") {
    io[name === undefined ? "stderr" : "stdout"].write(mainHelp());
    return name === undefined ? 2 : 0;
  }
  if (name === "--version" || name === "-v") {
    println(io.stdout, version());
    return 0;
  }
  if (name === "help") {
    const topic = COMMANDS.find((c) => c.spec.name === rest[0]);
    io.stdout.write(topic ? helpOf(topic.spec) : mainHelp());
    return 0;
  }
  const json = rest.includes("--json");
  const command = COMMANDS.find((c) => c.spec.name === name);
  if (!command) {
    const close = suggest(
      name,
      COMMANDS.map((c) => c.spec.name),
    );
    const error = new CliError(
      CliErrorCode.Usage,
      `unknown command ${JSON.stringify(name)}${close ? `: did you mean ${close}?` : ""} (see decisioning --help)`,
    );
    return report(error, io, undefined, json);
  }
  try {
    const { options, positionals } = parseCommand(command.spec, rest);
    if (options.help === true) {
      io.stdout.write(helpOf(command.spec));
      return 0;
    }
    const expected = command.spec.positionals?.length ?? 0;
    if (expected === 0 && positionals.length > 0) {
      throw new CliError(
        CliErrorCode.Usage,
        `${name} takes no positional arguments, got ${JSON.stringify(positionals[0])} (options start with --; see decisioning ${name} --help)`,
      );
    }
    return await command.run(options, positionals, io);
  } catch (error) {
    return report(error, io, name, json);
  }
}
