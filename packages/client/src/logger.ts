/** A user logger: any of the four methods may be missing (the reference only uses `debug` and `error`). */
export interface Logger {
  debug?: (...args: unknown[]) => void;
  info?: (...args: unknown[]) => void;
  warn?: (...args: unknown[]) => void;
  error?: (...args: unknown[]) => void;
}

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

// The reference prefixes every line so Target's output can be filtered in shared logs.
const PREFIX = "AT:";
const LEVELS = ["debug", "info", "warn", "error"] as const;

/** Wrap a user logger: missing methods are no-ops and a throwing logger cannot break a request. */
export function safeLogger(logger: Logger | undefined): SafeLogger {
  const safe = { debugEnabled: typeof logger?.debug === "function", errorEnabled: typeof logger?.error === "function" } as { -readonly [K in keyof SafeLogger]: SafeLogger[K] };
  for (const level of LEVELS) {
    safe[level] = (...args: unknown[]) => {
      const method = logger?.[level];
      if (typeof method !== "function") return;
      try {
        method.apply(logger, [PREFIX, ...args]);
      } catch {
        // A broken logger must not take the host down with it.
      }
    };
  }
  return safe;
}
