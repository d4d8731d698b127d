/** A stored last-good artifact. */
export interface Snapshot {
  /** The artifact body as fetched (JSON text, or the raw bytes of `rules.bin`). */
  body: Uint8Array;
  /** When it was fetched, ms since epoch. */
  savedAt: number;
  /** Its ETag, if the server sent one. */
  etag?: string;
}

/**
 * Pluggable storage for the last good artifact: a file on Node, a KV namespace at the edge.
 * Both methods may be async; errors are reported, never fatal.
 */
export interface SnapshotStore {
  load(key: string): Snapshot | undefined | Promise<Snapshot | undefined>;
  save(key: string, snapshot: Snapshot): void | Promise<void>;
}
