import type { KeyValueNamespace, Snapshot, SnapshotStore } from "../types.js";

/** An in-memory snapshot store: survives engine restarts within one process (and serves tests). */
export function memorySnapshotStore(): SnapshotStore & { readonly size: number } {
  const snapshots = new Map<string, Snapshot>();
  return {
    load: (key) => {
      const found = snapshots.get(key);
      // Copies, so a caller mutating what it got cannot change what is stored.
      return found ? { ...found, body: found.body.slice() } : undefined;
    },
    save: (key, snapshot) => {
      snapshots.set(key, { ...snapshot, body: snapshot.body.slice() });
    },
    get size() {
      return snapshots.size;
    },
  };
}

interface KvRecord {
  v: 1;
  savedAt: number;
  etag?: string;
  body: string;
}

/**
 * A snapshot store over a string key-value namespace (e.g. a Workers KV binding). The body is
 * stored base64-encoded in a small JSON record under `prefix + key`.
 */
export function kvSnapshotStore(namespace: KeyValueNamespace, prefix = "decisioning-artifact:"): SnapshotStore {
  return {
    async load(key) {
      const text = await namespace.get(prefix + key);
      if (typeof text !== "string" || text === "") return undefined;
      const record = JSON.parse(text) as Partial<KvRecord>;
      if (record.v !== 1 || typeof record.body !== "string" || typeof record.savedAt !== "number") {
        throw new Error(`snapshot record under ${prefix + key} has an unknown format`);
      }
      const snapshot: Snapshot = { body: fromBase64(record.body), savedAt: record.savedAt };
      if (typeof record.etag === "string") snapshot.etag = record.etag;
      return snapshot;
    },
    async save(key, snapshot) {
      const record: KvRecord = { v: 1, savedAt: snapshot.savedAt, body: toBase64(snapshot.body) };
      if (snapshot.etag !== undefined) record.etag = snapshot.etag;
      await namespace.put(prefix + key, JSON.stringify(record));
    },
  };
}

// btoa/atob take "binary strings"; building one in chunks keeps the argument list of
// String.fromCharCode within engine limits for multi-megabyte artifacts.
function toBase64(bytes: Uint8Array): string {
  let binary = "";
  const chunk = 0x8000;
  for (let i = 0; i < bytes.length; i += chunk) {
    binary += String.fromCharCode(...bytes.subarray(i, i + chunk));
  }
  return btoa(binary);
}

function fromBase64(text: string): Uint8Array {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}
