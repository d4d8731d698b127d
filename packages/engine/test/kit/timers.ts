import type { Platform } from "../../src/index.js";

/** Real timers that count what is pending: proves that nothing is left behind. */
export interface TrackedTimers extends Pick<Platform, "setTimeout" | "clearTimeout"> {
  /** Timers set and neither fired nor cleared. */
  live(): number;
  /** Delays of every timer set so far, in order. */
  readonly delays: number[];
}

/** Wrap the global timers so a test can count live ones (pass as `platform`). */
export function trackedTimers(): TrackedTimers {
  const pending = new Set<ReturnType<typeof setTimeout>>();
  const delays: number[] = [];
  return {
    setTimeout(fn, ms) {
      delays.push(ms);
      const handle = globalThis.setTimeout(() => {
        pending.delete(handle);
        fn();
      }, ms);
      pending.add(handle);
      return handle;
    },
    clearTimeout(handle) {
      pending.delete(handle as ReturnType<typeof setTimeout>);
      globalThis.clearTimeout(handle as ReturnType<typeof setTimeout>);
    },
    live: () => pending.size,
    delays,
  };
}

/** Wait `ms` of real time. */
export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Poll `check` every few ms until it holds; rejects after `timeoutMs` (default 5000). */
export async function until(check: () => boolean, timeoutMs = 5000, what = "condition"): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(5);
  }
}
