/**
 * A file artifact, watched: an edit is read once writes settle (debounced), a bad edit keeps
 * the last good artifact and is reported, and rewriting the same bytes changes nothing. The
 * directory is watched rather than the file, because editors and deploy tools replace a file
 * by renaming a new one over it, which a watch on the old file never sees.
 */
import { createHash } from "node:crypto";
import { watch, type FSWatcher } from "node:fs";
import { basename, dirname, resolve } from "node:path";
import { causeOf } from "../cause.js";
import { artifactFromBytes, readLocalFile } from "../io.js";
import type { Accept, ArtifactSource, RefreshOutcome, SourceStatus } from "./source.js";

/** Default ms to wait after the last change before reading the file. */
export const DEFAULT_WATCH_DEBOUNCE_MS = 200;

/** Options of {@link openFileSource}. */
export interface FileSourceOptions {
  path: string;
  organizationId: string | undefined;
  /** Watch for edits (serve's `--poll 0` turns it off). */
  watch: boolean;
  debounceMs?: number;
  now?: () => number;
}

const digest = (bytes: Uint8Array): string => createHash("sha256").update(bytes).digest("hex");

/** Read the file (throws the CLI's errors, naming it) and watch it if asked. */
export async function openFileSource(options: FileSourceOptions): Promise<ArtifactSource> {
  const now = options.now ?? Date.now;
  const debounceMs = options.debounceMs ?? DEFAULT_WATCH_DEBOUNCE_MS;
  const read = async (): Promise<{ bytes: Uint8Array; artifact: unknown }> => {
    const bytes = await readLocalFile(options.path, "artifact");
    return { bytes, artifact: artifactFromBytes(bytes, options.path, options.organizationId) };
  };
  const first = await read();
  let hash = digest(first.bytes);
  let loadedAt = now();
  let lastRefresh: RefreshOutcome | undefined;
  let watcher: FSWatcher | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let reading: Promise<void> | undefined;
  let again = false;
  let closed = false;

  return {
    initial: first.artifact,
    start(accept: Accept, onRefresh) {
      if (!options.watch) return;
      const record = (outcome: RefreshOutcome): void => {
        lastRefresh = outcome;
        onRefresh(outcome);
      };
      const reload = async (): Promise<void> => {
        try {
          const next = await read();
          const nextHash = digest(next.bytes);
          if (nextHash === hash) {
            record({ at: now(), result: "unchanged" });
            return;
          }
          accept(next.artifact);
          hash = nextHash;
          loadedAt = now();
          record({ at: loadedAt, result: "updated" });
        } catch (error) {
          record({ at: now(), result: "failed", error: causeOf(error) });
        }
      };
      // One read at a time; changes during a read cause one more read after it.
      const run = (): void => {
        if (closed) return;
        if (reading) {
          again = true;
          return;
        }
        reading = reload().finally(() => {
          reading = undefined;
          if (again) {
            again = false;
            run();
          }
        });
      };
      const name = basename(options.path);
      watcher = watch(dirname(resolve(options.path)), { persistent: false }, (_event, file) => {
        if (file !== null && file !== name) return;
        clearTimeout(timer);
        timer = setTimeout(run, debounceMs);
      });
      watcher.on("error", (error) => record({ at: now(), result: "failed", error: `watching stopped: ${causeOf(error)}` }));
    },
    status(): SourceStatus {
      return {
        source: options.path,
        kind: "file",
        refresh: options.watch ? "watch" : "off",
        loadedAt,
        ...(lastRefresh ? { lastRefresh } : {}),
      };
    },
    async close() {
      closed = true;
      clearTimeout(timer);
      watcher?.close();
      await reading;
    },
  };
}
