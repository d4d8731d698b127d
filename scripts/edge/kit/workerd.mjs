// Starting workerd (through miniflare) on modules held in memory.
import { readFileSync } from "node:fs";
import { Miniflare } from "miniflare";

// Workers resolve module paths relative to this virtual root; nothing is read from disk by workerd.
const ROOT = "/worker";

/** A module whose text is read now from `file` and served to the worker as `path`. */
export function moduleFromFile(path, file) {
  return { path, contents: readFileSync(file, "utf8") };
}

/**
 * Start workerd with `modules`, the first being the worker's entry. No `nodejs_compat` flag:
 * a bundle that needs Node's built-ins fails to load, which is the point.
 */
export function startWorker(modules, options = {}) {
  return new Miniflare({
    ...options,
    modulesRoot: ROOT,
    modules: modules.map((m) => ({ type: "ESModule", path: `${ROOT}/${m.path}`, contents: m.contents })),
    compatibilityDate: "2025-09-01",
  });
}
