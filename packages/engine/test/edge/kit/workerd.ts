import { readFileSync } from "node:fs";
import { Miniflare, type MiniflareOptions } from "miniflare";

/** An ES module handed to workerd: its path inside the worker and its source text. */
export interface WorkerModule {
  path: string;
  contents: string;
}

// Workers resolve module paths relative to this virtual root; nothing is read from disk by workerd.
const ROOT = "/worker";

/** A module whose text is read now from `file` and served to the worker as `path`. */
export function moduleFromFile(path: string, file: string): WorkerModule {
  return { path, contents: readFileSync(file, "utf8") };
}

/**
 * Start workerd (through miniflare) with `modules`, the first being the worker's entry. No
 * `nodejs_compat` flag: a bundle that needs Node's built-ins fails to load, which is the point.
 */
export function startWorker(modules: readonly WorkerModule[], options: Partial<MiniflareOptions> = {}): Miniflare {
  return new Miniflare({
    ...options,
    modulesRoot: ROOT,
    modules: modules.map((m) => ({ type: "ESModule" as const, path: `${ROOT}/${m.path}`, contents: m.contents })),
    compatibilityDate: "2025-09-01",
  } as MiniflareOptions);
}
