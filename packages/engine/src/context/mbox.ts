/**
 * The `mbox.*` context: a request item's parameters with dotted keys expanded into nested
 * objects and every string value repeated as `<key>_lc`, lower-cased.
 *
 * The output equals the reference's `createMboxContext` (same keys, values, key order and
 * overwrite quirks) with three deliberate differences, all on inputs where the reference
 * misbehaves:
 * - Keys are stored as own data properties and only own properties are read, so
 *   `__proto__`, `constructor`, `prototype` or `toString` segments are ordinary keys; the
 *   reference walks into `Object.prototype` and pollutes the whole process.
 * - A dotted key whose path runs into a string, number or boolean (`{"a": "x", "a.b": 1}`)
 *   is dropped; the reference throws a TypeError and fails the whole request. So is a
 *   write of `length` into an array value, which the reference turns into a RangeError or
 *   a truncated array.
 * - The caller's parameter objects are copied before a dotted key writes into them; the
 *   reference mutates them in place.
 */

type Dict = Record<string, unknown>;

/** Store `value` under `key` as an own data property, even for `__proto__`. */
function setOwn(target: object, key: string, value: unknown): void {
  if (key === "__proto__") {
    Object.defineProperty(target, key, { value, writable: true, enumerable: true, configurable: true });
  } else {
    (target as Dict)[key] = value;
  }
}

/** Read an own property only: inherited members must never be mistaken for parameters. */
function getOwn(target: object, key: string): unknown {
  return Object.hasOwn(target, key) ? (target as Dict)[key] : undefined;
}

/** lodash `isPlainObject` for the values that can occur here (JSON and our own objects). */
function isPlainObject(value: unknown): value is Dict {
  if (typeof value !== "object" || value === null) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === null || proto === Object.prototype;
}

/** A dotted key is expanded unless it has an empty segment at either end or inside. */
function isExpandable(key: string): boolean {
  return key.includes(".") && !key.includes("..") && !key.startsWith(".") && !key.endsWith(".");
}

/** Copy of a caller's container that is safe to write into, or undefined if it is not one. */
function writableCopy(value: object): object | undefined {
  if (Array.isArray(value)) return value.slice();
  if (!isPlainObject(value)) return undefined;
  const copy: Dict = {};
  for (const key of Object.keys(value)) setOwn(copy, key, value[key]);
  return copy;
}

/**
 * Write `value` at the path `segments` under `root`, creating objects for missing or falsy
 * steps as the reference does. Returns false (having changed nothing visible) when the
 * path runs into a primitive, where the reference throws.
 */
function setPath(root: Dict, segments: readonly string[], value: unknown, owned: WeakSet<object>): boolean {
  let current: object = root;
  const last = segments.length - 1;
  for (let i = 0; i < last; i++) {
    const segment = segments[i] as string;
    const existing = getOwn(current, segment);
    let next: object;
    if (!existing) {
      if (Array.isArray(current) && segment === "length") return false;
      next = {};
      owned.add(next);
      setOwn(current, segment, next);
    } else if (typeof existing !== "object") {
      return false;
    } else if (owned.has(existing)) {
      next = existing;
    } else {
      const copy = writableCopy(existing);
      if (copy === undefined) return false;
      owned.add(copy);
      setOwn(current, segment, copy);
      next = copy;
    }
    current = next;
  }
  const leaf = segments[last] as string;
  if (Array.isArray(current) && leaf === "length") return false;
  setOwn(current, leaf, value);
  return true;
}

/** The reference's `unflatten`, over own enumerable keys in their usual order. */
function unflatten(parameters: object): Dict {
  const result: Dict = {};
  const owned = new WeakSet<object>([result]);
  for (const key of Object.keys(parameters)) {
    const value = (parameters as Dict)[key];
    if (isExpandable(key)) setPath(result, key.split("."), value, owned);
    else setOwn(result, key, value);
  }
  return result;
}

/** Own enumerable keys; a string yields its indices, as `Object.keys` and spread do. */
function keysOf(value: unknown): string[] {
  if (typeof value === "string") return Object.keys(value);
  return typeof value === "object" && value !== null ? Object.keys(value) : [];
}

function valueAt(value: unknown, key: string): unknown {
  if (typeof value === "string") return value[Number(key)];
  return typeof value === "object" && value !== null ? getOwn(value, key) : undefined;
}

/**
 * The reference's `withLowerCaseStringValues`, step for step. Its order matters: it tests
 * the result (which earlier `_lc` writes may have changed) for strings but the input for
 * plain objects, so `{"a": "X", "a_lc": {...}}` ends with `a_lc` = `{"0": "x", "0_lc": "x"}`.
 */
function withLowerCaseStrings(source: unknown): Dict {
  const result: Dict = {};
  const keys = keysOf(source);
  for (const key of keys) setOwn(result, key, valueAt(source, key));
  for (const key of keys) {
    const current = getOwn(result, key);
    if (typeof current === "string") setOwn(result, `${key}_lc`, current.toLowerCase());
    if (isPlainObject(valueAt(source, key))) setOwn(result, key, withLowerCaseStrings(getOwn(result, key)));
  }
  return result;
}

/** The `mbox` context for a request item's `parameters` (see the module comment for how it differs from the reference). */
export function mboxContextOf(parameters: unknown): Record<string, unknown> {
  // The reference treats every falsy `parameters` as `{}` and hands anything else to `Object.keys`.
  if (!parameters) return {};
  return withLowerCaseStrings(unflatten(Object(parameters) as object));
}
