import type { Logger } from "../types.js";

/** A logger whose every method exists and never throws. */
export interface SafeLogger {
  debug(...args: unknown[]): void;
  info(...args: unknown[]): void;
  warn(...args: unknown[]): void;
  error(...args: unknown[]): void;
}

const LEVELS = ["debug", "info", "warn", "error"] as const;

/**
 * Wrap a user logger so that missing methods are no-ops and a throwing logger cannot break a
 * decision. Without a logger nothing is logged.
 */
export function safeLogger(logger: Logger | undefined): SafeLogger {
  const safe = {} as SafeLogger;
  for (const level of LEVELS) {
    safe[level] = (...args: unknown[]) => {
      const method = logger?.[level];
      if (typeof method !== "function") return;
      try {
        method.apply(logger, args);
      } catch {
        // A broken logger must not take the host down with it.
      }
    };
  }
  return safe;
}
