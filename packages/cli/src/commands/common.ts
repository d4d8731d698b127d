import { createDecider, type Decider, internal } from "@decisioning/engine";
import { stringOption, type CommandSpec, type ParsedOptions } from "../args.js";
import { CliError, CliErrorCode } from "../errors.js";
import { artifactProblem, readArtifact, type Io } from "../io.js";

const { isRecord } = internal;

/** A command of the binary. */
export interface Command {
  spec: CommandSpec;
  /** Run with parsed arguments; resolves to the process exit code. */
  run(options: ParsedOptions, positionals: string[], io: Io): Promise<number>;
}

/** An artifact read from the command line, with the client code to decide for. */
export interface LoadedArtifact {
  artifact: unknown;
  source: string;
  client: string;
}

/** The client code: `--client`, else the artifact's `meta.clientCode`. */
export function clientOf(options: ParsedOptions, artifact: unknown, source: string): string {
  const given = stringOption(options, "client");
  if (given !== undefined && given !== "") return given;
  const meta = isRecord(artifact) ? artifact.meta : undefined;
  const code = isRecord(meta) ? meta.clientCode : undefined;
  if (typeof code === "string" && code !== "") return code;
  throw new CliError(CliErrorCode.Usage, `the artifact ${source} names no client code (meta.clientCode): pass --client <code>, which allocation depends on`);
}

/** Read the artifact named by `--artifact` (or the given source). */
export async function loadArtifact(options: ParsedOptions, io: Io, command: string, source = stringOption(options, "artifact")): Promise<LoadedArtifact> {
  if (source === undefined) throw new CliError(CliErrorCode.Usage, `${command} needs an artifact: --artifact <file|url> (see decisioning ${command} --help)`);
  const artifact = await readArtifact(source, io, stringOption(options, "organization-id"));
  return { artifact, source, client: clientOf(options, artifact, source) };
}

/** A decider for a loaded artifact; artifact errors become CLI errors that name the file. */
export function deciderOf(loaded: LoadedArtifact, now?: () => number): Decider {
  try {
    return createDecider({ client: loaded.client, artifact: loaded.artifact, ...(now ? { platform: { now } } : {}) });
  } catch (error) {
    return artifactProblem(error, loaded.source);
  }
}

/** Print a value as JSON: one line for `--json`, indented otherwise. */
export function printJson(io: Io, value: unknown, compact: boolean): void {
  io.stdout.write(`${JSON.stringify(value, null, compact ? undefined : 2)}\n`);
}
