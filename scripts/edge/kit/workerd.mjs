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

/**
 * What the worker answers for `cases` with each bundle it holds ("full", then "lean"): the edge
 * tests of every package post the same cases to their worker once per bundle.
 */
export async function answersPerBundle(worker, cases) {
  const answers = {};
  for (const bundle of ["full", "lean"]) {
    const response = await worker.dispatchFetch("http://edge.test/", { method: "POST", body: JSON.stringify({ bundle, ...cases }) });
    answers[bundle] = await response.json();
  }
  return answers;
}
