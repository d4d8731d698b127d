import type { Miniflare } from "miniflare";

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

/** Options passed through to miniflare (bindings, KV namespaces, outbound service, …). */
export type WorkerOptions = Record<string, unknown>;

/** A module whose text is read now from `file` and served to the worker as `path`. */
export declare function moduleFromFile(path: string, file: string): WorkerModule;
/** Start workerd with `modules`, the first being the worker's entry; no `nodejs_compat`. */
export declare function startWorker(modules: readonly WorkerModule[], options?: WorkerOptions): Miniflare;
/** What the worker answers for `cases` with each of its bundles, "full" and "lean". */
export declare function answersPerBundle<A>(worker: Miniflare, cases: object): Promise<Record<"full" | "lean", A[]>>;
