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
  for (let i = 0; i < paired; i += 2) h = mixBlock(h, scramble(text.charCodeAt(i) | (text.charCodeAt(i + 1) << 16)));
  if (paired !== length) h ^= scramble(text.charCodeAt(paired));
  return finish(h, length);
}

function mixBlock(h: number, scrambled: number): number {
  h ^= scrambled;
  h = (h << 13) | (h >>> 19);
  return (Math.imul(h, 5) + 0xe6546b64) | 0;
}

function finish(h: number, units: number): number {
  // The length mixed in is in bytes: two per code unit.
  h ^= units * 2;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h | 0;
}

function allocationOfHash(hash: number): number {
  const bucket = Math.abs(hash) % TOTAL_BUCKETS;
  return Math.round((bucket / TOTAL_BUCKETS) * 100 * 100) / 100;
}

/**
 * The constant head of an activity's device keys (`client.activityId.`), hashed once: the
 * state after its whole blocks, and its last code unit when one is left over. A page load
 * hashes one key per activity, so redoing the head for every visitor was most of the work.
 */
export interface KeyHead {
  readonly h: number;
  readonly units: number;
  /** The head's unpaired last code unit, or -1 when the head fills whole blocks. */
  readonly pending: number;
}

/** Hash the head of the device keys of one activity. */
export function keyHeadOf(client: string, activityId: number | string): KeyHead {
  const head = `${client}.${activityId}.`;
  const units = head.length;
  const paired = units & ~1;
  let h = 0;
  for (let i = 0; i < paired; i += 2) h = mixBlock(h, scramble(head.charCodeAt(i) | (head.charCodeAt(i + 1) << 16)));
  return { h, units, pending: paired === units ? -1 : head.charCodeAt(paired) };
}

/** The code units that follow the visitor id in every device key: `.` and the salt. */
const TAIL_SUFFIX = Array.from(`.${CAMPAIGN_SALT}`, (unit) => unit.charCodeAt(0));

/**
 * A visitor's tail of every device key (`visitorId.0`). The first activity that needs an
 * alignment (a head of even or odd length) scrambles the tail's blocks while it mixes them in,
 * and keeps them, so that each further activity only mixes. The tail is read from the id
 * itself: a joined string must be flattened by V8 before it can be read, and copying the code
 * units out costs a pass of its own.
 */
export class KeyTail {
  private id = "";
  private length = 0;
  /** Scrambled blocks from offset 0 and from offset 1, in reused typed arrays. */
  private even = new Int32Array(32);
  private odd = new Int32Array(32);
  private evenCount = -1;
  private oddCount = -1;

  /** Point at a new visitor; blocks are scrambled lazily, per alignment actually needed. */
  reset(visitorId: string): void {
    this.id = visitorId;
    this.length = visitorId.length + TAIL_SUFFIX.length;
    this.evenCount = -1;
    this.oddCount = -1;
  }

  /** Code unit `at` of the tail. */
  private unit(at: number): number {
    const id = this.id;
    return at < id.length ? id.charCodeAt(at) : (TAIL_SUFFIX[at - id.length] as number);
  }

  /** The visitor's allocation in the activity whose key head is given. */
  allocation(head: KeyHead): number {
    const length = this.length;
    let h = head.h;
    if (head.pending < 0) {
      h = this.evenCount < 0 ? this.scrambleAndMix(h, 0) : mixAll(h, this.even, this.evenCount);
      if (length & 1) h ^= scramble(this.unit(length - 1));
    } else {
      h = mixBlock(h, scramble(head.pending | (this.unit(0) << 16)));
      h = this.oddCount < 0 ? this.scrambleAndMix(h, 1) : mixAll(h, this.odd, this.oddCount);
      if (!(length & 1)) h ^= scramble(this.unit(length - 1));
    }
    return allocationOfHash(finish(h, head.units + length));
  }

  /** Scramble the blocks from `from`, keeping them for later activities, and mix them into `h`. */
  private scrambleAndMix(h: number, from: number): number {
    const id = this.id;
    const count = (this.length - from) >> 1;
    let blocks = from === 0 ? this.even : this.odd;
    if (blocks.length < count) {
      blocks = new Int32Array(count * 2);
      if (from === 0) this.even = blocks;
      else this.odd = blocks;
    }
    // Blocks wholly inside the id read it directly; the last one or two reach into the suffix.
    const inside = Math.max(0, (id.length - from) >> 1);
    let i = 0;
    for (let at = from; i < inside; i++, at += 2) {
      const block = scramble(id.charCodeAt(at) | (id.charCodeAt(at + 1) << 16));
      blocks[i] = block;
      h = mixBlock(h, block);
    }
    for (let at = from + 2 * i; i < count; i++, at += 2) {
      const block = scramble(this.unit(at) | (this.unit(at + 1) << 16));
      blocks[i] = block;
      h = mixBlock(h, block);
    }
    if (from === 0) this.evenCount = count;
    else this.oddCount = count;
    return h;
  }
}

function mixAll(h: number, blocks: Int32Array, count: number): number {
  for (let i = 0; i < count; i++) h = mixBlock(h, blocks[i] as number);
  return h;
}

/** The device key Target hashes for a visitor in an activity. */
export function deviceKeyOf(client: string, activityId: number | string, visitorId: string): string {
  return `${client}.${activityId}.${visitorId}.${CAMPAIGN_SALT}`;
}

/** The visitor's allocation (0..99.99, two decimals) for an activity, as the reference computes it. */
export function allocationOf(client: string, activityId: number | string, visitorId: string): number {
  return allocationOfHash(hashUnencodedChars(deviceKeyOf(client, activityId, visitorId)));
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
