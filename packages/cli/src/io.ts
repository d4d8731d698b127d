/**
 * Reading inputs (files, URLs, stdin) with errors that say which input and where it broke, and
 * the streams commands write to.
 */
import { readFile } from "node:fs/promises";
import { ArtifactError, deobfuscate } from "@decisioning/engine";
import { CliError, CliErrorCode } from "./errors.js";

/** Where a command reads and writes: the process's streams, or test doubles. */
export interface Io {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown; isTTY?: boolean };
  /** The whole of standard input. */
  readStdin(): Promise<string>;
}

const isUrl = (source: string): boolean => /^https?:\/\//i.test(source);

/** Bytes of a file, a URL (GET), or standard input (`-`). */
export async function readSource(source: string, what: string, io: Io): Promise<Uint8Array> {
  if (source === "-") return new TextEncoder().encode(await io.readStdin());
  if (isUrl(source)) {
    let response: Response;
    try {
      response = await fetch(source, { signal: AbortSignal.timeout(30000) });
    } catch (cause) {
      throw new CliError(CliErrorCode.Input, `could not fetch the ${what} from ${source}: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    }
    if (!response.ok) throw new CliError(CliErrorCode.Input, `could not fetch the ${what}: HTTP ${response.status} from ${source}`);
    return new Uint8Array(await response.arrayBuffer());
  }
  try {
    return new Uint8Array(await readFile(source));
  } catch (cause) {
    const code = (cause as { code?: string }).code;
    const reason = code === "ENOENT" ? "no such file" : code === "EISDIR" ? "it is a directory" : code === "EACCES" ? "permission denied" : String(cause);
    throw new CliError(CliErrorCode.Input, `cannot read the ${what} ${JSON.stringify(source)}: ${reason}`, { cause });
  }
}

/** Parse JSON text, naming the input and the line and column of a syntax error. */
export function parseJson(text: string, label: string): unknown {
  try {
    return JSON.parse(text);
  } catch (cause) {
    const message = cause instanceof Error ? cause.message : String(cause);
    const position = /position (\d+)/.exec(message);
    let where = "";
    if (position) {
      const offset = Number(position[1]);
      const before = text.slice(0, offset);
      const line = before.split("\n").length;
      const column = offset - before.lastIndexOf("\n");
      where = ` at line ${line}, column ${column}`;
    }
    throw new CliError(CliErrorCode.Input, `${label} is not valid JSON${where}: ${message.replace(/ in JSON at position \d+.*$/, "")}`, { cause });
  }
}

/** Read a JSON document from a file, URL or stdin. */
export async function readJson(source: string, what: string, io: Io): Promise<unknown> {
  const bytes = await readSource(source, what, io);
  return parseJson(new TextDecoder().decode(bytes), source === "-" ? `the ${what} on stdin` : `the ${what} ${source}`);
}

const isBinary = (source: string, organizationId: string | undefined): boolean => organizationId !== undefined || /\.bin(\?|$)/i.test(source);

/** Parse artifact bytes: JSON text, or an obfuscated `rules.bin` when an organization id is given. */
export function artifactFromBytes(bytes: Uint8Array, source: string, organizationId?: string): unknown {
  if (!isBinary(source, organizationId)) return parseJson(new TextDecoder().decode(bytes), source === "-" ? "the artifact on stdin" : `the artifact ${source}`);
  let text: string;
  try {
    text = deobfuscate(bytes, organizationId ?? "");
  } catch (cause) {
    throw new CliError(CliErrorCode.Artifact, `cannot read ${source} as rules.bin: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
  try {
    return JSON.parse(text);
  } catch (cause) {
    throw new CliError(CliErrorCode.Artifact, `${source} did not decode to JSON: is ${String(organizationId)} the right organization id?`, { cause });
  }
}

/** Read an artifact from a file, URL or stdin: `rules.json`, or `rules.bin` with an organization id. */
export async function readArtifact(source: string, io: Io, organizationId?: string): Promise<unknown> {
  if (isBinary(source, organizationId) && organizationId === undefined) {
    throw new CliError(CliErrorCode.Usage, `${source} looks like an obfuscated rules.bin: pass --organization-id <id>@AdobeOrg to read it`);
  }
  return artifactFromBytes(await readSource(source, "artifact", io), source, organizationId);
}

/** Turn engine artifact errors into CLI errors that name the input. */
export function artifactProblem(error: unknown, source: string): never {
  if (error instanceof ArtifactError) {
    throw new CliError(CliErrorCode.Artifact, `the artifact ${source} cannot be used: ${error.message} (run \`decisioning validate ${source}\` for details)`, { cause: error });
  }
  throw error;
}

/** Write a line. */
export function println(stream: Io["stdout"], text = ""): void {
  stream.write(`${text}\n`);
}
