import { platformOf, type Platform } from "@decisioning/engine";

/**
 * What the client needs from its host: the engine's platform (clocks, timers, random, ids)
 * without fetch, plus the time zone. Injected so that tests drive time and ids and the same code
 * runs in Node and in edge workers; defaults use web-standard globals only.
 */
export interface ClientPlatform extends Omit<Platform, "fetch"> {
  /** Minutes east of UTC, the reference's default `context.timeOffsetInMinutes`. */
  timeOffsetInMinutes: () => number;
}

/** The host's platform, with any given pieces overriding the web-standard defaults. */
export function clientPlatformOf(overrides: Partial<ClientPlatform> = {}): ClientPlatform {
  const { fetch: _unused, ...engine } = platformOf(overrides);
  return {
    ...engine,
    // `0 - offset` rather than `-offset`: UTC hosts must send 0, not -0.
    timeOffsetInMinutes: overrides.timeOffsetInMinutes ?? (() => 0 - new Date().getTimezoneOffset()),
  };
}
