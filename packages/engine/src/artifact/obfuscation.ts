import { ArtifactError, ErrorCode } from "../errors.js";

const HEADER_LENGTH = 40;
const SUPPORTED_OBFUSCATION_VERSION = 1;

/**
 * Decode `rules.bin`: a 40-byte header (`ATOD:NNN` then a 32-byte key) and a body XOR-ed with
 * the UTF-8 bytes of `organizationId + key`. Returns the JSON text; a wrong organization
 * yields bytes that are not JSON, reported as an invalid artifact by the caller's parse.
 */
export function deobfuscate(bytes: Uint8Array, organizationId: string): string {
  if (bytes.length < HEADER_LENGTH) {
    throw new ArtifactError(ErrorCode.ArtifactInvalid, `Invalid artifact: rules.bin is ${bytes.length} bytes, shorter than its 40-byte header`);
  }
  const decoder = new TextDecoder("utf-8");
  const header = decoder.decode(bytes.subarray(0, HEADER_LENGTH));
  const [prefix, version] = header.slice(0, 8).split(":");
  if (prefix !== "ATOD" || Number.parseInt(version ?? "", 10) !== SUPPORTED_OBFUSCATION_VERSION) {
    throw new ArtifactError(ErrorCode.ArtifactInvalid, `Invalid artifact: unsupported rules.bin header "${header.slice(0, 8)}"`);
  }
  const key = new TextEncoder().encode(organizationId + header.slice(8, HEADER_LENGTH));
  if (key.length === 0) throw new ArtifactError(ErrorCode.ArtifactInvalid, "Invalid artifact: empty obfuscation key");
  const body = bytes.subarray(HEADER_LENGTH);
  const plain = new Uint8Array(body.length);
  for (let i = 0; i < body.length; i++) plain[i] = (body[i] ?? 0) ^ (key[i % key.length] ?? 0);
  return decoder.decode(plain);
}
