import { ArtifactError, ErrorCode } from "../errors.js";

/** The acceptance checks configured for downloaded artifacts. */
export interface IntegrityOptions {
  /** Expected SHA-256 of the body, lower-case hex. */
  sha256: string | undefined;
  /** User hook; `false` or a throw refuses the artifact. */
  verify: ((body: Uint8Array, artifact: unknown) => boolean | Promise<boolean>) | undefined;
}

/** SHA-256 of `bytes` as lower-case hex, with the web-standard `crypto.subtle`. */
export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const subtle = globalThis.crypto?.subtle;
  if (!subtle) throw new ArtifactError(ErrorCode.ArtifactIntegrity, "Cannot check artifactSha256: crypto.subtle is not available here");
  // Bodies come from fetch or storage, never from a SharedArrayBuffer, which digest refuses.
  const digest = new Uint8Array(await subtle.digest("SHA-256", bytes as Uint8Array<ArrayBuffer>));
  let hex = "";
  for (const byte of digest) hex += (byte + 0x100).toString(16).slice(1);
  return hex;
}

/** Refuse a body whose SHA-256 differs from the expected one. Runs before parsing: a tampered body is never decoded. */
export async function checkSha256(body: Uint8Array, expected: string | undefined): Promise<void> {
  if (expected === undefined) return;
  const actual = await sha256Hex(body);
  if (actual !== expected) {
    throw new ArtifactError(ErrorCode.ArtifactIntegrity, `Artifact refused: SHA-256 ${actual} differs from the expected artifactSha256 ${expected}`);
  }
}

/**
 * Run the user's verify hook on a parsed artifact: true when there is none or it returned
 * `true`, false when it returned anything else (the body is refused). A hook that throws may
 * pass on another try (it may do I/O of its own), so its throw is reported apart, as an
 * `ArtifactError`.
 */
export async function verifyHookAccepts(body: Uint8Array, artifact: unknown, verify: IntegrityOptions["verify"]): Promise<boolean> {
  if (verify === undefined) return true;
  let accepted: unknown;
  try {
    accepted = await verify(body, artifact);
  } catch (cause) {
    throw new ArtifactError(ErrorCode.ArtifactIntegrity, `Artifact refused: verifyArtifact threw (${messageOf(cause)})`, { cause });
  }
  return accepted === true;
}

/** The message of an unknown thrown value. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
