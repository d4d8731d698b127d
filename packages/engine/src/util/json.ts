/**
 * Copy a JSON-like value into fresh objects and arrays. Responses must never share objects
 * with the artifact (callers mutate responses), and a hand-written walk is several times
 * faster than a JSON round trip. Like that round trip, `undefined` members are dropped.
 */
export function copyJson<T>(value: T): T {
  if (typeof value !== "object" || value === null) return value;
  if (Array.isArray(value)) {
    const out = new Array(value.length);
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      out[i] = item === undefined ? null : copyJson(item);
    }
    return out as T;
  }
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    const item = (value as Record<string, unknown>)[key];
    if (item === undefined || typeof item === "function") continue;
    defineOwn(out, key, copyJson(item));
  }
  return out as T;
}

/**
 * Set a key as an own data property. Plain assignment of `__proto__` would replace the
 * object's prototype instead of storing a value; keys come from untrusted input.
 */
export function defineOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === "__proto__") {
    Object.defineProperty(target, key, { value, writable: true, enumerable: true, configurable: true });
  } else {
    target[key] = value;
  }
}

/** True for non-null objects that are not arrays. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Own-property read: never reaches into `Object.prototype`. */
export function ownValue(target: unknown, key: string): unknown {
  return isRecord(target) && Object.prototype.hasOwnProperty.call(target, key) ? target[key] : undefined;
}

/**
 * A shallow copy of `from`'s own keys, in order, for the caller to set keys on. When every key
 * to be set is already there (`keysPresent`) it is a spread; otherwise it is built key by key:
 * adding a key to a spread copy costs V8 a slow map transition (~0.5 µs), far more than the loop.
 */
export function copyToSet(from: Record<string, unknown>, keysPresent: boolean): Record<string, unknown> {
  if (keysPresent) return { ...from };
  const copy: Record<string, unknown> = {};
  for (const key in from) if (hasOwn(from, key)) defineOwn(copy, key, from[key]);
  return copy;
}

/** A shallow copy of `source` with `overrides` set, keys in the order `{...source, ...overrides}` gives. */
export function copyWith<T extends object>(source: object | undefined, overrides: Partial<T>): T {
  const from = source as Record<string, unknown> | undefined;
  const given = overrides as Record<string, unknown>;
  if (from === undefined || from === null) return { ...given } as T;
  // Loops rather than Object.keys(...).every(...): this runs several times per decision.
  let allPresent = true;
  for (const key in given) {
    if (hasOwn(given, key) && !hasOwn(from, key)) {
      allPresent = false;
      break;
    }
  }
  const copy = copyToSet(from, allPresent);
  for (const key in given) if (hasOwn(given, key)) defineOwn(copy, key, given[key]);
  return copy as T;
}

/** Whether `key` is an own property of `target` (never one inherited from a prototype). */
export function hasOwn(target: object, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(target, key);
}
