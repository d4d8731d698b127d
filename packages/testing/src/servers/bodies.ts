/** The bytes and ETags the fake servers send for a body. */
import { createHash } from "node:crypto";

/** The bytes sent for a body: bytes as they are, a string as UTF-8, any other value as JSON. */
export function bodyBytes(body: unknown): Uint8Array {
  if (body instanceof Uint8Array) return body;
  if (typeof body === "string") return new TextEncoder().encode(body);
  return new TextEncoder().encode(JSON.stringify(body));
}

/** The ETag a route gets by default: a quoted hash of its {@link bodyBytes}. */
export function etagOf(body: unknown): string {
  return `"${createHash("sha1").update(bodyBytes(body)).digest("hex").slice(0, 16)}"`;
}
