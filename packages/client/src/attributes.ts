/**
 * Attributes of JSON offers ("feature flags"): each mbox's attributes are the merged `content`
 * of its `json` options, prefetch first, then execute. Compatible with the reference's
 * `AttributesProvider`, plus typed accessors that take a default and never throw.
 */
import { AttributeNotFoundError } from "./errors.js";
import { textOf } from "./messages.js";
import { hasOwn } from "./own.js";
import type { TargetDeliveryResponse } from "./delivery/response.js";
import type { DeliveryResponse, JsonValue } from "./types.js";

/** Attributes of one mbox. */
export type Attributes = Record<string, JsonValue>;

/** What `getAttributes` resolves with. */
export interface AttributesProvider {
  /**
   * The value of an attribute. For an unknown mbox or key this *returns* (does not throw) an
   * {@link AttributeNotFoundError}, exactly as the reference does; prefer the typed getters.
   */
  getValue(mboxName: string, key: string): JsonValue | AttributeNotFoundError;
  /** Attributes of one mbox (`{}` when unknown), or of every mbox keyed by name when no name is given. */
  asObject(mboxName: string): Attributes;
  asObject(): Record<string, Attributes>;
  /** Every mbox's attributes keyed by name (what `JSON.stringify` prints). */
  toJSON(): Record<string, Attributes>;
  /** The `getOffers` result the attributes come from. */
  getResponse(): TargetDeliveryResponse;
  /** Whether the mbox has the attribute. */
  has(mboxName: string, key: string): boolean;
  /** The attribute when it is a boolean, else the default. */
  getBoolean(mboxName: string, key: string): boolean | undefined;
  getBoolean<D>(mboxName: string, key: string, defaultValue: D): boolean | D;
  /** The attribute when it is a finite number, else the default. */
  getNumber(mboxName: string, key: string): number | undefined;
  getNumber<D>(mboxName: string, key: string, defaultValue: D): number | D;
  /** The attribute when it is a string, else the default. */
  getString(mboxName: string, key: string): string | undefined;
  getString<D>(mboxName: string, key: string, defaultValue: D): string | D;
  /**
   * The attribute when it is an object or array (a string holding a JSON object or array is
   * parsed), else the default. The value is a copy: mutating it changes nothing here.
   */
  getJSON<T = JsonValue>(mboxName: string, key: string): T | undefined;
  getJSON<T = JsonValue, D = T>(mboxName: string, key: string, defaultValue: D): T | D;
}

/** Copy own enumerable keys, storing `__proto__` as data (keys come from offer content). */
function assignOwn(target: Record<string, unknown>, source: Record<string, unknown>): void {
  for (const key of Object.keys(source)) {
    // Plain assignment where it means the same, a key the target neither has nor inherits
    // (`__proto__`, `toString` of a frozen prototype, … go through defineProperty, which is
    // several times slower).
    if (key in target) Object.defineProperty(target, key, { value: source[key], enumerable: true, writable: true, configurable: true });
    else target[key] = source[key];
  }
}

function copyJson<T>(value: T): T {
  return value === undefined ? value : (JSON.parse(JSON.stringify(value)) as T);
}

function indexAttributes(response: DeliveryResponse | undefined): Map<string, Attributes> {
  const indexed = new Map<string, Attributes>();
  if (!response) return indexed;
  indexMode(indexed, response.prefetch?.mboxes);
  indexMode(indexed, response.execute?.mboxes);
  return indexed;
}

type LooseMbox = { name?: unknown; options?: unknown } | undefined;

/** An mbox's options when it is one attributes come from: string-named, with a list of options. */
function optionsOf(mbox: LooseMbox): unknown[] | undefined {
  return typeof mbox?.name === "string" && Array.isArray(mbox.options) ? mbox.options : undefined;
}

/** An option's attributes: the content of a `json` option that is a plain object. */
function jsonContentOf(option: unknown): Attributes | undefined {
  const { type, content } = (option ?? {}) as { type?: unknown; content?: unknown };
  return type === "json" && typeof content === "object" && content !== null && !Array.isArray(content) ? (content as Attributes) : undefined;
}

function indexMode(indexed: Map<string, Attributes>, mboxes: unknown): void {
  if (!Array.isArray(mboxes)) return;
  for (const mbox of mboxes as LooseMbox[]) {
    const options = optionsOf(mbox);
    if (!options) continue;
    const name = (mbox as { name: string }).name;
    for (const option of options) {
      const content = jsonContentOf(option);
      if (!content) continue;
      const previous = indexed.get(name);
      let merged: Attributes;
      if (previous) {
        merged = {};
        assignOwn(merged, previous);
        assignOwn(merged, content);
      } else {
        // Into nothing, a spread is the same copy (own keys as data, `__proto__` included), and fast.
        merged = { ...content };
      }
      indexed.set(name, merged);
    }
  }
}

/** Build an attributes provider over a `getOffers` result. */
export function createAttributesProvider(offers: TargetDeliveryResponse): AttributesProvider {
  // Indexed now: the caller holds the response and may change it afterwards.
  return new Provider(offers.response, { result: () => offers }, indexAttributes(offers.response)) as unknown as AttributesProvider;
}

/** Something that builds a `getOffers` result on demand (the client's delivered response). */
export interface OffersSource {
  result(): TargetDeliveryResponse;
}

/**
 * An attributes provider over a response nobody else holds yet, whose `getOffers` result is
 * only built if asked for. The index waits for the first read, or for `getResponse()`, which
 * hands the response out and so indexes it first.
 */
export function attributesOf(response: DeliveryResponse | undefined, source: OffersSource): AttributesProvider {
  return new Provider(response, source, undefined) as unknown as AttributesProvider;
}

const isBoolean = (value: unknown): value is boolean => typeof value === "boolean";
const isFiniteNumber = (value: unknown): value is number => typeof value === "number" && Number.isFinite(value);
const isString = (value: unknown): value is string => typeof value === "string";

/**
 * The provider. Its methods live on the prototype, so a provider costs one object rather than
 * a dozen closures per call; each is bound to the provider on first access (see below), so
 * that `const {getValue} = provider` still works as with the reference's closures.
 */
class Provider {
  #index: Map<string, Attributes> | undefined;
  readonly #response: DeliveryResponse | undefined;
  readonly #offers: OffersSource;

  constructor(response: DeliveryResponse | undefined, offers: OffersSource, index: Map<string, Attributes> | undefined) {
    this.#response = response;
    this.#offers = offers;
    this.#index = index;
  }

  /** Methods bound to this provider, by name, as first read. */
  #bound: Record<string, (...args: unknown[]) => unknown> | undefined;

  // The reference's provider is an object of closures, so its methods work detached. Here each
  // prototype method is replaced by an accessor that binds it to the provider on first read and
  // keeps the bound function: calls and destructuring behave as there, and only the methods a
  // caller actually reads cost a function.
  static {
    for (const name of ["getValue", "asObject", "toJSON", "getResponse", "has", "getBoolean", "getNumber", "getString", "getJSON"] as const) {
      const method = Provider.prototype[name] as (...args: unknown[]) => unknown;
      Object.defineProperty(Provider.prototype, name, {
        configurable: true,
        enumerable: false,
        get(this: object) {
          // Read off the prototype itself (or another object): the plain method.
          if (!(this instanceof Provider)) return method;
          const bound = (this.#bound ??= {});
          let fn = bound[name];
          if (fn === undefined) {
            fn = method.bind(this);
            bound[name] = fn;
          }
          return fn;
        },
      });
    }
  }

  #indexed(): Map<string, Attributes> {
    this.#index ??= indexAttributes(this.#response);
    return this.#index;
  }

  /** The attribute, or `NOT_FOUND`. */
  #lookup(mboxName: string, key: string): unknown {
    // Until the response is handed out (getResponse indexes first), nobody else can have
    // changed it: a read goes straight to the options, as the index would answer it.
    if (this.#index === undefined) return lookupInResponse(this.#response, mboxName, key);
    const attributes = this.#index.get(mboxName);
    return attributes && hasOwn(attributes, key) ? attributes[key] : NOT_FOUND;
  }

  getValue(mboxName: string, key: string): JsonValue | AttributeNotFoundError {
    const value = this.#lookup(mboxName, key);
    return value === NOT_FOUND ? new AttributeNotFoundError(textOf(mboxName), textOf(key)) : (value as JsonValue);
  }

  asObject(mboxName?: string): Attributes | Record<string, Attributes> {
    if (mboxName === undefined) {
      const all: Record<string, Attributes> = {};
      for (const [name, attributes] of this.#indexed()) assignOwn(all, { [name]: { ...attributes } });
      return all;
    }
    const result: Attributes = {};
    const attributes = this.#indexed().get(mboxName);
    if (attributes) assignOwn(result, attributes);
    return result;
  }

  toJSON(): Record<string, Attributes> {
    return this.asObject() as Record<string, Attributes>;
  }

  getResponse(): TargetDeliveryResponse {
    this.#indexed();
    return this.#offers.result();
  }

  has(mboxName: string, key: string): boolean {
    return this.#lookup(mboxName, key) !== NOT_FOUND;
  }

  getBoolean(mboxName: string, key: string, defaultValue?: unknown): unknown {
    const value = this.#lookup(mboxName, key);
    return isBoolean(value) ? value : defaultValue;
  }

  getNumber(mboxName: string, key: string, defaultValue?: unknown): unknown {
    const value = this.#lookup(mboxName, key);
    return isFiniteNumber(value) ? value : defaultValue;
  }

  getString(mboxName: string, key: string, defaultValue?: unknown): unknown {
    const value = this.#lookup(mboxName, key);
    return isString(value) ? value : defaultValue;
  }

  getJSON(mboxName: string, key: string, defaultValue?: unknown): unknown {
    const value = this.#lookup(mboxName, key);
    if (value === NOT_FOUND) return defaultValue;
    if (typeof value === "object" && value !== null) {
      try {
        return copyJson(value);
      } catch {
        // Content no JSON copy can take (too deep, cyclic): the default, as documented, never a throw.
        return defaultValue;
      }
    }
    if (typeof value === "string") {
      try {
        const parsed: unknown = JSON.parse(value);
        if (typeof parsed === "object" && parsed !== null) return parsed;
      } catch {
        // Not JSON: fall through to the default.
      }
    }
    return defaultValue;
  }
}

/**
 * An mbox's attribute read from the response itself: the value of the last JSON option (prefetch
 * first, then execute) that has the key, which is what merging them into the index keeps.
 */
function lookupInResponse(response: DeliveryResponse | undefined, mboxName: string, key: string): unknown {
  if (!response) return NOT_FOUND;
  const found = lookupInMode(response.execute?.mboxes, mboxName, key);
  return found !== NOT_FOUND ? found : lookupInMode(response.prefetch?.mboxes, mboxName, key);
}

/** The last matching option's value in one mode's mboxes, or `NOT_FOUND`. */
function lookupInMode(mboxes: unknown, mboxName: string, key: string): unknown {
  if (!Array.isArray(mboxes)) return NOT_FOUND;
  for (let m = mboxes.length - 1; m >= 0; m--) {
    const mbox = mboxes[m] as LooseMbox;
    const options = optionsOf(mbox);
    if (!options || (mbox as { name: string }).name !== mboxName) continue;
    for (let o = options.length - 1; o >= 0; o--) {
      const content = jsonContentOf(options[o]);
      if (content && hasOwn(content, key)) return content[key];
    }
  }
  return NOT_FOUND;
}

/** What `#lookup` answers for an absent attribute (`undefined` is a value an attribute may hold). */
const NOT_FOUND: unique symbol = Symbol("not found");
