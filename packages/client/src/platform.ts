import { randomId } from "@decisioning/engine";

/**
 * What the client needs from its host, injected so that tests drive time and ids and so that
 * the same code runs in Node and in edge workers. Defaults use web-standard globals only.
 */
export interface ClientPlatform {
  /** Wall clock, ms since epoch (cookie expiry, telemetry timestamps). */
  now: () => number;
  /** Monotonic clock in ms, for durations. */
  monotonic: () => number;
  setTimeout: (fn: () => void, ms: number) => unknown;
  clearTimeout: (handle: unknown) => void;
  /** Uniform in [0, 1): supplemental data ids. */
  random: () => number;
  /** A fresh id: 32 lower-case hex digits, as Target's ids. */
  uuid: () => string;
  /** Minutes east of UTC, the reference's default `context.timeOffsetInMinutes`. */
  timeOffsetInMinutes: () => number;
}

/** The host's platform, with any given pieces overriding the web-standard defaults. */
export function clientPlatformOf(overrides: Partial<ClientPlatform> = {}): ClientPlatform {
  const perf = globalThis.performance;
  return {
    now: overrides.now ?? (() => Date.now()),
    monotonic: overrides.monotonic ?? (perf ? () => perf.now() : () => Date.now()),
    setTimeout: overrides.setTimeout ?? ((fn, ms) => globalThis.setTimeout(fn, ms)),
    clearTimeout: overrides.clearTimeout ?? ((handle) => globalThis.clearTimeout(handle as ReturnType<typeof setTimeout>)),
    random: overrides.random ?? Math.random,
    uuid: overrides.uuid ?? randomId,
    // `0 - offset` rather than `-offset`: UTC hosts must send 0, not -0.
    timeOffsetInMinutes: overrides.timeOffsetInMinutes ?? (() => 0 - new Date().getTimezoneOffset()),
  };
}
