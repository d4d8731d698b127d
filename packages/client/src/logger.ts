/**
 * The client's logger: the engine's safe wrapper (missing methods are no-ops, a throwing logger
 * is ignored), every line led by `AT:` as the reference writes it.
 */
import { internal, type Logger } from "@decisioning/engine";

const { safeLogger } = internal;
type SafeLogger = internal.SafeLogger;

export type { Logger, SafeLogger };

// The reference prefixes every line so Target's output can be filtered in shared logs.
const PREFIX = "AT:";

/** Wrap a user logger for the client. */
export function clientLogger(logger: Logger | undefined): SafeLogger {
  return safeLogger(logger, PREFIX);
}
