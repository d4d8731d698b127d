import { ConfigError } from "../errors.js";
import { isRecord } from "../util/json.js";

/** A configuration object read field by field; `null` counts as absent, as JavaScript callers often pass it. */
export type Fields = Readonly<Record<string, unknown>>;

const absent = (value: unknown): value is undefined | null => value === undefined || value === null;

/** What a value is, for error messages: `a string`, `an object`, `null`, … */
export function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "number" && Number.isNaN(value)) return "NaN";
  const type = typeof value;
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

/** The configuration itself: an object. */
export function configObject(value: unknown, what = "config"): Fields {
  if (!isRecord(value)) throw new ConfigError(what, `must be an object, not ${describe(value)}`);
  return value;
}

/** A non-empty string, when given. */
export function optionalString(config: Fields, field: string): string | undefined {
  const value = config[field];
  if (absent(value)) return undefined;
  if (typeof value !== "string" || value === "")
    throw new ConfigError(field, `must be a non-empty string, not ${value === "" ? "an empty one" : describe(value)}`);
  return value;
}

/** An absolute URL, when given. */
export function optionalUrl(config: Fields, field: string): string | undefined {
  const value = optionalString(config, field);
  if (value === undefined) return undefined;
  try {
    new URL(value);
  } catch {
    throw new ConfigError(field, `must be an absolute URL, not ${JSON.stringify(value.slice(0, 200))}`);
  }
  return value;
}

/** A function, when given. */
export function optionalFunction<T>(config: Fields, field: string): T | undefined {
  const value = config[field];
  if (absent(value)) return undefined;
  if (typeof value !== "function") throw new ConfigError(field, `must be a function, not ${describe(value)}`);
  return value as T;
}

/** A boolean, when given. */
export function optionalBoolean(config: Fields, field: string): boolean | undefined {
  const value = config[field];
  if (absent(value)) return undefined;
  if (typeof value !== "boolean") throw new ConfigError(field, `must be true or false, not ${describe(value)}`);
  return value;
}

/** One of a few strings, when given. */
export function optionalChoice<T extends string>(config: Fields, field: string, choices: readonly T[]): T | undefined {
  const value = config[field];
  if (absent(value)) return undefined;
  if (!choices.includes(value as T)) {
    throw new ConfigError(
      field,
      `must be ${choices.map((choice) => JSON.stringify(choice)).join(" or ")}, not ${typeof value === "string" ? JSON.stringify(value) : describe(value)}`,
    );
  }
  return value as T;
}

/** A number of milliseconds or bytes: zero or more, not NaN (Infinity allowed: "no bound"), when given. */
export function optionalAmount(config: Fields, field: string, unit: string): number | undefined {
  const value = config[field];
  if (absent(value)) return undefined;
  if (typeof value !== "number" || Number.isNaN(value) || value < 0)
    throw new ConfigError(field, `must be a number of ${unit}, zero or more, not ${typeof value === "number" ? String(value) : describe(value)}`);
  return value;
}

/** An object whose members are checked by the caller, when given. */
export function optionalObject(config: Fields, field: string): Fields | undefined {
  const value = config[field];
  if (absent(value)) return undefined;
  if (!isRecord(value)) throw new ConfigError(field, `must be an object, not ${describe(value)}`);
  return value;
}
