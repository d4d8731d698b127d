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

const HEX = Array.from({ length: 256 }, (_, i) => (i + 0x100).toString(16).slice(1));
const POOL_SIZE = 4096;
let pool = new Uint8Array(0);
let poolOffset = POOL_SIZE;

/**
 * A random version-4 id as 32 hex digits, the form Target uses for request, notification and
 * generated visitor ids. Random bytes are drawn from the platform's CSPRNG
 * a pool at a time: one `getRandomValues` call per id cost a quarter of a decision.
 */
export function randomId(): string {
  if (poolOffset + 16 > pool.length) {
    pool = new Uint8Array(POOL_SIZE);
    globalThis.crypto.getRandomValues(pool);
    poolOffset = 0;
  }
  const b = pool;
  const o = poolOffset;
  poolOffset += 16;
  let out = "";
  for (let i = 0; i < 16; i++) {
    let byte = b[o + i] ?? 0;
    if (i === 6) byte = (byte & 0x0f) | 0x40;
    else if (i === 8) byte = (byte & 0x3f) | 0x80;
    out += HEX[byte];
  }
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
    uuid: overrides.uuid ?? randomId,
  };
}
