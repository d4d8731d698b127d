import { ConfigError } from "../errors.js";
import type { RequestLimits } from "../types.js";
import { describe, optionalObject, type Fields } from "./fields.js";

/** Default request limits. */
export const DEFAULT_REQUEST_LIMITS: Readonly<RequestLimits> = Object.freeze({
  maxItems: 1000,
  maxParameters: 1000,
  maxStringLength: 65536,
  maxDepth: 64,
});

const LIMIT_NAMES = Object.keys(DEFAULT_REQUEST_LIMITS) as ReadonlyArray<keyof RequestLimits>;

/** `requestLimits` over the defaults; each given limit a whole number of one or more, and no unknown ones. */
export function requestLimitsOf(config: Fields): RequestLimits {
  const given = optionalObject(config, "requestLimits");
  const limits: RequestLimits = { ...DEFAULT_REQUEST_LIMITS };
  if (given === undefined) return limits;
  for (const name of Object.keys(given)) {
    if (!(LIMIT_NAMES as readonly string[]).includes(name)) {
      throw new ConfigError(`requestLimits.${name}`, `is not a limit; the limits are ${LIMIT_NAMES.join(", ")}`);
    }
    const value = given[name];
    if (value === undefined) continue;
    if (typeof value !== "number" || !Number.isInteger(value) || value < 1) {
      throw new ConfigError(
        `requestLimits.${name}`,
        `must be a whole number of one or more, not ${typeof value === "number" ? String(value) : describe(value)}`,
      );
    }
    limits[name as keyof RequestLimits] = value;
  }
  return limits;
}
