/** The `rules.bin` form of an artifact, as Target's CDN serves it. */
import { TestingError, TestingErrorCode } from "../errors.js";

const DEFAULT_KEY = "0123456789abcdef0123456789abcdef";

/**
 * Obfuscate an artifact (a JSON value, or JSON text) into the `rules.bin` layout the engine
 * reads: `ATOD:001`, a 32-character key, then the JSON XOR-ed with `organizationId + key`.
 */
export function obfuscateArtifact(artifact: unknown, organizationId: string, key = DEFAULT_KEY): Uint8Array {
  if (key.length !== 32 || !/^[\x20-\x7e]+$/.test(key))
    throw new TestingError(TestingErrorCode.InvalidArgument, "obfuscateArtifact: key must be 32 printable ASCII characters");
  const encoder = new TextEncoder();
  const header = encoder.encode(`ATOD:001${key}`);
  const plain = encoder.encode(typeof artifact === "string" ? artifact : JSON.stringify(artifact));
  const mask = encoder.encode(organizationId + key);
  const out = new Uint8Array(header.length + plain.length);
  out.set(header, 0);
  for (let i = 0; i < plain.length; i++) out[header.length + i] = (plain[i] ?? 0) ^ (mask[i % mask.length] ?? 0);
  return out;
}
