/**
 * Traffic splits as exact sets of buckets. A visitor's allocation is one of 10000 values
 * (bucket / 100, two decimals), so a split condition is known exactly by evaluating it, with
 * the engine's compiler, at every one of them: inclusive and exclusive bounds, either operand
 * order, `or`s and `!`s all come out right without parsing comparisons.
 */
import { internal } from "@decisioning/engine";
import { conjunctsOf, evaluate, isAllocationOnly, logicKey, varsOf } from "./logic.js";

const { truthy } = internal;

/** How many allocation values there are. */
export const BUCKETS = 10000;

/** The allocation value of a bucket, computed as the engine computes it from a hash. */
export function allocationValueOf(bucket: number): number {
  return Math.round((bucket / BUCKETS) * 100 * 100) / 100;
}

/** The bucket of an allocation value (0..99.99), or undefined for a value no visitor gets. */
export function bucketOf(allocation: number): number | undefined {
  const bucket = Math.round(allocation * 100);
  return bucket >= 0 && bucket < BUCKETS && allocationValueOf(bucket) === allocation ? bucket : undefined;
}

/** A set of buckets. */
export type Buckets = Uint8Array;

/** Every bucket. */
export function allBuckets(): Buckets {
  return new Uint8Array(BUCKETS).fill(1);
}

const cache = new Map<string, Buckets>();

/** The buckets for which every given allocation-only expression is truthy. */
export function bucketsWhere(expressions: readonly unknown[]): Buckets {
  const key = expressions.map(logicKey).join("&");
  const cached = cache.get(key);
  if (cached) return cached;
  const result = new Uint8Array(BUCKETS);
  const data = { allocation: 0 };
  for (let bucket = 0; bucket < BUCKETS; bucket++) {
    data.allocation = allocationValueOf(bucket);
    let holds = true;
    for (const expr of expressions) {
      let value: unknown;
      try {
        value = evaluate(expr, data);
      } catch {
        value = false;
      }
      // Conjuncts are combined by `and`, which judges them by json-logic truthiness.
      if (!truthy(value)) {
        holds = false;
        break;
      }
    }
    result[bucket] = holds ? 1 : 0;
  }
  if (cache.size > 1000) cache.clear();
  cache.set(key, result);
  return result;
}

/** A condition split into its traffic split and the rest (the audience). */
export interface SplitCondition {
  /** Conjuncts that read only `allocation`. */
  split: unknown[];
  /** Every other conjunct. */
  audience: unknown[];
  /** The buckets the split admits, or undefined when the condition has no split. */
  buckets: Buckets | undefined;
}

/** True for a conjunct that reads nothing and always holds, such as `true`: it restricts nobody. */
function alwaysHolds(conjunct: unknown): boolean {
  if (varsOf(conjunct).length > 0) return false;
  try {
    return truthy(evaluate(conjunct, {}));
  } catch {
    return false;
  }
}

/** Separate a rule condition's traffic split from its audience; conjuncts that always hold are dropped. */
export function splitConditionOf(condition: unknown): SplitCondition {
  const split: unknown[] = [];
  const audience: unknown[] = [];
  for (const conjunct of conjunctsOf(condition)) {
    if (alwaysHolds(conjunct)) continue;
    (isAllocationOnly(conjunct) ? split : audience).push(conjunct);
  }
  return { split, audience, buckets: split.length > 0 ? bucketsWhere(split) : undefined };
}

/** How many buckets a set holds. */
export function countOf(buckets: Buckets): number {
  let count = 0;
  for (let i = 0; i < BUCKETS; i++) count += buckets[i] as number;
  return count;
}

/** The union of sets. */
export function union(sets: readonly Buckets[]): Buckets {
  const result = new Uint8Array(BUCKETS);
  for (const set of sets) for (let i = 0; i < BUCKETS; i++) if (set[i]) result[i] = 1;
  return result;
}

/** The intersection of two sets. */
export function intersect(a: Buckets, b: Buckets): Buckets {
  const result = new Uint8Array(BUCKETS);
  for (let i = 0; i < BUCKETS; i++) result[i] = a[i] && b[i] ? 1 : 0;
  return result;
}

/** The buckets not in a set. */
export function complement(set: Buckets): Buckets {
  const result = new Uint8Array(BUCKETS);
  for (let i = 0; i < BUCKETS; i++) result[i] = set[i] ? 0 : 1;
  return result;
}

/** True when every bucket of `inner` is in `outer`. */
export function covers(outer: Buckets, inner: Buckets): boolean {
  for (let i = 0; i < BUCKETS; i++) if (inner[i] && !outer[i]) return false;
  return true;
}

/** True when two sets hold the same buckets. */
export function sameBuckets(a: Buckets, b: Buckets): boolean {
  for (let i = 0; i < BUCKETS; i++) if (Boolean(a[i]) !== Boolean(b[i])) return false;
  return true;
}

/** An inclusive run of allocation values, e.g. 0 to 49.99. */
export interface AllocationInterval {
  from: number;
  to: number;
}

/** A set of buckets as allocation intervals and a share of traffic. */
export interface AllocationRange {
  intervals: AllocationInterval[];
  /** Percent of visitors, two decimals. */
  percent: number;
}

/** The intervals and share of a set. */
export function rangeOf(set: Buckets): AllocationRange {
  const intervals: AllocationInterval[] = [];
  let start = -1;
  for (let i = 0; i <= BUCKETS; i++) {
    const inside = i < BUCKETS && set[i] === 1;
    if (inside && start < 0) start = i;
    if (!inside && start >= 0) {
      intervals.push({ from: allocationValueOf(start), to: allocationValueOf(i - 1) });
      start = -1;
    }
  }
  return { intervals, percent: Math.round((countOf(set) / BUCKETS) * 100 * 100) / 100 };
}

/** "0–49.99 (50%)", "none", or "all". */
export function formatRange(range: AllocationRange): string {
  if (range.intervals.length === 0) return "none (0%)";
  const text = range.intervals.map(({ from, to }) => (from === to ? `${from.toFixed(2)}` : `${from.toFixed(2)}–${to.toFixed(2)}`));
  return `${text.join(", ")} (${range.percent}%)`;
}
