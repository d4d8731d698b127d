/**
 * Visitor allocation: the bucket (0..99.99) a visitor falls into for an activity.
 *
 * Target's Java edge hashes the device key with Guava's `hashUnencodedChars`, which feeds
 * UTF-16 code units to MurmurHash3 x86_32 two at a time (the same as hashing the key's
 * UTF-16LE bytes). This is that loop written over `charCodeAt` directly: going through the
 * murmurhash3js package meant building a byte string per key, a fifth of a page-load
 * decision. The tests check it against murmurhash3js and Adobe's own hash.
 *
 * Nothing is memoized: the reference caches every visitor it ever saw, which grows the heap
 * without bound on a long-lived server.
 */

const TOTAL_BUCKETS = 10000;
// The salt Target appends to campaign device keys.
const CAMPAIGN_SALT = "0";
const C1 = 0xcc9e2d51;
const C2 = 0x1b873593;

function scramble(block: number): number {
  let k = Math.imul(block, C1);
  k = (k << 15) | (k >>> 17);
  return Math.imul(k, C2);
}

/** MurmurHash3 x86_32 (seed 0) of a string's UTF-16 code units, as a signed 32-bit integer. */
export function hashUnencodedChars(text: string): number {
  const length = text.length;
  const paired = length & ~1;
  let h = 0;
  for (let i = 0; i < paired; i += 2) {
    h ^= scramble(text.charCodeAt(i) | (text.charCodeAt(i + 1) << 16));
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  if (paired !== length) h ^= scramble(text.charCodeAt(paired));
  // The length mixed in is in bytes: two per code unit.
  h ^= length * 2;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h | 0;
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
