import type { FetchApi, Platform } from "../types.js";

const IDS_PER_BATCH = 256;
const randomBytes = new Uint8Array(IDS_PER_BATCH * 16);
/** Each byte's two hex digits as ASCII, packed so one 16-bit store writes both in memory order. */
const HEX_PAIRS = new Uint16Array(256);
{
  const bytes = new Uint8Array(HEX_PAIRS.buffer);
  for (let byte = 0; byte < 256; byte++) {
    const digits = (byte + 0x100).toString(16).slice(1);
    bytes[2 * byte] = digits.charCodeAt(0);
    bytes[2 * byte + 1] = digits.charCodeAt(1);
  }
}
const hexPairs = new Uint16Array(IDS_PER_BATCH * 16);
const asciiDecoder = new TextDecoder();
let batch = "";
let nextInBatch = IDS_PER_BATCH;

/** Fill a batch of ids as one hex string, version and variant bits already set. */
function refillBatch(): void {
  globalThis.crypto.getRandomValues(randomBytes);
  for (let i = 6; i < randomBytes.length; i += 16) {
    randomBytes[i] = ((randomBytes[i] as number) & 0x0f) | 0x40;
    randomBytes[i + 2] = ((randomBytes[i + 2] as number) & 0x3f) | 0x80;
  }
  for (let i = 0; i < randomBytes.length; i++) hexPairs[i] = HEX_PAIRS[randomBytes[i] as number] as number;
  batch = asciiDecoder.decode(hexPairs);
  nextInBatch = 0;
}

/**
 * A random version-4 id as 32 hex digits, the form Target uses for request, notification and
 * generated visitor ids. A page load needs two dozen; drawing CSPRNG bytes and hex-encoding
 * them a batch at a time, then slicing each id out, costs a third of building each one by
 * concatenation (a slice holds on to its 8 KB batch string while it lives).
 */
export function randomId(): string {
  if (nextInBatch === IDS_PER_BATCH) refillBatch();
  const offset = nextInBatch++ * 32;
  return batch.slice(offset, offset + 32);
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
