/**
 * Visitor allocation: the bucket (0..99.99) a visitor falls into for an activity.
 *
 * Target's Java edge hashes the device key with Guava's `hashUnencodedChars`, which feeds
 * UTF-16 code units to MurmurHash3 x86_32 two at a time. That is the same as hashing the
 * key's UTF-16LE bytes, so the bytes are handed to `murmurhash3js` as a binary string.
 *
 * Nothing is memoized: the reference caches every visitor it ever saw, which grows the heap
 * without bound on a long-lived server.
 */
import * as murmurModule from "murmurhash3js";

// Node's ESM loader exposes this CommonJS package's exports only as `default`; bundlers and
// TypeScript's typings present them as named exports. Accept either shape.
const murmur: typeof murmurModule = (murmurModule as { default?: typeof murmurModule }).default ?? murmurModule;

const TOTAL_BUCKETS = 10000;
// The salt Target appends to campaign device keys.
const CAMPAIGN_SALT = "0";
// Code units per `String.fromCharCode` call: well under engines' argument-count limits.
const CHUNK = 4096;
const scratch = new Uint16Array(CHUNK * 2);

/** A string whose char codes are the UTF-16LE bytes of `text`. */
function utf16leBytes(text: string): string {
  let bytes = "";
  for (let start = 0; start < text.length; start += CHUNK) {
    const end = Math.min(start + CHUNK, text.length);
    let j = 0;
    for (let i = start; i < end; i++) {
      const unit = text.charCodeAt(i);
      scratch[j++] = unit & 0xff;
      scratch[j++] = unit >>> 8;
    }
    bytes += String.fromCharCode.apply(null, scratch.subarray(0, j) as unknown as number[]);
  }
  return bytes;
}

/** MurmurHash3 x86_32 (seed 0) of a string's UTF-16 code units, as a signed 32-bit integer. */
export function hashUnencodedChars(text: string): number {
  return murmur.x86.hash32(utf16leBytes(text), 0) | 0;
}

/** The device key Target hashes for a visitor in an activity. */
export function deviceKeyOf(client: string, activityId: number | string, visitorId: string): string {
  return `${client}.${activityId}.${visitorId}.${CAMPAIGN_SALT}`;
}

/** The visitor's allocation (0..99.99, two decimals) for an activity, as the reference computes it. */
export function allocationOf(client: string, activityId: number | string, visitorId: string): number {
  const bucket = Math.abs(hashUnencodedChars(deviceKeyOf(client, activityId, visitorId))) % TOTAL_BUCKETS;
  return Math.round((bucket / TOTAL_BUCKETS) * 100 * 100) / 100;
}

/** Request visitor ids that can identify a visitor for allocation. */
export interface VisitorIds {
  marketingCloudVisitorId?: unknown;
  tntId?: unknown;
  thirdPartyId?: unknown;
}

/**
 * The id allocation uses: the first truthy of `marketingCloudVisitorId`, `tntId` up to its
 * first "." (the rest is a location hint; only a string counts), and `thirdPartyId`, as the
 * reference picks it. Undefined when there is none, and also when the pick is not a string
 * (`{marketingCloudVisitorId: 123}`): the reference then hashes a fresh random id rather than
 * falling through to the next field, so the caller must do the same.
 */
export function visitorIdOf(id?: VisitorIds): string | undefined {
  if (id === undefined || id === null) return undefined;
  const { marketingCloudVisitorId, tntId, thirdPartyId } = id;
  let picked: unknown = marketingCloudVisitorId;
  if (!picked && typeof tntId === "string") {
    const dot = tntId.indexOf(".");
    picked = dot < 0 ? tntId : tntId.slice(0, dot);
  }
  if (!picked) picked = thirdPartyId;
  return typeof picked === "string" && picked !== "" ? picked : undefined;
}
