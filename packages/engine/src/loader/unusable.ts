import { sha256Hex } from "./integrity.js";

/**
 * A body refused for what it holds (not JSON, an unsupported version, the wrong shape, the
 * wrong digest, refused by `verifyArtifact`): the same bytes would be refused on every try.
 */
export class UnusableBody {
  constructor(
    /** Why the body was refused. */
    readonly error: unknown,
  ) {}
}

/** How a body was recognised as the one refused before. */
export type SameBody = { etag: string } | { bytes: number };

/**
 * Remembers the last body the loader refused, so that it can tell when the CDN serves it
 * again: then no retry will help, and waiting longer is all that can. Bodies are compared by
 * ETag, or by SHA-256 (or, without `crypto.subtle`, by their bytes).
 */
export class RefusedBodies {
  private last: { etag: string | undefined; fingerprint: string | Uint8Array } | undefined;

  /** Record a refused body; how it matches the one refused last time, or undefined for a new one. */
  async refused(body: Uint8Array, etag: string | undefined): Promise<SameBody | undefined> {
    const fingerprint = globalThis.crypto?.subtle ? await sha256Hex(body) : body;
    const last = this.last;
    this.last = { etag, fingerprint };
    if (last === undefined) return undefined;
    if (etag !== undefined && etag === last.etag) return { etag };
    return sameFingerprint(fingerprint, last.fingerprint) ? { bytes: body.length } : undefined;
  }

  /** Forget the last refused body: the CDN served something usable (or confirmed the artifact in use). */
  forget(): void {
    this.last = undefined;
  }
}

function sameFingerprint(a: string | Uint8Array, b: string | Uint8Array): boolean {
  if (typeof a === "string" || typeof b === "string") return a === b;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** "ETag "x"" or "the same 1234 bytes", for messages. */
export function describeSameBody(same: SameBody): string {
  return "etag" in same ? `ETag ${same.etag}` : `the same ${same.bytes} bytes`;
}
