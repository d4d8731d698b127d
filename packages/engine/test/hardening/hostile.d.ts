/**
 * Hostile input for the hardening tests of every package: strings, keys, nesting, a realistic
 * request to mutate, random mutations at random paths, prototype snapshots and a stopwatch.
 * Plain JavaScript with declarations beside it (hostile.d.ts), so that other packages' tests
 * can import it without compiling another package's sources.
 */
import fc from "fast-check";
type Dict = Record<string, unknown>;

/** Keys that reach into prototypes when code assigns or reads them carelessly. */
export declare const PROTOTYPE_KEYS: readonly ["__proto__", "constructor", "prototype", "toString", "valueOf", "hasOwnProperty", "__defineGetter__"];

/** Store a key as an own data property (plain assignment of `__proto__` would set the prototype). */
export declare function setOwn(target: object, key: string, value: unknown): void;

/** `value` wrapped `levels` times in objects (under `key`) or arrays, built without recursion. */
export declare function nested(levels: number, value: unknown, shape?: "object" | "array" | "proto"): unknown;

/** Strings an attacker might send in any field (never longer than the default limits). */
export declare const hostileString: fc.Arbitrary<string>;

/** Object keys an attacker might send, prototype names included. */
export declare const hostileKey: fc.Arbitrary<string>;

/** Any JSON value whose objects may carry prototype keys at every depth. */
export declare const hostileJson: fc.Arbitrary<unknown>;

/**
 * A deeply nested value, described rather than built: counterexamples print as `nested(n)`
 * (printing 20,000 levels would overflow the reporter) and {@link materialize} builds it.
 */
export declare class Deep {
  [fc.toStringMethod]: () => string;
  readonly levels: number;
  readonly shape: "object" | "array" | "proto";
  constructor(levels: number, shape: "object" | "array" | "proto");
}

/** The value itself, or the nesting a {@link Deep} describes. */
export declare function materialize(value: unknown): unknown;

/** A deeply nested value (up to 20,000 levels); pass through {@link materialize} before use. */
export declare const deepValue: fc.Arbitrary<unknown>;

/** Any value a JSON body could hold in a field: hostile strings, JSON, deep nesting. */
export declare const hostileValue: fc.Arbitrary<unknown>;

/** A request that uses every field the engine reads, as a starting point for mutations. */
export declare function fullRequest(mboxNames?: readonly string[], viewNames?: readonly string[]): Dict;

/** How one mutation changes the value at its path. */
export type MutationKind = "replace" | "delete" | "add-key" | "wrap-deep" | "to-array" | "to-string";

/** One mutation: a path chosen by index among the value's paths, a kind, and a hostile value. */
export interface Mutation {
  at: number;
  kind: MutationKind;
  key: string;
  value: unknown;
  levels: number;
}

/** Random mutations of a JSON document (apply with {@link applyMutations}). */
export declare const mutations: fc.Arbitrary<Mutation[]>;

/** Every path to a value inside `root` (not `root` itself), walked without recursion, at most `limit`. */
export declare function pathsOf(root: unknown, limit?: number): Array<Array<string | number>>;

/** Apply mutations to a fresh copy of `document` (which must be plain JSON) and return it. */
export declare function applyMutations<T>(document: T, list: readonly Mutation[]): T;

/** Own property names and values of the built-in prototypes, to compare before and after. */
export type PrototypeSnapshot = Map<string, Map<string, unknown>>;

/** Take a {@link PrototypeSnapshot}. */
export declare function prototypeSnapshot(): PrototypeSnapshot;

/** Fail if any built-in prototype gained, lost or changed a member since `before`. */
export declare function expectPrototypesUntouched(before: PrototypeSnapshot): void;

/** Run `work`, returning its outcome and the milliseconds it took; work overrunning `bound` (default REQUEST_TIME_BOUND_MS) runs again and the faster run counts. */
export declare function timed<T>(
  work: () => T,
  bound?: number,
): {
  value?: T;
  error?: unknown;
  ms: number;
};

/** Await `work`, returning its outcome and the milliseconds it took; an overrun is retried as in `timed`. */
export declare function timedAsync<T>(
  work: () => Promise<T>,
  bound?: number,
): Promise<{
  value?: T;
  error?: unknown;
  ms: number;
}>;

/** Generous bound on one request of hostile input, in ms: catches hangs, not slowness. */
export declare const REQUEST_TIME_BOUND_MS = 1000;

/** Runs per property: bounded so that `pnpm test` stays quick; raise with HARDENING_RUNS. */
export declare const RUNS: any;
export {};
