/**
 * Hostile input for the hardening tests of every package: strings, keys, nesting, a realistic
 * request to mutate, random mutations at random paths, prototype snapshots and a stopwatch.
 * Plain JavaScript with declarations beside it (hostile.d.ts), so that other packages' tests
 * can import it without compiling another package's sources.
 */
import fc from "fast-check";
import { expect } from "vitest";

/** Keys that reach into prototypes when code assigns or reads them carelessly. */
export const PROTOTYPE_KEYS = ["__proto__", "constructor", "prototype", "toString", "valueOf", "hasOwnProperty", "__defineGetter__"];

/** Store a key as an own data property (plain assignment of `__proto__` would set the prototype). */
export function setOwn(target, key, value) {
  // An array's length only takes lengths; JSON cannot express anything else there either.
  if (Array.isArray(target) && key === "length") return;
  Object.defineProperty(target, key, { value, writable: true, enumerable: true, configurable: true });
}

/** `value` wrapped `levels` times in objects (under `key`) or arrays, built without recursion. */
export function nested(levels, value, shape = "object") {
  let current = value;
  for (let i = 0; i < levels; i++) {
    if (shape === "array") current = [current];
    else {
      const wrapper = {};
      setOwn(wrapper, shape === "proto" ? "__proto__" : "a", current);
      current = wrapper;
    }
  }
  return current;
}

// Inputs known to send backtracking regular expressions (user-agent and URL parsers) into
// exponential or quadratic time, sized so that a linear parser is done in microseconds.
const REGEX_HOSTILE = [
  "Mozilla/5.0 (" + "(".repeat(20000),
  "Mozilla/5.0 " + "a ".repeat(20000) + "!",
  "Chrome/" + "1.".repeat(20000) + "x",
  "MSIE " + "9".repeat(30000) + ";",
  "Mozilla/5.0 (Windows NT " + "10.0; ".repeat(5000) + ") AppleWebKit/" + "5".repeat(10000),
  "Version/" + "1".repeat(10000) + " Safari/" + "1".repeat(10000) + " Mobile/",
  "Android " + "1.".repeat(15000) + "; " + "x".repeat(10000) + " Build/",
  "Firefox/" + "0".repeat(30000),
  " ".repeat(40000) + "x",
  "\t".repeat(20000) + "Chrome/1",
  "http://" + "a.".repeat(30000) + "com/",
  "http://example.com/?" + "a=1&".repeat(15000),
  "http://example.com/" + "%".repeat(30000),
  "http://example.com/" + "%2".repeat(20000),
  "http://[" + ":".repeat(30000) + "]/",
  "http://" + "@".repeat(30000) + "example.com",
  "http://example.com#" + "#".repeat(30000),
  "//" + "/".repeat(40000),
  "http://" + "1.".repeat(20000) + "1/",
  "http://xn--" + "a".repeat(40000) + ".com/",
];

/** Lone and mismatched surrogates: strings that are not valid UTF-16. */
const invalidUtf16 = fc
  .array(fc.oneof(fc.integer({ min: 0xd800, max: 0xdfff }), fc.integer({ min: 0, max: 0xffff })), { minLength: 1, maxLength: 40 })
  .map((units) => String.fromCharCode(...units));

/** Strings an attacker might send in any field (never longer than the default limits). */
export const hostileString = fc.oneof(
  { weight: 3, arbitrary: fc.string({ unit: "binary", maxLength: 40 }) },
  { weight: 2, arbitrary: invalidUtf16 },
  { weight: 2, arbitrary: fc.constantFrom(...PROTOTYPE_KEYS, "__proto__.polluted", "constructor.prototype.polluted", "a.__proto__.b") },
  { weight: 2, arbitrary: fc.constantFrom(...REGEX_HOSTILE) },
  { weight: 1, arbitrary: fc.constantFrom("", ".", "..", "a..b", ".a", "a.", "%", "%zz", "\u0000", "\ud800", "\udfff\ud800", "NaN", "-0", "1e309") },
  {
    weight: 1,
    arbitrary: fc.tuple(fc.constantFrom("a", "%", ".", "(", "\ud800", "é"), fc.integer({ min: 1000, max: 60000 })).map(([unit, times]) => unit.repeat(times)),
  },
);

/** Object keys an attacker might send, prototype names included. */
export const hostileKey = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...PROTOTYPE_KEYS) },
  { weight: 2, arbitrary: fc.constantFrom("__proto__.polluted", "constructor.prototype.polluted", "a.__proto__.polluted", "length", "0", "a.length", "a_lc") },
  { weight: 2, arbitrary: fc.string({ unit: "binary", maxLength: 12 }) },
  { weight: 1, arbitrary: invalidUtf16 },
);

/** Any JSON value whose objects may carry prototype keys at every depth. */
export const hostileJson = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    hostileString,
    fc.double(),
    fc.integer(),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie("value"), { maxLength: 4 }),
    fc.array(fc.tuple(hostileKey, tie("value")), { maxLength: 4 }).map((entries) => {
      const out = {};
      for (const [key, value] of entries) setOwn(out, key, value);
      return out;
    }),
  ),
})).value;

/**
 * A deeply nested value, described rather than built: counterexamples print as `nested(n)`
 * (printing 20,000 levels would overflow the reporter) and {@link materialize} builds it.
 */
export class Deep {
  levels;
  shape;
  constructor(levels, shape) {
    this.levels = levels;
    this.shape = shape;
  }
  [fc.toStringMethod]() {
    return `nested(${this.levels}, "x", "${this.shape}")`;
  }
}

/** The value itself, or the nesting a {@link Deep} describes. */
export function materialize(value) {
  return value instanceof Deep ? nested(value.levels, "x", value.shape) : value;
}

/** A deeply nested value (up to 20,000 levels); pass through {@link materialize} before use. */
export const deepValue = fc
  .tuple(fc.integer({ min: 50, max: 20000 }), fc.constantFrom("object", "array", "proto"))
  .map(([levels, shape]) => new Deep(levels, shape));

/** Any value a JSON body could hold in a field: hostile strings, JSON, deep nesting. */
export const hostileValue = fc.oneof(
  { weight: 4, arbitrary: hostileString },
  { weight: 4, arbitrary: hostileJson },
  { weight: 1, arbitrary: deepValue },
  { weight: 1, arbitrary: fc.constantFrom(undefined, null, 0, -1, 1e308, Number.NaN, true, [], {}, "") },
);

/** A request that uses every field the engine reads, as a starting point for mutations. */
export function fullRequest(mboxNames = ["flags"], viewNames = ["home"]) {
  return {
    requestId: "req-1",
    id: {
      tntId: "visitor-1.28_0",
      marketingCloudVisitorId: "mcid-1",
      thirdPartyId: "tp-1",
      customerIds: [{ id: "c-1", integrationCode: "crm", authenticatedState: "authenticated" }],
    },
    property: { token: "prop-1" },
    trace: { authorizationToken: "auth-1", usage: { a: "b" } },
    context: {
      channel: "web",
      userAgent: "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36",
      clientHints: {
        mobile: false,
        platform: "macOS",
        browserUAWithMajorVersion: '"Chromium";v="124"',
        browserUAWithFullVersion: '"Chromium";v="124.0.6367.60"',
      },
      address: { url: "https://www.acme.com/products/shoes?color=red&size=42#reviews", referringUrl: "https://www.google.com/search?q=shoes" },
      geo: { ipAddress: "203.0.113.7", countryCode: "US", stateCode: "CA", city: "SAN FRANCISCO", latitude: 37.75, longitude: -122.4 },
      timeOffsetInMinutes: 60,
      screen: { width: 1920, height: 1080 },
      browser: { host: "www.acme.com" },
    },
    experienceCloud: { analytics: { logging: "server_side", supplementalDataId: "sdid-1" }, audienceManager: { locationHint: 9, blob: "blob" } },
    execute: {
      pageLoad: { parameters: { page: "home", "user.tier": "gold" }, address: { url: "https://www.acme.com/" } },
      mboxes: mboxNames.map((name, i) => ({
        name,
        index: i + 1,
        parameters: { feature: "on", "a.b": "c", count: "3" },
        profileParameters: { age: "30" },
        order: { id: "o-1", total: 10.5, purchasedProductIds: ["p-1"] },
        product: { id: "p-1", categoryId: "c-1" },
      })),
    },
    prefetch: {
      views: viewNames.map((name) => ({ name, parameters: { v: "1" } })),
      mboxes: mboxNames.map((name, i) => ({ name, index: i + 1, parameters: { feature: "off" } })),
    },
    notifications: [{ id: "n-1", type: "click", timestamp: 1700000000000, tokens: ["t-1"], mbox: { name: "flags" } }],
    qaMode: { token: "qa", bypassTargetingWhitelist: true },
  };
}

/** Random mutations of a JSON document (apply with {@link applyMutations}). */
export const mutations = fc.array(
  fc.record({
    at: fc.nat(),
    kind: fc.constantFrom("replace", "replace", "delete", "add-key", "wrap-deep", "to-array", "to-string"),
    key: hostileKey,
    value: hostileValue,
    levels: fc.integer({ min: 1, max: 10000 }),
  }),
  { minLength: 1, maxLength: 5 },
);

/** Every path to a value inside `root` (not `root` itself), walked without recursion, at most `limit`. */
export function pathsOf(root, limit = 20000) {
  const out = [];
  const stack = [{ value: root, path: [] }];
  while (stack.length > 0 && out.length < limit) {
    const { value, path } = stack.pop();
    if (path.length > 0) out.push(path);
    if (typeof value !== "object" || value === null || path.length > 40) continue;
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) stack.push({ value: value[i], path: [...path, i] });
    } else {
      for (const key of Object.keys(value)) stack.push({ value: value[key], path: [...path, key] });
    }
  }
  return out;
}
function textOf(value) {
  if (typeof value === "string") return value;
  try {
    return JSON.stringify(value) ?? "undefined";
  } catch {
    return "[unprintable]";
  }
}

function removeAt(list, index) {
  for (let i = index; i < list.length - 1; i++) list[i] = list[i + 1];
  list.length -= 1;
}

/** Apply mutations to a fresh copy of `document` (which must be plain JSON) and return it. */
export function applyMutations(document, list) {
  const root = JSON.parse(JSON.stringify(document));
  for (const mutation of list) {
    const paths = pathsOf(root);
    if (paths.length === 0) break;
    const path = paths[mutation.at % paths.length];
    let parent = root;
    for (const step of path.slice(0, -1)) parent = parent[step];
    const last = path[path.length - 1];
    const container = parent;
    const current = container[last];
    const value = materialize(mutation.value);
    switch (mutation.kind) {
      case "replace":
        setOwn(container, String(last), value);
        break;
      case "delete":
        // Not splice: an earlier mutation may have given the array an own `constructor`, which
        // splice would read (for its species) and throw on.
        if (Array.isArray(container)) removeAt(container, Number(last));
        else delete container[last];
        break;
      case "add-key":
        if (typeof current === "object" && current !== null && !Array.isArray(current)) setOwn(current, mutation.key, value);
        else setOwn(container, mutation.key, value);
        break;
      case "wrap-deep":
        setOwn(container, String(last), nested(mutation.levels, current, mutation.levels % 3 === 0 ? "array" : mutation.levels % 3 === 1 ? "object" : "proto"));
        break;
      case "to-array":
        setOwn(container, String(last), [current, value]);
        break;
      case "to-string":
        setOwn(container, String(last), typeof current === "string" ? current.repeat(2) : textOf(mutation.value));
        break;
    }
  }
  return root;
}
const WATCHED = [
  ["Object.prototype", Object.prototype],
  ["Array.prototype", Array.prototype],
  ["Function.prototype", Function.prototype],
  ["String.prototype", String.prototype],
  ["Number.prototype", Number.prototype],
  ["Boolean.prototype", Boolean.prototype],
  ["RegExp.prototype", RegExp.prototype],
  ["Object", Object],
  ["JSON", JSON],
];

/** Take a {@link PrototypeSnapshot}. */
export function prototypeSnapshot() {
  const snapshot = new Map();
  for (const [name, target] of WATCHED) {
    const members = new Map();
    for (const key of Object.getOwnPropertyNames(target)) {
      const descriptor = Object.getOwnPropertyDescriptor(target, key);
      members.set(key, descriptor && "value" in descriptor ? descriptor.value : descriptor?.get);
    }
    snapshot.set(name, members);
  }
  return snapshot;
}

/** Fail if any built-in prototype gained, lost or changed a member since `before`. */
export function expectPrototypesUntouched(before) {
  const after = prototypeSnapshot();
  for (const [name, members] of before) {
    const now = after.get(name);
    expect([...now.keys()].sort(), `${name} members`).toEqual([...members.keys()].sort());
    for (const [key, value] of members) expect(Object.is(now.get(key), value), `${name}.${key} unchanged`).toBe(true);
  }
  expect(Object.getPrototypeOf({})).toBe(Object.prototype);
  expect({}.polluted).toBeUndefined();
}

/**
 * Run `work`, returning its outcome and the milliseconds it took. Work that overruns `bound`
 * runs once more and the faster run counts: a stalled machine (a busy CI host, a collection)
 * overruns once, while an input that hangs the engine overruns every time.
 */
export function timed(work, bound = REQUEST_TIME_BOUND_MS) {
  const first = timedOnce(work);
  if (first.ms < bound) return first;
  const second = timedOnce(work);
  return second.ms < first.ms ? second : first;
}

function timedOnce(work) {
  const started = performance.now();
  try {
    const value = work();
    return { value, ms: performance.now() - started };
  } catch (error) {
    return { error, ms: performance.now() - started };
  }
}

/** Await `work`, returning its outcome and the milliseconds it took; an overrun is retried as in {@link timed}. */
export async function timedAsync(work, bound = REQUEST_TIME_BOUND_MS) {
  const first = await timedOnceAsync(work);
  if (first.ms < bound) return first;
  const second = await timedOnceAsync(work);
  return second.ms < first.ms ? second : first;
}

async function timedOnceAsync(work) {
  const started = performance.now();
  try {
    const value = await work();
    return { value, ms: performance.now() - started };
  } catch (error) {
    return { error, ms: performance.now() - started };
  }
}

/** Generous bound on one request of hostile input, in ms: catches hangs, not slowness. */
export const REQUEST_TIME_BOUND_MS = 1000;

/** Runs per property: bounded so that `pnpm test` stays quick; raise with HARDENING_RUNS. */
export const RUNS = Number(process.env.HARDENING_RUNS) > 0 ? Number(process.env.HARDENING_RUNS) : 150;
