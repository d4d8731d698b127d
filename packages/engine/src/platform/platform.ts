import type { FetchApi } from "../types.js";

/**
 * Everything the engine needs from its host, injected so that the core stays free of I/O and
 * tests can drive time and randomness. Defaults use web-standard globals only.
 */
export interface Platform {
  /** A WHATWG fetch (plain or async function). */
  fetch: FetchApi | undefined;
  /** Wall clock, ms since epoch. */
  now: () => number;
  /** Monotonic high-resolution clock in ms, for durations. */
  monotonic: () => number;
  setTimeout: (fn: () => void, ms: number) => unknown;
  clearTimeout: (handle: unknown) => void;
  /** Uniform in [0, 1): used for backoff jitter. */
  random: () => number;
  /** A fresh id: 32 lower-case hex digits, as Target's ids. */
  uuid: () => string;
}

function defaultUuid(): string {
  const bytes = new Uint8Array(16);
  globalThis.crypto.getRandomValues(bytes);
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x40;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  let out = "";
  for (const byte of bytes) out += (byte + 0x100).toString(16).slice(1);
  return out;
}

/** The host's platform, with any given pieces overriding the web-standard defaults. */
export function platformOf(overrides: Partial<Platform> = {}): Platform {
  const globalFetch = typeof globalThis.fetch === "function" ? (globalThis.fetch.bind(globalThis) as unknown as FetchApi) : undefined;
  const perf = globalThis.performance;
  return {
    fetch: overrides.fetch ?? globalFetch,
    now: overrides.now ?? (() => Date.now()),
    monotonic: overrides.monotonic ?? (perf ? () => perf.now() : () => Date.now()),
    setTimeout: overrides.setTimeout ?? ((fn, ms) => globalThis.setTimeout(fn, ms)),
    clearTimeout: overrides.clearTimeout ?? ((handle) => globalThis.clearTimeout(handle as ReturnType<typeof setTimeout>)),
    random: overrides.random ?? Math.random,
    uuid: overrides.uuid ?? defaultUuid,
  };
}
