import { TestingError, TestingErrorCode } from "./errors.js";

/** A clock tests control, to pass as `platform` to `createDecider` or `createDecisioningEngine`. */
export interface FrozenClock {
  /** Ms since epoch, as the engine's platform expects. */
  now(): number;
  /** Jump to an instant. */
  set(at: Date | string | number): void;
  /** Move forward by `ms` (backward when negative). */
  advance(ms: number): void;
}

function msOf(at: Date | string | number): number {
  const ms = typeof at === "number" ? at : new Date(at).getTime();
  if (!Number.isFinite(ms))
    throw new TestingError(TestingErrorCode.InvalidArgument, `not a time: ${String(at)} (give an ISO string, a Date or ms since epoch)`);
  return ms;
}

/** A clock stopped at `at` (an ISO string, a Date or ms): `createDecider({ client, artifact, platform: frozenClock("2026-01-30T19:00:00Z") })`. */
export function frozenClock(at: Date | string | number): FrozenClock {
  let current = msOf(at);
  return {
    now: () => current,
    set(next) {
      current = msOf(next);
    },
    advance(ms) {
      current += ms;
    },
  };
}
