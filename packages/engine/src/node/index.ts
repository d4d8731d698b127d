/// <reference types="node" />
// The Node-only entry, `@decisioning/engine/node`: a file snapshot store, and the Node transport
// (`node:http` with keep-alive agents) for artifact downloads, geo lookups and Delivery API calls,
// also for users who route them through an HTTP agent (proxies). The portable entries never
// import this file.
import { randomBytes } from "node:crypto";
import { mkdir, open, readFile, rename, unlink } from "node:fs/promises";
import { dirname } from "node:path";
import { createNodeFetch, type NodeAgent, type NodeFetch } from "./http-fetch.js";
import type { FetchApi, Snapshot, SnapshotStore } from "../types.js";

export { createNodeFetch, DEFAULT_MAX_SOCKETS } from "./http-fetch.js";
export type { NodeAgent, NodeFetch, NodeFetchOptions } from "./http-fetch.js";

const FORMAT = 1;
const NEWLINE = 0x0a;

interface FileHeader {
  v: number;
  key: string;
  savedAt: number;
  etag?: string;
}

/**
 * A snapshot store in one file: a JSON header line, then the artifact body as fetched.
 * Writes go to a temporary file that is flushed and renamed over the old one, so a crash
 * mid-write leaves the previous snapshot intact. `load` ignores a file saved for another key.
 */
export function fileSnapshotStore(path: string): SnapshotStore {
  return {
    async load(key) {
      let bytes: Buffer;
      try {
        bytes = await readFile(path);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
        throw error;
      }
      const end = bytes.indexOf(NEWLINE);
      if (end < 0) throw new Error(`${path} is not an artifact snapshot (no header line)`);
      const header = JSON.parse(bytes.subarray(0, end).toString("utf8")) as Partial<FileHeader>;
      if (header.v !== FORMAT || typeof header.key !== "string" || typeof header.savedAt !== "number") {
        throw new Error(`${path} is not an artifact snapshot of format ${FORMAT}`);
      }
      if (header.key !== key) return undefined;
      const snapshot: Snapshot = { body: new Uint8Array(bytes.subarray(end + 1)), savedAt: header.savedAt };
      if (typeof header.etag === "string") snapshot.etag = header.etag;
      return snapshot;
    },
    async save(key, snapshot) {
      const header: FileHeader = { v: FORMAT, key, savedAt: snapshot.savedAt };
      if (snapshot.etag !== undefined) header.etag = snapshot.etag;
      await mkdir(dirname(path), { recursive: true });
      const temporary = `${path}.${process.pid}.${randomBytes(6).toString("hex")}.tmp`;
      const file = await open(temporary, "w");
      try {
        await file.writeFile(Buffer.concat([Buffer.from(`${JSON.stringify(header)}\n`, "utf8"), snapshot.body]));
        await file.sync();
      } catch (error) {
        await file.close().catch(() => {});
        await unlink(temporary).catch(() => {});
        throw error;
      }
      await file.close();
      try {
        await rename(temporary, path);
      } catch (error) {
        await unlink(temporary).catch(() => {});
        throw error;
      }
    },
  };
}

let shared: NodeFetch | undefined;

/** The Node transport as a `fetchApi`, over keep-alive agents shared by every user of this function. */
export const nodeFetch: FetchApi = (input, init) => (shared ??= createNodeFetch())(input, init);

/**
 * A `fetchApi` that sends every request through `agent`, the way users of Adobe's SDK configure
 * proxies: `fetchApi: proxyFetch(new HttpsProxyAgent(proxyUrl))`.
 */
export function proxyFetch(agent: NodeAgent): FetchApi {
  return createNodeFetch({ agent });
}

export type { Snapshot, SnapshotStore } from "../types.js";
