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
