/**
 * Reading inputs (files, URLs, stdin) with errors that say which input and where it broke, and
 * the streams commands write to.
 */
import { readFile } from "node:fs/promises";
import { ArtifactError, deobfuscate } from "@decisioning/engine";
import { causeOf } from "./cause.js";
import { CliError, CliErrorCode } from "./errors.js";

/** Where a command reads and writes: the process's streams, or test doubles. */
export interface Io {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown; isTTY?: boolean };
  /** The whole of standard input. */
  readStdin(): Promise<string>;
}

/** True for `http(s)://` sources. */
export const isUrl = (source: string): boolean => /^https?:\/\//i.test(source);

/** Largest input read from a URL, in bytes: the engine's own limit on artifacts. */
export const MAX_DOWNLOAD_BYTES = 50 * 1024 * 1024;

async function download(source: string, what: string): Promise<Uint8Array> {
  let response: Response;
  try {
    response = await fetch(source, { signal: AbortSignal.timeout(30000) });
  } catch (cause) {
    throw new CliError(CliErrorCode.Input, `could not fetch the ${what} from ${source}: ${causeOf(cause)}`, { cause });
  }
  if (!response.ok) {
    await response.body?.cancel().catch(() => {});
    throw new CliError(CliErrorCode.Input, `could not fetch the ${what}: HTTP ${response.status} from ${source}`);
  }
  const tooLarge = (): CliError => new CliError(CliErrorCode.Input, `the ${what} at ${source} is over ${MAX_DOWNLOAD_BYTES} bytes`);
  if (Number(response.headers.get("content-length") ?? 0) > MAX_DOWNLOAD_BYTES) {
    await response.body?.cancel().catch(() => {});
    throw tooLarge();
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = response.body?.getReader();
  try {
    for (;;) {
      const next = await reader?.read();
      if (!next || next.done) break;
      size += next.value.length;
      if (size > MAX_DOWNLOAD_BYTES) {
        await reader?.cancel().catch(() => {});
        throw tooLarge();
      }
      chunks.push(next.value);
    }
  } catch (cause) {
    if (cause instanceof CliError) throw cause;
    throw new CliError(CliErrorCode.Input, `the ${what} from ${source} was cut off: ${causeOf(cause)}`, { cause });
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.length;
  }
  return bytes;
}

/** Bytes of a file, throwing a `CliError` that names it and the problem. */
export async function readLocalFile(source: string, what: string): Promise<Uint8Array> {
  try {
    return new Uint8Array(await readFile(source));
  } catch (cause) {
    const code = (cause as { code?: string }).code;
    const reason = code === "ENOENT" ? "no such file" : code === "EISDIR" ? "it is a directory" : code === "EACCES" ? "permission denied" : String(cause);
    throw new CliError(CliErrorCode.Input, `cannot read the ${what} ${JSON.stringify(source)}: ${reason}`, { cause });
  }
}

/** Bytes of a file, a URL (GET), or standard input (`-`). */
export async function readSource(source: string, what: string, io: Io): Promise<Uint8Array> {
  if (source === "-") return new TextEncoder().encode(await io.readStdin());
  if (isUrl(source)) return download(source, what);
  return readLocalFile(source, what);
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

const namedBin = (source: string): boolean => /\.bin([?#]|$)/i.test(source);
const namedJson = (source: string): boolean => /\.json([?#]|$)/i.test(source);

// JSON text starts with "{" after optional whitespace and byte order mark.
function looksLikeJson(bytes: Uint8Array): boolean {
  for (const byte of bytes.subarray(0, 64)) {
    if (byte === 0x7b) return true;
    if (byte !== 0x20 && byte !== 0x09 && byte !== 0x0a && byte !== 0x0d && byte !== 0xef && byte !== 0xbb && byte !== 0xbf) return false;
  }
  return false;
}

/**
 * Whether a source is an obfuscated `rules.bin`: by its name (`.bin`, `.json`), else, when an
 * organization id is given, by its bytes. So `diff rules.json rules.bin --organization-id ...`
 * applies the organization to the `.bin` side only.
 */
export function isBinaryArtifact(source: string, organizationId: string | undefined, bytes?: Uint8Array): boolean {
  if (namedBin(source)) return true;
  if (namedJson(source) || organizationId === undefined) return false;
  return bytes === undefined || !looksLikeJson(bytes);
}

/** Parse artifact bytes: JSON text, or an obfuscated `rules.bin` (see {@link isBinaryArtifact}). */
export function artifactFromBytes(bytes: Uint8Array, source: string, organizationId?: string): unknown {
  if (!isBinaryArtifact(source, organizationId, bytes))
    return parseJson(new TextDecoder().decode(bytes), source === "-" ? "the artifact on stdin" : `the artifact ${source}`);
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
  if (namedBin(source) && organizationId === undefined) {
    throw new CliError(CliErrorCode.Usage, `${source} looks like an obfuscated rules.bin: pass --organization-id <id>@AdobeOrg to read it`);
  }
  return artifactFromBytes(await readSource(source, "artifact", io), source, organizationId);
}

/** Turn engine artifact errors into CLI errors that name the input. */
export function artifactProblem(error: unknown, source: string): never {
  if (error instanceof ArtifactError) {
    throw new CliError(CliErrorCode.Artifact, `the artifact ${source} cannot be used: ${error.message} (run \`decisioning validate ${source}\` for details)`, {
      cause: error,
    });
  }
  throw error;
}

/** Write a line. */
export function println(stream: Io["stdout"], text = ""): void {
  stream.write(`${text}\n`);
}
