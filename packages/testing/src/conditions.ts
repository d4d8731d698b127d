/**
 * Audience conditions written the way people say them (`when.url.contains("checkout")`),
 * producing the json-logic Target puts in artifacts. Text comparisons on URLs and mbox
 * parameters use the lower-cased (`_lc`) context values, as Target's own audiences do, so they
 * ignore case.
 */

/** A json-logic condition, as found in a rule. */
export type Condition = Record<string, unknown> | boolean;

const v = (path: string): Record<string, unknown> => ({ var: path });
const lower = (value: string): string => value.toLowerCase();

/** Comparisons on one context value. */
export interface ValueConditions {
  /** Equal (json-logic's loose `==`). */
  is(value: unknown): Condition;
  /** Not equal. */
  isNot(value: unknown): Condition;
  /** One of the values. */
  in(values: readonly unknown[]): Condition;
  /** Contains the text (string values). */
  contains(text: string): Condition;
  /** Greater than. */
  gt(value: number | string): Condition;
  /** Greater than or equal. */
  gte(value: number | string): Condition;
  /** Less than. */
  lt(value: number | string): Condition;
  /** Less than or equal. */
  lte(value: number | string): Condition;
  /** Present and truthy. */
  exists(): Condition;
}

function compare(path: string, normalize: (value: unknown) => unknown = (x) => x): ValueConditions {
  const variable = v(path);
  return {
    is: (value) => ({ "==": [variable, normalize(value)] }),
    isNot: (value) => ({ "!=": [variable, normalize(value)] }),
    in: (values) => ({ in: [variable, values.map(normalize)] }),
    contains: (text) => ({ in: [normalize(text), variable] }),
    gt: (value) => ({ ">": [variable, value] }),
    gte: (value) => ({ ">=": [variable, value] }),
    lt: (value) => ({ "<": [variable, value] }),
    lte: (value) => ({ "<=": [variable, value] }),
    exists: () => ({ "!!": [variable] }),
  };
}

const caseless = (path: string): ValueConditions => compare(`${path}_lc`, (value) => (typeof value === "string" ? lower(value) : value));

/** Build audience conditions. */
export const when = {
  /** The page URL, ignoring case. */
  url: caseless("page.url"),
  /** The page path, ignoring case. */
  path: caseless("page.path"),
  /** The page query string (without `?`), ignoring case. */
  query: caseless("page.query"),
  /** The registrable domain of the page (`example.co.uk`). */
  domain: caseless("page.domain"),
  /** The subdomain of the page (`shop`; a leading `www.` is dropped). */
  subdomain: caseless("page.subdomain"),
  /** The referring URL, ignoring case. */
  referrer: caseless("referring.url"),
  /** An mbox parameter, ignoring case for text. */
  param: (name: string): ValueConditions => caseless(`mbox.${name}`),
  /** The browser: `chrome`, `firefox`, `safari`, `mobile safari`, `edge`, `ie`, `unknown`. */
  browser: compare("user.browserType", (value) => (typeof value === "string" ? lower(value) : value)),
  /** The browser's major version (-1 when unknown). */
  browserVersion: compare("user.browserVersion"),
  /** The operating system: `windows`, `mac`, `linux`, `iOS`, `Android`, ... */
  platform: compare("user.platform"),
  /** Geo context (from the request's `context.geo`). */
  geo: {
    country: compare("geo.country"),
    region: compare("geo.region"),
    city: compare("geo.city"),
    latitude: compare("geo.latitude"),
    longitude: compare("geo.longitude"),
  },
  /** UTC time of day as `HHmm`, both ends included. */
  timeBetween: (from: string, to: string): Condition => ({ and: [{ ">=": [v("current_time"), from] }, { "<=": [v("current_time"), to] }] }),
  /** UTC day of week, Monday = 1 ... Sunday = 7. */
  dayIn: (days: readonly number[]): Condition => ({ in: [v("current_day"), [...days]] }),
  /** From this instant (included) until this instant (excluded). */
  during: (from: Date | string, until: Date | string): Condition => ({
    and: [{ ">=": [v("current_timestamp"), new Date(from).getTime()] }, { "<": [v("current_timestamp"), new Date(until).getTime()] }],
  }),
  /** Any context value by its path (`page.fragment`, `mbox.cart.total`, ...), compared as is. */
  value: (path: string): ValueConditions => compare(path),
  /** Every condition holds. */
  all: (...conditions: Condition[]): Condition => ({ and: conditions }),
  /** Some condition holds. */
  any: (...conditions: Condition[]): Condition => ({ or: conditions }),
  /** The condition does not hold. */
  not: (condition: Condition): Condition => ({ "!": [condition] }),
  /** A json-logic expression written by hand. */
  logic: (expression: Record<string, unknown>): Condition => expression,
} as const;
