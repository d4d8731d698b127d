/** Bounds of a retry backoff, in ms. */
export interface BackoffOptions {
  /** The smallest delay, and the scale of the first ones (default 1000). */
  initialMs?: number;
  /** No delay is longer than this (default 300000). */
  maxMs?: number;
}

/** A stateful retry delay sequence. */
export interface Backoff {
  /** The delay before the next retry; grows with each call until `reset`. */
  next(): number;
  /** Forget past failures: the next delay is short again. */
  reset(): void;
  /** Failures counted since the last reset. */
  readonly failures: number;
}

/** Default first retry delay. */
export const DEFAULT_BACKOFF_INITIAL_MS = 1000;
/** Default longest retry delay (the default polling interval). */
export const DEFAULT_BACKOFF_MAX_MS = 300000;

/**
 * Exponential backoff with decorrelated jitter: each delay is drawn uniformly between
 * `initialMs` and three times the previous delay, capped at `maxMs`. Jitter keeps a fleet of
 * processes that lost the CDN at the same moment from retrying in lockstep, and unlike "full"
 * jitter no delay is ever shorter than `initialMs`, so a broken CDN is never hammered.
 */
export function createBackoff(random: () => number, options: BackoffOptions = {}): Backoff {
  const initial = positive(options.initialMs, DEFAULT_BACKOFF_INITIAL_MS);
  const max = Math.max(initial, positive(options.maxMs, DEFAULT_BACKOFF_MAX_MS));
  let previous = initial;
  let failures = 0;
  return {
    next() {
      failures += 1;
      const upper = Math.min(max, previous * 3);
      // A broken `random` (NaN, out of range) must not produce a zero or NaN delay.
      const r = clamp01(random());
      previous = Math.min(max, initial + r * (upper - initial));
      return Math.round(previous);
    },
    reset() {
      previous = initial;
      failures = 0;
    },
    get failures() {
      return failures;
    },
  };
}

function positive(value: number | undefined, fallback: number): number {
  return typeof value === "number" && Number.isFinite(value) && value > 0 ? value : fallback;
}

function clamp01(value: number): number {
  if (!(value > 0)) return 0;
  return value >= 1 ? 1 : value;
}
