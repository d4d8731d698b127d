// Starting workerd (through miniflare) on modules held in memory.
import { readFileSync } from "node:fs";
import { Miniflare, type WorkerOptions as MiniflareWorkerOptions } from "miniflare";

/** An ES module handed to workerd: its path inside the worker and its source text. */
export interface WorkerModule {
  path: string;
  contents: string;
}

/** Records of a KV namespace as the tests use them. */
export interface TestKv {
  get(key: string): Promise<string | null>;
  put(key: string, value: string): Promise<void>;
}

/** Options passed through to miniflare (bindings, KV namespaces, outbound service, …); the modules and the date are this kit's. */
export type WorkerOptions = Omit<MiniflareWorkerOptions, "modules" | "modulesRoot" | "compatibilityDate">;

// Workers resolve module paths relative to this virtual root; nothing is read from disk by workerd.
const ROOT = "/worker";

/** A module whose text is read now from `file` and served to the worker as `path`. */
export function moduleFromFile(path: string, file: string): WorkerModule {
  return { path, contents: readFileSync(file, "utf8") };
}

/**
 * Start workerd with `modules`, the first being the worker's entry. No `nodejs_compat` flag:
 * a bundle that needs Node's built-ins fails to load, which is the point.
 */
export function startWorker(modules: readonly WorkerModule[], options: WorkerOptions = {}): Miniflare {
  return new Miniflare({
    ...options,
    modulesRoot: ROOT,
    modules: modules.map((m) => ({ type: "ESModule" as const, path: `${ROOT}/${m.path}`, contents: m.contents })),
    compatibilityDate: "2025-09-01",
  });
}

/**
 * What the worker answers for `cases` with each bundle it holds ("full", then "lean"): the edge
 * tests of every package post the same cases to their worker once per bundle.
 */
export async function answersPerBundle<A>(worker: Miniflare, cases: object): Promise<Record<"full" | "lean", A[]>> {
  const answers: Partial<Record<"full" | "lean", A[]>> = {};
  for (const bundle of ["full", "lean"] as const) {
    const response = await worker.dispatchFetch("http://edge.test/", { method: "POST", body: JSON.stringify({ bundle, ...cases }) });
    answers[bundle] = (await response.json()) as A[];
  }
  return answers as Record<"full" | "lean", A[]>;
}
