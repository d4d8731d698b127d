import { defineOwn } from "./json.js";

const hasOwn = Object.prototype.hasOwnProperty;
const OBJECT_PROTOTYPE = Object.prototype as { toJSON?: unknown };

/**
 * Exactly what `JSON.parse(JSON.stringify(value))` gives, for values that serialize (and the
 * same errors for values that do not), about five times faster on plain data: objects whose
 * prototype is `Object.prototype` or null and arrays are walked here; anything else (a `toJSON`
 * method, a `Date`, a boxed primitive, a class instance, a bigint) takes the round trip itself,
 * so those rules are JSON's own. Traces use it: their parts come from the request, whose
 * values may be anything a caller's code holds. (A `toJSON` getter is read twice, a
 * difference only for a getter with side effects.)
 */
export function cloneAsJson(value: unknown): unknown {
  try {
    return member(value, "");
  } catch (error) {
    // Too deep for this walk, or a cycle (JSON says so with a TypeError): JSON's answer.
    if (error instanceof RangeError) return roundTrip(value, "");
    throw error;
  }
}

/** The JSON value of a member (`undefined` when JSON omits it); `key` is what `toJSON` is called with. */
function member(value: unknown, key: string | number): unknown {
  switch (typeof value) {
    case "string":
    case "boolean":
      return value;
    case "number":
      // JSON writes NaN and the infinities as null, and -0 as 0.
      return Number.isFinite(value) ? value + 0 : null;
    case "object":
      if (value === null) return null;
      return objectMember(value, key);
    case "function":
      // A function is an object to JSON: its `toJSON` is called; without one it is omitted.
      return hasToJson(value) ? roundTrip(value, key) : undefined;
    case "bigint":
      // JSON throws on a bigint, unless a `BigInt.prototype.toJSON` says otherwise.
      return roundTrip(value, key);
    default:
      return undefined;
  }
}

function hasToJson(value: object): boolean {
  return typeof (value as { toJSON?: unknown }).toJSON === "function";
}

function objectMember(value: object, key: string | number): unknown {
  if (Array.isArray(value)) {
    if (hasToJson(value)) return roundTrip(value, key);
    // JSON reads an array by its length and indexes, whatever its prototype: so does this.
    const out = new Array<unknown>(value.length);
    for (let i = 0; i < value.length; i++) {
      const copy = member(value[i], i);
      out[i] = copy === undefined ? null : copy;
    }
    return out;
  }
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto === Object.prototype) {
    // A plain object's toJSON is its own or Object.prototype's: two cheap looks, where a
    // lookup of the absent name walks the chain through the (megamorphic) load.
    if (OBJECT_PROTOTYPE.toJSON !== undefined || hasOwn.call(value, "toJSON")) return roundTrip(value, key);
  } else if (proto !== null || hasOwn.call(value, "toJSON")) {
    // Boxed primitives are written as their primitive, and JSON's own rules decide the rest.
    return roundTrip(value, key);
  }
  const out: Record<string, unknown> = {};
  // for-in with an own check walks V8's enum cache (Object.keys allocates a list per object);
  // own keys come in the same order.
  for (const name in value) {
    if (!hasOwn.call(value, name)) continue;
    const copy = member((value as Record<string, unknown>)[name], name);
    if (copy === undefined) continue;
    if (name === "__proto__") defineOwn(out, name, copy);
    else out[name] = copy;
  }
  return out;
}

/** JSON's own answer for one member, `toJSON` called with the member's key. */
function roundTrip(value: unknown, key: string | number): unknown {
  const name = String(key);
  // A computed key makes an own property, even `__proto__`; so does JSON.parse.
  const text = JSON.stringify({ [name]: value });
  const parsed = JSON.parse(text) as Record<string, unknown>;
  return hasOwn.call(parsed, name) ? parsed[name] : undefined;
}

/** Makes a fresh copy of one value at each call. */
export type JsonCopier = () => unknown;

/**
 * A function that gives `cloneAsJson(value)` at each call, for a value that never changes (the
 * prepared artifact's). Plain JSON data (strings, finite numbers, booleans, null, plain objects
 * and arrays) is compiled into closures that build the copy without inspecting the value again,
 * about half again as fast as the walk; anything else is cloned by the walk at each call.
 */
export function jsonCopier(value: unknown): JsonCopier {
  let plain: boolean;
  try {
    plain = isPlainJson(value);
  } catch {
    plain = false; // too deep or cyclic: the walk says what JSON says
  }
  return plain ? compiled(value) : () => cloneAsJson(value);
}

/** Whether JSON would copy `value` as it is: no `toJSON`, no special numbers, no holes, nothing but plain objects and arrays. */
function isPlainJson(value: unknown): boolean {
  switch (typeof value) {
    case "string":
    case "boolean":
      return true;
    case "number":
      return Number.isFinite(value) && !Object.is(value, -0);
    case "object": {
      if (value === null) return true;
      if (typeof (value as { toJSON?: unknown }).toJSON === "function") return false;
      if (Array.isArray(value)) {
        if (Object.getPrototypeOf(value) !== Array.prototype) return false;
        for (let i = 0; i < value.length; i++) if (!(i in value) || !isPlainJson(value[i])) return false;
        return true;
      }
      const proto: unknown = Object.getPrototypeOf(value);
      if (proto !== Object.prototype && proto !== null) return false;
      for (const name of Object.keys(value)) if (!isPlainJson((value as Record<string, unknown>)[name])) return false;
      return true;
    }
    default:
      return false;
  }
}

/**
 * An object literal per common json-logic operator (most nodes of a rule's condition are
 * one-key objects named by one): each literal site allocates its shape directly, where setting a key
 * on `{}` at one shared site goes through V8's megamorphic store (measured: conditions copy
 * about 40% faster).
 */
const OPERATOR_LITERALS = new Map<string, (operand: unknown) => Record<string, unknown>>([
  ["var", (operand) => ({ var: operand })],
  ["and", (operand) => ({ and: operand })],
  ["or", (operand) => ({ or: operand })],
  ["!", (operand) => ({ "!": operand })],
  ["==", (operand) => ({ "==": operand })],
  ["!=", (operand) => ({ "!=": operand })],
  ["<", (operand) => ({ "<": operand })],
  ["<=", (operand) => ({ "<=": operand })],
  [">", (operand) => ({ ">": operand })],
  [">=", (operand) => ({ ">=": operand })],
  ["in", (operand) => ({ in: operand })],
]);

const isObject = (value: unknown): boolean => typeof value === "object" && value !== null;

const constant =
  (value: unknown): JsonCopier =>
  () =>
    value;

/**
 * Closures that rebuild plain JSON data. One-key objects named by a json-logic operator are
 * literals, other flat objects are spread from a template, arrays of up to three items are
 * array literals: each measured faster than a loop over parts.
 */
function compiled(value: unknown): JsonCopier {
  if (typeof value !== "object" || value === null) return constant(value);
  if (Array.isArray(value)) {
    const items = value.slice();
    if (!items.some(isObject)) return () => items.slice();
    const parts = items.map(compiled);
    const [a, b, c] = parts as [JsonCopier, JsonCopier, JsonCopier];
    switch (parts.length) {
      case 1:
        return () => [a()];
      case 2:
        return () => [a(), b()];
      case 3:
        return () => [a(), b(), c()];
      default:
        return () => {
          const out = new Array<unknown>(parts.length);
          for (let i = 0; i < parts.length; i++) out[i] = (parts[i] as JsonCopier)();
          return out;
        };
    }
  }
  const names = Object.keys(value);
  const only = names.length === 1 ? OPERATOR_LITERALS.get(names[0] as string) : undefined;
  if (only && !isObject((value as Record<string, unknown>)[names[0] as string])) {
    const operand = (value as Record<string, unknown>)[names[0] as string];
    return () => only(operand);
  }
  if (names.every((name) => !isObject((value as Record<string, unknown>)[name]))) {
    // Spread from a template built by assignment: V8 clones that fastest (see plan.ts).
    const template: Record<string, unknown> = {};
    for (const name of names) defineOwn(template, name, (value as Record<string, unknown>)[name]);
    return () => ({ ...template });
  }
  const parts = names.map((name) => compiled((value as Record<string, unknown>)[name]));
  if (names.length === 1 && names[0] !== "__proto__") {
    const [name, part] = [names[0] as string, parts[0] as JsonCopier];
    const literal = OPERATOR_LITERALS.get(name);
    if (literal) return () => literal(part());
    return () => {
      const out: Record<string, unknown> = {};
      out[name] = part();
      return out;
    };
  }
  return () => {
    const out: Record<string, unknown> = {};
    for (let i = 0; i < names.length; i++) defineOwn(out, names[i] as string, (parts[i] as JsonCopier)());
    return out;
  };
}
