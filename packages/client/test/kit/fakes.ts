/** Small fakes shared by unit tests: a silent logger that records, and deterministic ids. */
import type { SafeLogger } from "../../src/logger.js";

/** A SafeLogger recording `[level, ...args]`. */
export function fakeSafeLogger(): SafeLogger & { lines: unknown[][] } {
  const lines: unknown[][] = [];
  const at =
    (level: string) =>
    (...args: unknown[]) =>
      void lines.push([level, ...args]);
  return { lines, debugEnabled: true, errorEnabled: true, debug: at("debug"), info: at("info"), warn: at("warn"), error: at("error") };
}

/** Ids `id-1`, `id-2`, … */
export function counterIds(prefix = "id"): () => string {
  let n = 0;
  return () => `${prefix}-${++n}`;
}
