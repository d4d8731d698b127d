import type { Logger } from "../types.js";

/** A logger whose every method exists and never throws. */
export interface SafeLogger {
  debug(...args: unknown[]): void;
  info(...args: unknown[]): void;
  warn(...args: unknown[]): void;
  error(...args: unknown[]): void;
  /** Whether the user logger has `debug`, so callers can skip building costly debug output. */
  readonly debugEnabled: boolean;
  /** Whether the user logger has `error`. */
  readonly errorEnabled: boolean;
}

const LEVELS = ["debug", "info", "warn", "error"] as const;

/**
 * Wrap a user logger so that missing methods are no-ops and a throwing logger cannot break a
 * decision. Without a logger nothing is logged. A `prefix` (the client's `AT:`, as the
 * reference writes it) leads every line so that Target's output can be filtered in shared logs.
 */
export function safeLogger(logger: Logger | undefined, prefix?: string): SafeLogger {
  const safe = {
    debugEnabled: typeof logger?.debug === "function",
    errorEnabled: typeof logger?.error === "function",
  } as { -readonly [K in keyof SafeLogger]: SafeLogger[K] };
  for (const level of LEVELS) {
    safe[level] = (...args: unknown[]) => {
      const method = logger?.[level];
      if (typeof method !== "function") return;
      try {
        method.apply(logger, prefix === undefined ? args : [prefix, ...args]);
      } catch {
        // A broken logger must not take the host down with it.
      }
    };
  }
  return safe;
}
