/**
 * Attributes of JSON offers ("feature flags"): each mbox's attributes are the merged `content`
 * of its `json` options, prefetch first, then execute. Compatible with the reference's
 * `AttributesProvider`, plus typed accessors that take a default and never throw.
 */
import { AttributeNotFoundError } from "./errors.js";
import { textOf } from "./messages.js";
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

const own = (object: object, key: string): boolean => Object.prototype.hasOwnProperty.call(object, key);

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
  for (const mode of [response.prefetch, response.execute]) {
    const mboxes = mode?.mboxes;
    if (!Array.isArray(mboxes)) continue;
    for (const mbox of mboxes) {
      if (typeof mbox?.name !== "string" || !Array.isArray(mbox.options)) continue;
      for (const option of mbox.options) {
        const content = option?.content;
        if (option?.type !== "json" || typeof content !== "object" || content === null || Array.isArray(content)) continue;
        const merged: Attributes = {};
        const previous = indexed.get(mbox.name);
        if (previous) assignOwn(merged, previous);
        assignOwn(merged, content as Record<string, unknown>);
        indexed.set(mbox.name, merged);
      }
    }
  }
  return indexed;
}

/** Build an attributes provider over a `getOffers` result. */
export function createAttributesProvider(offers: TargetDeliveryResponse): AttributesProvider {
  // Indexed now: the caller holds the response and may change it afterwards.
  return providerOver(offers.response, () => offers, indexAttributes(offers.response));
}

/**
 * An attributes provider over a response nobody else holds yet, whose `getOffers` result is
 * only built if asked for. The index waits for the first read, or for `getResponse()`, which
 * hands the response out and so indexes it first.
 */
export function attributesOf(response: DeliveryResponse | undefined, offers: () => TargetDeliveryResponse): AttributesProvider {
  return providerOver(response, offers, undefined);
}

function providerOver(
  response: DeliveryResponse | undefined,
  offers: () => TargetDeliveryResponse,
  given: Map<string, Attributes> | undefined,
): AttributesProvider {
  let index = given;
  const indexed = (): Map<string, Attributes> => (index ??= indexAttributes(response));

  const lookup = (mboxName: string, key: string): { found: boolean; value?: JsonValue } => {
    const attributes = indexed().get(mboxName);
    if (!attributes || !own(attributes, key)) return { found: false };
    return { found: true, value: attributes[key] };
  };

  function asObject(mboxName?: string): Attributes | Record<string, Attributes> {
    if (mboxName === undefined) {
      const all: Record<string, Attributes> = {};
      for (const [name, attributes] of indexed()) assignOwn(all, { [name]: { ...attributes } });
      return all;
    }
    const result: Attributes = {};
    const attributes = indexed().get(mboxName);
    if (attributes) assignOwn(result, attributes);
    return result;
  }

  function typed<T>(guard: (value: unknown) => value is T) {
    return (mboxName: string, key: string, defaultValue?: unknown): unknown => {
      const { found, value } = lookup(mboxName, key);
      return found && guard(value) ? value : defaultValue;
    };
  }

  const provider = {
    getValue(mboxName: string, key: string) {
      const { found, value } = lookup(mboxName, key);
      return found ? (value as JsonValue) : new AttributeNotFoundError(textOf(mboxName), textOf(key));
    },
    asObject,
    toJSON: () => asObject() as Record<string, Attributes>,
    getResponse: () => {
      indexed();
      return offers();
    },
    has: (mboxName: string, key: string) => lookup(mboxName, key).found,
    getBoolean: typed((value): value is boolean => typeof value === "boolean"),
    getNumber: typed((value): value is number => typeof value === "number" && Number.isFinite(value)),
    getString: typed((value): value is string => typeof value === "string"),
    getJSON(mboxName: string, key: string, defaultValue?: unknown): unknown {
      const { found, value } = lookup(mboxName, key);
      if (!found) return defaultValue;
      if (typeof value === "object" && value !== null) return copyJson(value);
      if (typeof value === "string") {
        try {
          const parsed: unknown = JSON.parse(value);
          if (typeof parsed === "object" && parsed !== null) return parsed;
        } catch {
          // Not JSON: fall through to the default.
        }
      }
      return defaultValue;
    },
  };
  return provider as AttributesProvider;
}
