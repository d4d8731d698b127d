/** Constructors of {@link Fault}s: `cdn.fail(fault.status(503), 2)`. */
import type { Fault } from "./types.js";

/** Make a {@link Fault}. */
export const fault = {
  /** Answer with `status` and `body` (default a `{status, message}` JSON body; none for 204 and 304). */
  status: (status: number, body?: unknown): Fault => (body === undefined ? { type: "status", status } : { type: "status", status, body }),
  /** Answer `status` (default 200) with this body instead of the server's own: a string as is (e.g. invalid JSON), any other value as JSON. */
  body: (body: unknown, status = 200): Fault => ({ type: "status", status, body }),
  /** Give the server's own answer after `ms`, or once `until` has settled (e.g. a gate the test opens). */
  delay: (msOrUntil: number | PromiseLike<unknown>): Fault =>
    typeof msOrUntil === "number" ? { type: "delay", ms: msOrUntil } : { type: "delay", until: msOrUntil },
  /** Never answer (until the client gives up or the server closes). */
  hang: (): Fault => ({ type: "hang" }),
  /** Close the connection without answering. */
  drop: (): Fault => ({ type: "drop" }),
  /** Send the server's own answer with its full `Content-Length` but only `bytes` of the body (default half), then close. */
  truncate: (bytes?: number): Fault => (bytes === undefined ? { type: "truncate" } : { type: "truncate", bytes }),
  /** Send the first `bytes` (default 10) of the server's own answer, then stall `ms` before the rest. */
  stall: (ms: number, bytes?: number): Fault => (bytes === undefined ? { type: "stall", ms } : { type: "stall", ms, bytes }),
} as const;
