// Seeded random delivery requests over the shared artifacts, for differential testing against
// Adobe's reference engine (see compare.ts). Every value that can steer a rule is drawn from
// what the artifact's own conditions test, so a good share of requests match rules.
//
//   node --import ./scripts/lib/ts.mjs scripts/differential/generate.ts [seed] [count]   prints sample cases
import { readFileSync, readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** A JSON object as the generator builds it: any key, and values that are at times deliberately odd. */
export type JsonObject = Record<string, unknown>;

/** An artifact as read from disk: the fields the generator reads, none of them trusted. */
export interface ArtifactJson {
  version?: unknown;
  globalMbox?: string;
  geoTargetingEnabled?: boolean;
  localMboxes?: string[];
  remoteMboxes?: string[];
  localViews?: string[];
  remoteViews?: string[];
  rules?: { mboxes?: Record<string, RuleJson[]>; views?: Record<string, RuleJson[]> };
}

/** A rule of an artifact: its key, its json-logic condition, its offers and its workspaces. */
export interface RuleJson {
  ruleKey?: string;
  condition?: unknown;
  consequence?: { options?: unknown };
  propertyTokens?: string[];
}

/** A conformance artifact and the name it is reported under. */
export interface NamedArtifact {
  name: string;
  artifact: ArtifactJson;
}

/** `[weight, value]`: `value` is picked with a chance proportional to `weight`; a function is called for it. */
export type Weighted<T> = readonly [weight: number, value: T | (() => T)];

/** A seeded random source with the draws the generator makes. */
export interface Random {
  /** A float in [0, 1). */
  next(): number;
  /** An integer in [lo, hi]. */
  int(lo: number, hi: number): number;
  chance(p: number): boolean;
  pick<T>(list: readonly T[]): T;
  weighted<T>(pairs: ReadonlyArray<Weighted<T>>): T;
  hex(n: number): string;
  word(min?: number, max?: number): string;
  subset<T>(list: readonly T[], p?: number): T[];
}

/** What a condition asks of a variable, by its name: a value, or `{contains}` for `in`. */
export type Hints = Map<string, unknown>;

/** What the generator knows of an artifact: names, tokens, and the literals its conditions compare with. */
export interface Harvest {
  globalMbox: string;
  mboxes: string[];
  views: string[];
  localMboxes: string[];
  remoteMboxes: string[];
  localViews: string[];
  remoteViews: string[];
  propertyTokens: string[];
  literals: unknown[];
  macros: string[];
  /** The literals `var name` is compared with (`name#in` for the needles of `in`). */
  valuesOf(name: string): unknown[];
  /** The variables whose names start with `prefix`. */
  varsWithPrefix(prefix: string): string[];
}

/** The modes of a request, as generated: lists of items, each a JSON object. */
export interface ModeRequest {
  mboxes?: JsonObject[];
  pageLoad?: JsonObject;
  views?: JsonObject[];
}

/** A generated Delivery API request: well formed most of the time, odd on purpose in chaos cases. */
export interface GeneratedRequest {
  context?: JsonObject;
  id?: unknown;
  requestId?: unknown;
  property?: unknown;
  trace?: unknown;
  experienceCloud?: unknown;
  execute?: ModeRequest;
  prefetch?: ModeRequest;
}

/** The `getOffers` options of a case. */
export interface GeneratedOptions {
  request: GeneratedRequest;
  visitor?: { marketingCloudVisitorId: string; state: JsonObject };
  sessionId?: string;
  targetLocationHint?: string;
}

/** How both engines are configured for a case: PSL domains (with or without telemetry) or the basic parser. */
export type Flavour = "psl" | "psl-no-telemetry" | "basic";

/** One case: which artifact, the getOffers options, the frozen clock and the engine flavour. */
export interface GeneratedCase {
  seed: number;
  artifactName: string;
  options: GeneratedOptions;
  now: number;
  flavour: Flavour;
  /** `kind:name:ruleKey` of the rule the request was aimed at, if any. */
  aimedAt: string | undefined;
}

/** A rule the request is aimed at, with what its condition asks. */
interface Target {
  kind: "mbox" | "view";
  name: string;
  rule: RuleJson;
  hints: Hints;
  token?: string;
}

/** Per-case state: the next item index, and whether the case sends odd values. */
interface CaseState {
  index: number;
  chaos: boolean;
}

const here = dirname(fileURLToPath(import.meta.url));
/** Where the conformance data lives: Adobe's schema and the real-world artifacts, carried in the repository. */
export const CONFORMANCE = join(here, "../../fixtures/conformance");

// ---------------------------------------------------------------------------------------
// PRNG: sfc32 seeded through splitmix32, so that neighbouring seeds give unrelated streams.

function splitmix32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x9e3779b9) >>> 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
}

/** A small seeded random source with the helpers the generator needs. */
export function createRandom(seed: number): Random {
  const init = splitmix32(seed);
  let a = init();
  let b = init();
  let c = init();
  let d = init();
  const next = () => {
    const t = (((a + b) >>> 0) + d) >>> 0;
    d = (d + 1) >>> 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) >>> 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) >>> 0;
    return t / 4294967296;
  };
  for (let i = 0; i < 12; i++) next();
  const r: Random = {
    next,
    int: (lo, hi) => lo + Math.floor(next() * (hi - lo + 1)),
    chance: (p) => next() < p,
    pick: <T>(list: readonly T[]) => list[Math.floor(next() * list.length)] as T,
    /** Pick from `[weight, value]` pairs; a function value is called. */
    weighted: <T>(pairs: ReadonlyArray<Weighted<T>>): T => {
      const total = pairs.reduce((s, [w]) => s + w, 0);
      let x = next() * total;
      for (const [w, v] of pairs) {
        x -= w;
        if (x < 0) return typeof v === "function" ? (v as () => T)() : v;
      }
      const last = (pairs[pairs.length - 1] as Weighted<T>)[1];
      return typeof last === "function" ? (last as () => T)() : last;
    },
    hex: (n) => {
      let s = "";
      for (let i = 0; i < n; i++) s += "0123456789abcdef"[Math.floor(next() * 16)];
      return s;
    },
    word: (min = 1, max = 8) => {
      const n = r.int(min, max);
      let s = "";
      for (let i = 0; i < n; i++) s += "abcdefghijklmnopqrstuvwxyz"[Math.floor(next() * 26)];
      return s;
    },
    subset: (list, p = 0.5) => list.filter(() => next() < p),
  };
  return r;
}

// ---------------------------------------------------------------------------------------
// Artifacts and what their conditions test.

/** Every conformance artifact (the schema's and the real-world ones), `{name, artifact}`. */
export function loadArtifacts(root = CONFORMANCE): NamedArtifact[] {
  const dir = join(root, "target-sdk-testing/schema/artifacts");
  const out: NamedArtifact[] = [];
  for (const file of readdirSync(dir)
    .filter((f) => f.endsWith(".json"))
    .sort()) {
    out.push({ name: file.replace(/\.json$/, ""), artifact: JSON.parse(readFileSync(join(dir, file), "utf8")) });
  }
  for (const file of ["rules.json", "artifact-large.json"]) {
    const path = join(root, "real-world", file);
    out.push({ name: `real-world/${file}`, artifact: JSON.parse(readFileSync(path, "utf8")) });
  }
  return out;
}

/** A json-logic `{var: name}` (or `{var: [name, default]}`). */
type VarNode = { var: unknown };
const isVar = (node: unknown): node is VarNode => node !== null && typeof node === "object" && !Array.isArray(node) && "var" in node;
const varName = (node: VarNode): string => (Array.isArray(node.var) ? node.var[0] : node.var) as string;

function add<K, V>(map: Map<K, Set<V>>, key: K, value: V): void {
  let set = map.get(key);
  if (!set) map.set(key, (set = new Set()));
  set.add(value);
}

/** Names, tokens and the literal values each `var` is compared with, harvested from an artifact. */
export function harvest(artifact: ArtifactJson): Harvest {
  const rules = artifact.rules ?? {};
  const mboxRules = rules.mboxes ?? {};
  const viewRules = rules.views ?? {};
  const values = new Map<string, Set<unknown>>(); // var name -> Set of literals it is compared with
  const literals = new Set<unknown>(); // every scalar literal in any condition
  const macros = new Set<string>(); // ${...} names in offer content
  const propertyTokens = new Set<string>();

  const walk = (node: unknown): void => {
    if (Array.isArray(node)) {
      node.forEach(walk);
      return;
    }
    if (node === null || typeof node !== "object") {
      if (node !== null && node !== undefined) literals.add(node);
      return;
    }
    for (const op of Object.keys(node)) {
      const args = (node as JsonObject)[op];
      if (op !== "var" && Array.isArray(args)) {
        const vars = args.filter(isVar).map(varName);
        const lits = args.filter((a: unknown) => a === null || typeof a !== "object");
        for (const v of vars) for (const l of lits) add(values, v, l);
        if (op === "in") for (const v of vars) for (const l of lits) add(values, `${v}#in`, l);
      }
      if (op === "var") {
        add(values, varName(node as VarNode), undefined);
        continue;
      }
      walk(args);
    }
  };
  const walkContent = (value: unknown): void => {
    if (typeof value === "string") {
      for (const m of value.matchAll(/\$\{([a-zA-Z0-9_.]*?)\}/g)) macros.add(m[1] as string);
    } else if (Array.isArray(value)) value.forEach(walkContent);
    else if (value && typeof value === "object") Object.values(value).forEach(walkContent);
  };
  for (const list of [...Object.values(mboxRules), ...Object.values(viewRules)]) {
    for (const rule of list) {
      walk(rule.condition);
      walkContent(rule.consequence?.options);
      for (const t of rule.propertyTokens ?? []) propertyTokens.add(t);
    }
  }
  const valuesOf = (name: string) => [...(values.get(name) ?? [])].filter((v) => v !== undefined);
  const varsWithPrefix = (prefix: string) => [...values.keys()].filter((k) => k.startsWith(prefix) && !k.includes("#"));
  return {
    globalMbox: artifact.globalMbox || "target-global-mbox",
    mboxes: Object.keys(mboxRules),
    views: Object.keys(viewRules),
    localMboxes: artifact.localMboxes ?? [],
    remoteMboxes: artifact.remoteMboxes ?? [],
    localViews: artifact.localViews ?? [],
    remoteViews: artifact.remoteViews ?? [],
    propertyTokens: [...propertyTokens],
    literals: [...literals],
    macros: [...macros],
    valuesOf,
    varsWithPrefix,
  };
}

/**
 * What a rule's condition asks of the context, as `var name -> wanted value` (or
 * `{contains}` for `in`), following `and` everywhere and one random branch of each `or`.
 * Used to aim requests at rules so that a fair share of them match.
 */
export function conditionHints(r: Random, condition: unknown): Hints {
  const hints: Hints = new Map();
  const literal = (a: unknown) => a === null || typeof a !== "object";
  const near = (v: unknown, dir: number) => {
    const n = Number(v);
    if (!Number.isFinite(n)) return v;
    const step = Math.abs(n) > 1e6 ? r.int(1, 3600000) : 0.01 * r.int(1, 20);
    return dir > 0 ? n + step : dir < 0 ? n - step : n;
  };
  const walk = (node: unknown): void => {
    if (node === null || typeof node !== "object" || Array.isArray(node)) return;
    const op = Object.keys(node)[0] as string;
    const args = (node as JsonObject)[op];
    if (op === "and" && Array.isArray(args)) {
      args.forEach(walk);
      return;
    }
    if (op === "or" && Array.isArray(args) && args.length) {
      walk(r.pick(args));
      return;
    }
    if (!Array.isArray(args)) return;
    const vi = args.findIndex(isVar);
    if (vi < 0) return;
    const name = varName(args[vi] as VarNode);
    const lits = args.filter(literal);
    if (!lits.length) return;
    if (op === "==" || op === "===") hints.set(name, lits[0]);
    else if (op === "!=" || op === "!==") hints.set(name, `not-${lits[0]}`);
    else if (op === "in") hints.set(name, vi === 1 ? { contains: lits[0] } : Array.isArray(args[1]) ? r.pick(args[1]) : lits[0]);
    else if (["<", "<=", ">", ">="].includes(op)) {
      if (args.length === 3 && vi === 1) {
        const lo = Number(args[0]);
        const hi = Number(args[2]);
        const value = Number.isFinite(lo) && Number.isFinite(hi) ? r.pick([lo, hi, lo + (hi - lo) * r.next()]) : args[0];
        hints.set(name, typeof args[0] === "string" && !/^-?[\d.]+$/.test(args[0]) ? args[0] : Math.round(value));
      } else {
        // literal OP var, or var OP literal: move to the side that satisfies it, or onto the edge.
        const lit = lits[0];
        const varRight = vi === 1;
        const greater = (op === ">" || op === ">=") !== varRight;
        hints.set(name, r.chance(0.2) ? lit : near(lit, greater ? 1 : -1));
      }
    }
  };
  walk(condition);
  return hints;
}

// ---------------------------------------------------------------------------------------
// Building blocks.

const USER_AGENTS = [
  // Chrome
  "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36",
  "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/118.0.5993.88 Safari/537.36",
  "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/109.0.0.0 Safari/537.36",
  "Mozilla/5.0 (Linux; Android 13; Pixel 7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/116.0.0.0 Mobile Safari/537.36",
  "Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/114.0.0.0 Safari/537.36",
  // Firefox
  "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:121.0) Gecko/20100101 Firefox/121.0",
  "Mozilla/5.0 (Macintosh; Intel Mac OS X 10.15; rv:109.0) Gecko/20100101 Firefox/115.0",
  "Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:98.0) Gecko/20100101 Firefox/98.0",
  "Mozilla/5.0 (X11; FreeBSD amd64; rv:109.0) Gecko/20100101 Firefox/110.0",
  "Mozilla/5.0 (Android 12; Mobile; rv:109.0) Gecko/114.0 Firefox/114.0",
  // Safari / Mobile Safari
  "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Safari/605.1.15",
  "Mozilla/5.0 (iPhone; CPU iPhone OS 16_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/16.6 Mobile/15E148 Safari/604.1",
  "Mozilla/5.0 (iPad; CPU OS 15_7 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/15.7 Mobile/15E148 Safari/604.1",
  "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/118.0.5993.92 Mobile/15E148 Safari/604.1",
  // Edge
  "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36 Edg/120.0.2210.91",
  "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/70.0.3538.102 Safari/537.36 Edge/18.19045",
  "Mozilla/5.0 (iPhone; CPU iPhone OS 16_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/16.0 EdgiOS/117.2045.65 Mobile/15E148 Safari/605.1.15",
  "Mozilla/5.0 (Linux; Android 10; HD1913) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/117.0.5938.60 Mobile Safari/537.36 EdgA/117.0.2045.53",
  // IE
  "Mozilla/5.0 (Windows NT 10.0; WOW64; Trident/7.0; rv:11.0) like Gecko",
  "Mozilla/5.0 (compatible; MSIE 10.0; Windows NT 6.2; Trident/6.0)",
  "Mozilla/4.0 (compatible; MSIE 8.0; Windows NT 6.1; Trident/4.0)",
  "Mozilla/5.0 (compatible; MSIE 9.0; Windows Phone OS 7.5; Trident/5.0; IEMobile/9.0)",
  // Others and oddities
  "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/119.0.0.0 Safari/537.36 OPR/105.0.0.0",
  "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
  "curl/8.4.0",
  "",
  "Mozilla/5.0",
  "MOZILLA/5.0 (WINDOWS NT 10.0) CHROME/99.0 SAFARI/537.36",
  "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/605.1.15",
  "Version/1 Safari firefox/2 chrome/3 msie 4",
];

const CLIENT_HINTS = [
  { mobile: false, platform: "Windows", browserUAWithMajorVersion: '"Not_A Brand";v="8", "Chromium";v="120", "Google Chrome";v="120"' },
  {
    mobile: false,
    platform: "macOS",
    browserUAWithFullVersion: '"Not_A Brand";v="8.0.0.0", "Chromium";v="120.0.6099.129", "Google Chrome";v="120.0.6099.129"',
  },
  { mobile: true, platform: "Android", browserUAWithMajorVersion: '"Chromium";v="116", "Not)A;Brand";v="24", "Microsoft Edge";v="116"' },
  { platform: "Linux" },
  { platform: "Chrome OS", browserUAWithMajorVersion: '" Not A;Brand";v="99", "Chromium";v="96"' },
  { browserUAWithFullVersion: '"Microsoft Edge";v="119.0.2151.97", "Chromium";v="119.0.6045.199"' },
  { browserUAWithMajorVersion: '"Opera";v="105", "Chromium";v="119"' },
  { platform: "iOS" },
  {},
];

const BASE_HOSTS = [
  "example.com",
  "www.example.com",
  "shop.example.co.uk",
  "www.shop.example.co.uk",
  "a.b.c.example.com.au",
  "localhost",
  "127.0.0.1",
  "my-app.us-east-1.elasticbeanstalk.com",
  "foo.github.io",
  "www",
  "www.co.uk",
  "co.uk",
  "EXAMPLE.COM",
  "test.local",
  "xn--bcher-kva.example",
  "bücher.de",
  "site.appspot.com",
  "a.b.kawasaki.jp",
  "city.kawasaki.jp",
];

const ODD_URLS = [
  "",
  "not a url",
  "//example.com/path",
  "example.com/path?x=1",
  "http://user:pass@example.com:8080/p?q=1#f",
  "https://a.com/x?y=a@b.com",
  "mailto:someone@example.com",
  "http://[::1]:8080/",
  "https://example.com:/path",
  "https://example.com#only-fragment",
  "https://example.com?only=query",
  "file:///C:/path/to/file.html",
  "http://example.com/%E2%82%AC?%20=%20",
  "HTTP://WWW.EXAMPLE.COM/UPPER/Path?Q=V#FRAG",
  "https://example.com/a/b/c.html?a=1&b=2&a=3#x?y",
  "http://local-target-test:8080/?a=b",
  "javascript:alert(1)",
  "https://example.com/path\nline2",
  "?a=b",
  "#frag",
  "/relative/path?x#y",
];

const GEO_EXTRA = {
  countryCode: ["US", "CA", "GB", "JP", "ZA", "FR", "us", ""],
  stateCode: ["CA", "BC", "NY", "ON", ""],
  city: ["SAN FRANCISCO", "VANCOUVER", "San Jose", "LONDON", ""],
  latitude: [37.75, 37.8, 37.7, 37.81, 49.28, -33.9, 0],
  longitude: [-122.4, -122.5, -122.3, -122.2, -123.1, 18.4, 0],
};

const IPS = ["8.8.8.8", "2001:db8::1", "192.168.1.1", "unknownIpAddress", "10.0.0.256", "not-an-ip", " 1.2.3.4 "];

/** Addresses valid, almost valid and not at all, for Target's IP validator. */
function randomIp(r: Random): string {
  const octet = () => r.pick([String(r.int(0, 255)), "0", "255", "256", "01", "00", "1000", "", "a"]);
  const group = () => r.pick([r.hex(r.int(1, 4)), "0", "ffff", "FFFF", r.hex(5), "", "g"]);
  return r.weighted([
    [3, () => r.pick(IPS)],
    [3, () => Array.from({ length: r.pick([4, 4, 4, 3, 5]) }, octet).join(".")],
    [
      3,
      () => {
        const n = r.pick([8, 8, 7, 6, 3, 9]);
        const groups = Array.from({ length: n }, group);
        if (r.chance(0.5)) groups.splice(r.int(0, groups.length), r.int(0, 3), "");
        let ip = groups.join(":");
        if (r.chance(0.2)) ip = ip.replace(/[^:]*$/, `${r.int(0, 255)}.${r.int(0, 255)}.${r.int(0, 255)}.${r.int(0, 255)}`);
        return ip;
      },
    ],
    [
      1,
      () =>
        r.pick([
          "::",
          "::1",
          "1::",
          ":::",
          "::ffff:1.2.3.4",
          "fe80::1%eth0",
          "fe80::1%",
          "fe80::1%eth0\n",
          "1.2.3.4\n",
          "\t1.2.3.4",
          "1.2.3.4 x",
          "1:2:3:4:5:6:7::",
          "::2:3:4:5:6:7:8",
          "1:2:3:4:5:6:7:8:9",
        ]),
    ],
  ]);
}

/** Mutations of a URL that keep it recognisable: case, www, suffixes, ports, query, fragment. */
function vary(r: Random, url: string): string {
  return r.weighted([
    [6, url],
    [1, () => url.toUpperCase()],
    [1, () => url.replace(/^(https?:\/\/)/i, "$1www.")],
    [1, () => url.replace(/^(https?:\/\/)www\./i, "$1")],
    [1, () => url.replace(/^https:/i, "http:")],
    [1, () => `${url}${url.includes("?") ? "&" : "?"}${r.word()}=${r.word()}`],
    [1, () => `${url}#${r.word()}`],
    [1, () => url.replace(/^(https?:\/\/[^/?#]+)/i, "$1:8443")],
    [1, () => url.replace(/^(https?:\/\/)/i, `$1${r.word()}:${r.word()}@`)],
    [1, () => url.replace(/^(https?:\/\/[^/?#]+)/i, "$1.co.uk")],
    [1, () => `${url}/${r.word()}`],
  ]);
}

// ---------------------------------------------------------------------------------------
// Chaos: odd but JSON-shaped values that real callers send.

const UA_PARTS = [
  "Mozilla/5.0",
  "Mozilla/4.0",
  "(Windows NT 10.0; Win64; x64)",
  "(Windows NT 6.1; WOW64;",
  "(Macintosh; Intel Mac OS X 10_15_7)",
  "(iPhone; CPU iPhone OS 16_6 like Mac OS X)",
  "(iPad; CPU OS 15_7 like Mac OS X)",
  "(iPod touch;",
  "(Linux; Android 13; Pixel 7)",
  "Android 4.4;",
  "(X11; Linux x86_64)",
  " Linux ",
  "(X11; FreeBSD amd64",
  "OpenBSD",
  "(X11; CrOS x86_64 14541.0.0)",
  " Windows ",
  "AppleWebKit/537.36",
  "(KHTML, like Gecko)",
  "Chrome/120.0.0.0",
  "chrome/9",
  "Version/17.1",
  "version/4.0",
  "Mobile/15E148",
  "mobile/1",
  "Safari/605.1.15",
  "safari",
  "Firefox/121.0",
  "firefox/3.6",
  "Edg/120.0.2210.91",
  "Edge/18.19045",
  "EdgiOS/117.2045.65",
  "EdgA/117.0.2045.53",
  "edg/",
  "Trident/7.0; rv:11.0) like Gecko",
  "Trident/5.0",
  "rv:11.0",
  "like Gecko",
  "MSIE 9.0;",
  "msie 6",
  "(IE 11.0;",
  "OPR/105.0.0.0",
  "CriOS/118.0.5993.92",
  "FxiOS/119.0",
  "SamsungBrowser/23.0",
  "Gecko/20100101",
  "Mac OS X",
  "Macintosh;",
  "compatible;",
  "Version/",
  "Chrome/",
  "Firefox/x",
  "Safari/abc",
  "Version/12.0.1 Safari",
  ";",
  ")",
  "(",
];

function randomUserAgent(r: Random): string {
  const n = r.int(1, 9);
  const parts: string[] = [];
  for (let i = 0; i < n; i++) parts.push(r.pick(UA_PARTS));
  let ua = parts.join(r.pick([" ", " ", " ", "", "  "]));
  if (r.chance(0.1)) ua = ua.toUpperCase();
  if (r.chance(0.1)) ua = ua.toLowerCase();
  return ua;
}

const BRAND = [
  '"Google Chrome"',
  '"Chromium"',
  '"Microsoft Edge"',
  '"Opera"',
  '"Not_A Brand"',
  '" Not A;Brand"',
  '"Brave"',
  '"Safari"',
  '"Firefox"',
  '"HeadlessChrome"',
];

function randomClientHints(r: Random): JsonObject {
  const list = () =>
    Array.from({ length: r.int(0, 4) }, () => `${r.pick(BRAND)};v="${r.int(1, 130)}${r.chance(0.5) ? `.0.${r.int(0, 9999)}.${r.int(0, 300)}` : ""}"`).join(
      r.pick([", ", ","]),
    );
  const out: JsonObject = {};
  if (r.chance(0.5)) out.browserUAWithFullVersion = list();
  if (r.chance(0.5)) out.browserUAWithMajorVersion = list();
  if (r.chance(0.6)) out.platform = r.pick(["Windows", "macOS", "Linux", "Android", "Chrome OS", "iOS", "", "Unknown", "windows"]);
  if (r.chance(0.3)) out.mobile = r.chance(0.5);
  if (r.chance(0.1)) out.model = r.pick(["Pixel 7", ""]);
  return out;
}

const HOST_LABELS = [
  "www",
  "www2",
  "wwwx",
  "shop",
  "a",
  "b",
  "example",
  "test",
  "co",
  "uk",
  "com",
  "au",
  "jp",
  "kawasaki",
  "city",
  "github",
  "io",
  "appspot",
  "blogspot",
  "xn--bcher-kva",
  "bücher",
  "EXAMPLE",
  "WWW",
  "local",
  "localhost",
  "s3",
  "amazonaws",
  "elasticbeanstalk",
  "us-east-1",
  "-bad",
  "x_y",
  "123",
  "0",
  "org",
  "net",
  "de",
  "ck",
  "bd",
  "mm",
  "er",
  "nom",
  "br",
  "gov",
  "k12",
  "ak",
  "us",
  "herokuapp",
  "cloudfront",
  "compute",
  "ec2",
  "eu-west-1",
  "é",
  "ñandú",
  "münchen",
  "test-",
  "a-b",
];

function randomHost(r: Random): string {
  const n = r.int(1, 5);
  const labels = Array.from({ length: n }, () => r.pick(HOST_LABELS));
  let host = labels.join(".");
  if (r.chance(0.05)) host += ".";
  if (r.chance(0.03)) host = `.${host}`;
  if (r.chance(0.03)) host = host.replace(".", "..");
  if (r.chance(0.03)) host = host.replace(".", "\u3002");
  return host;
}

const URL_PIECES = [
  "http",
  "https",
  "ftp",
  ":",
  "//",
  "/",
  "?",
  "#",
  "@",
  ".",
  "www",
  "example",
  "com",
  "co.uk",
  "8080",
  "a=b",
  "&",
  "user",
  "pass",
  " ",
  "%20",
  "\n",
  "..",
  "-",
  "index.html",
  "x",
  "=",
  ";",
  "\\",
  "[::1]",
  "é",
];

function randomUrl(r: Random): string {
  return r.weighted([
    [
      3,
      () => {
        const scheme = r.pick(["https://", "http://", "HTTPS://", "//", "", "ftp://", "https:/", "https:"]);
        const cred = r.chance(0.1) ? `${r.word()}${r.chance(0.5) ? `:${r.word()}` : ""}@` : "";
        const port = r.chance(0.1) ? `:${r.pick(["80", "8080", "", "abc"])}` : "";
        const path = r.chance(0.7) ? `/${Array.from({ length: r.int(0, 3) }, () => r.pick([r.word(), "", "a.b", "x@y", "c:d"])).join("/")}` : "";
        const query = r.chance(0.4) ? `?${r.pick(["a=b", "", "x=1&y=2", "q=a@b.com", "u=http://x.com/?z#", "%41=%42"])}` : "";
        const frag = r.chance(0.3) ? `#${r.pick(["top", "", "a?b", "x#y", "/route?p=1"])}` : "";
        return `${scheme}${cred}${randomHost(r)}${port}${path}${query}${frag}`;
      },
    ],
    [1, () => Array.from({ length: r.int(1, 12) }, () => r.pick(URL_PIECES)).join("")],
  ]);
}

/** A JSON value of any type, small. */
function oddValue(r: Random): unknown {
  return r.pick<unknown>(["", " ", "MiXeD", "0", "1.5", "true", "null", 0, 1, -1, 1.5, true, false, null, ["A", "b"], { x: "Y" }, [], {}]);
}

const PARAM_KEYS = [
  "0",
  "10",
  "2",
  "a.0",
  "a.b",
  "a",
  "a_lc",
  "A",
  "length",
  "name",
  "index",
  "a.b.c",
  "a.b_lc",
  "x.y",
  "x",
  "é",
  "with space",
  "UPPER",
  "dot.",
  ".dot",
  "a..b",
  "_lc",
  "a.b.c.d.e",
];

// ---------------------------------------------------------------------------------------
// The generator.

/** A generator of cases over the given artifacts: `generate(seed)` returns one case. */
export function createGenerator(artifacts: NamedArtifact[]): { generate(seed: number): GeneratedCase; artifacts: Array<NamedArtifact & { h: Harvest }> } {
  const infos = artifacts.map(({ name, artifact }) => ({ name, artifact, h: harvest(artifact) }));
  const usable = infos.filter((i) => Number.parseInt(String(i.artifact.version), 10) === 1);

  function harvestedUrls(h: Harvest) {
    const urls: string[] = [];
    const domains = [...h.valuesOf("page.domain"), ...h.valuesOf("page.domain_lc")].map(String);
    const subdomains = h.valuesOf("page.subdomain_lc").map(String);
    const tlds = h.valuesOf("page.topLevelDomain_lc").map(String);
    const paths = [...h.valuesOf("page.path"), ...h.valuesOf("page.path_lc")].map(String);
    const queries = [...h.valuesOf("page.query"), ...h.valuesOf("page.query_lc")].map(String);
    const contains = [...h.valuesOf("page.url_lc#in"), ...h.valuesOf("page.query_lc#in")].map(String);
    for (const lit of h.literals) if (typeof lit === "string" && /^https?:\/\//.test(lit)) urls.push(lit);
    for (const d of domains) urls.push(`https://${d}/`);
    for (const sub of subdomains) for (const d of domains.length ? domains : ["hooli.com"]) urls.push(`https://${sub}.${d}/`);
    for (const t of tlds) urls.push(`https://www.${domains[0]?.split(".")[0] ?? "hooli"}.${t}/`);
    return { urls, domains, paths, queries, contains };
  }

  /** A page URL: aimed at the hints when given, else harvested, varied or odd. */
  function url(r: Random, h: Harvest, hints?: Hints): string {
    const page = hints && [...hints.keys()].some((k) => k.startsWith("page.") || k.startsWith("referring."));
    if (page && r.chance(0.85)) {
      const get = (k: string): unknown => hints.get(`page.${k}`) ?? hints.get(`page.${k}_lc`);
      if (typeof get("url") === "string") return get("url") as string;
      let host = (get("domain") as string | undefined) ?? r.pick(BASE_HOSTS);
      const sub = get("subdomain");
      const tld = get("topLevelDomain");
      if (tld !== undefined && get("domain") === undefined) host = `${r.pick(["hooli", "wayne-enterprises", "example"])}.${tld}`;
      if (sub !== undefined && sub !== "") host = `${r.chance(0.3) ? "www." : ""}${sub}.${host}`;
      let path = get("path") ?? (r.chance(0.5) ? "/" : `/${r.word()}`);
      if (typeof path === "string" && !path.startsWith("/")) path = `/${path}`;
      const queryHint = get("query");
      let query = queryHint !== undefined ? `?${queryHint}` : "";
      const contains = get("url");
      const extra = contains && typeof contains === "object" ? (contains as { contains: unknown }).contains : undefined;
      const qContains = hints.get("page.query_lc");
      if (qContains && typeof qContains === "object") query = `?${(qContains as { contains: unknown }).contains}=${r.word()}`;
      let out = `${r.pick(["https", "http"])}://${host}${path}${query}${r.chance(0.2) ? `#${r.word()}` : ""}`;
      if (extra !== undefined) out = r.chance(0.5) ? `${out}${out.includes("?") ? "&" : "?"}x=${extra}` : `https://${extra}/${r.word()}`;
      return r.chance(0.8) ? out : vary(r, out);
    }
    const hv = harvestedUrls(h);
    return r.weighted<string>([
      [hv.urls.length ? 5 : 0, () => vary(r, r.pick(hv.urls))],
      [
        hv.domains.length || hv.paths.length ? 5 : 0,
        () => {
          const host = hv.domains.length && r.chance(0.8) ? r.pick(hv.domains) : r.pick(BASE_HOSTS);
          const path = hv.paths.length && r.chance(0.7) ? r.pick(hv.paths) : `/${r.word()}`;
          const query = hv.queries.length && r.chance(0.5) ? `?${r.pick(hv.queries)}` : r.chance(0.3) ? `?${r.word()}=${r.word()}` : "";
          const frag = r.chance(0.2) ? `#${r.word()}` : "";
          return vary(r, `${r.pick(["https", "http"])}://${host}${path}${query}${frag}`);
        },
      ],
      [
        hv.contains.length ? 3 : 0,
        () => {
          const needle = r.pick(hv.contains);
          return r.weighted<string>([
            [1, `https://${needle}/`],
            [1, `https://${r.pick(BASE_HOSTS)}/${needle}?${needle}=${r.word()}`],
            [1, `https://${r.pick(BASE_HOSTS)}/?parameter=${needle}`],
          ]);
        },
      ],
      [3, () => vary(r, `https://${r.pick(BASE_HOSTS)}/${r.chance(0.5) ? r.word() : ""}`)],
      [2, () => r.pick(ODD_URLS)],
      [2, () => randomUrl(r)],
    ]);
  }

  function parameterValue(r: Random, h: Harvest, key: string): unknown {
    const base = key.replace(/_lc$/, "");
    const known = [...h.valuesOf(`mbox.${key}`), ...h.valuesOf(`mbox.${base}`), ...h.valuesOf(`mbox.${base}_lc`), ...h.valuesOf(`mbox.${key}#in`)];
    return r.weighted<unknown>([
      [
        known.length ? 6 : 0,
        () => {
          const v = r.pick(known);
          return typeof v === "string"
            ? r.weighted<string>([
                [4, v],
                [1, v.toUpperCase()],
                [1, `${v} ${r.word()}`],
                [1, `x${v}`],
              ])
            : v;
        },
      ],
      [2, () => r.word()],
      [1, () => r.pick(["", "0", "1", "true", "CORRECT", "Correct"])],
      [0.5, () => oddValue(r)],
    ]);
  }

  /** Item parameters; `hints` (var name -> value) puts the wanted `mbox.*` values in. */
  function parameters(r: Random, h: Harvest, hints: Hints | undefined, chaos: boolean): JsonObject {
    const out: JsonObject = {};
    const keys = new Set<string>();
    for (const v of h.varsWithPrefix("mbox.")) {
      const key = v.slice(5).replace(/_lc$/, "");
      if (r.chance(0.5)) keys.add(key);
    }
    for (const m of h.macros) {
      const parts = m.split(".");
      if (r.chance(0.3)) keys.add(parts[parts.length - 1] as string);
    }
    if (r.chance(0.3)) keys.add(r.word());
    if (r.chance(0.1)) keys.add(`${r.word()}.${r.word()}`);
    if (chaos) for (let i = r.int(1, 4); i > 0; i--) keys.add(r.pick(PARAM_KEYS));
    for (const key of keys) out[key] = chaos && r.chance(0.3) ? oddValue(r) : parameterValue(r, h, key);
    if (hints) {
      for (const [name, value] of hints) {
        if (!name.startsWith("mbox.")) continue;
        const key = name.slice(5).replace(/_lc$/, "");
        const v = value && typeof value === "object" ? `${r.word()}${(value as { contains: unknown }).contains}${r.word(0, 3)}` : value;
        out[key] = typeof v === "string" && name.endsWith("_lc") && r.chance(0.3) ? v.toUpperCase() : v;
      }
    }
    return out;
  }

  function address(r: Random, h: Harvest, hints?: Hints): JsonObject {
    const out: JsonObject = {};
    if (r.chance(0.92)) out.url = url(r, h, hints);
    if (r.chance(0.4)) out.referringUrl = r.chance(0.5) ? url(r, h) : r.pick(["https://www.google.com/search?q=x", "https://t.co/abc", ""]);
    return out;
  }

  function geo(r: Random, h: Harvest, hints: Hints | undefined, geoTargeting: boolean, chaos: boolean): JsonObject | undefined {
    const harvested: Record<keyof typeof GEO_EXTRA, unknown[]> = {
      countryCode: h.valuesOf("geo.country"),
      stateCode: h.valuesOf("geo.region"),
      city: h.valuesOf("geo.city"),
      latitude: h.valuesOf("geo.latitude").map(Number),
      longitude: h.valuesOf("geo.longitude").map(Number),
    };
    const fromHints = { countryCode: "geo.country", stateCode: "geo.region", city: "geo.city", latitude: "geo.latitude", longitude: "geo.longitude" };
    const value = (key: keyof typeof GEO_EXTRA): unknown => {
      if (chaos && r.chance(0.2)) return oddValue(r);
      const list = harvested[key];
      const v = list.length && r.chance(0.7) ? r.pick(list) : r.pick<unknown>(GEO_EXTRA[key]);
      if (typeof v === "number")
        return r.weighted<number | string>([
          [4, v],
          [1, v + 0.01],
          [1, v - 0.01],
          [1, String(v)],
        ]);
      return v;
    };
    const aimed = hints && [...hints.keys()].some((k) => k.startsWith("geo."));
    if (aimed && r.chance(0.9)) {
      const out: JsonObject = {};
      for (const [key, name] of Object.entries(fromHints) as Array<[keyof typeof GEO_EXTRA, string]>) {
        if (hints.has(name))
          out[key] =
            key === "latitude" || key === "longitude"
              ? r.weighted<unknown>([
                  [3, () => Number(hints.get(name))],
                  [1, hints.get(name)],
                ])
              : hints.get(name);
        else if (r.chance(0.3)) out[key] = value(key);
      }
      return out;
    }
    return r.weighted<JsonObject | undefined>([
      [2, undefined],
      [
        6,
        () => {
          const out: JsonObject = {};
          for (const key of ["countryCode", "stateCode", "city", "latitude", "longitude"] as const) if (r.chance(0.6)) out[key] = value(key);
          if (r.chance(0.3)) out.ipAddress = randomIp(r);
          return out;
        },
      ],
      // An IP alone: with geo targeting this goes to the (fake) geo service.
      [geoTargeting ? 2 : 1, () => ({ ipAddress: randomIp(r) })],
      [0.5, {}],
    ]);
  }

  function ids(r: Random, chaos: boolean): JsonObject | undefined {
    const tnt = () => `${r.hex(32)}${r.chance(0.5) ? `.${r.pick(["28_0", "35_0", "31_0", "x", "a.b"])}` : ""}`;
    const odd = () => r.pick<unknown>([0, 123, true, null, "", " ", "a.b.c"]);
    return r.weighted<JsonObject | undefined>([
      [2, undefined],
      [5, () => ({ tntId: tnt() })],
      [2, () => ({ marketingCloudVisitorId: r.hex(38) })],
      [1, () => ({ thirdPartyId: `third-${r.word()}` })],
      [1, () => ({ tntId: tnt(), marketingCloudVisitorId: r.hex(38), thirdPartyId: r.word() })],
      [1, () => ({ customerIds: [{ id: r.word(), integrationCode: "crm", authenticatedState: r.pick(["authenticated", "logged_out", "unknown"]) }] })],
      [0.5, () => ({ tntId: "", marketingCloudVisitorId: "", thirdPartyId: "" })],
      [0.5, () => ({ tntId: `.${r.word()}` })],
      [0.5, {}],
      [chaos ? 2 : 0, () => ({ tntId: odd(), marketingCloudVisitorId: odd(), thirdPartyId: odd() })],
      [
        chaos ? 1 : 0,
        () => ({
          tntId: odd(),
          customerIds: r.pick<unknown>([
            [],
            [
              { id: "c", authenticatedState: "authenticated" },
              { id: "d", authenticatedState: "authenticated" },
            ],
            [{ authenticatedState: "authenticated" }],
          ]),
        }),
      ],
    ]);
  }

  function mboxName(r: Random, h: Harvest, chaos: boolean): unknown {
    return r.weighted<unknown>([
      [6, () => (h.mboxes.length ? r.pick(h.mboxes) : r.word())],
      [1, () => (h.localMboxes.length ? r.pick(h.localMboxes) : r.word())],
      [1, () => (h.remoteMboxes.length ? r.pick(h.remoteMboxes) : r.word())],
      [1, () => `unknown-${r.word()}`],
      [1, () => h.globalMbox],
      [0.3, "target-global-mbox"],
      [chaos ? 1 : 0, () => r.pick(["", " ", 0, 7, (h.mboxes[0] ?? "x").toUpperCase(), ` ${h.mboxes[0] ?? "x"}`, null])],
    ]);
  }

  function mboxItem(r: Random, h: Harvest, state: CaseState, name?: string, hints?: Hints): JsonObject {
    const item: JsonObject =
      name === undefined
        ? r.weighted<JsonObject>([
            [8, () => ({ name: mboxName(r, h, state.chaos) })],
            [0.3, {}],
          ])
        : { name };
    const idx = r.weighted<unknown>([
      [6, () => state.index++],
      [1, undefined],
      [1, () => state.index - 1],
      [state.chaos ? 1 : 0.2, () => r.pick(["3", -1, 1.5, null, 0])],
    ]);
    if (idx !== undefined) item.index = idx;
    if (hints || r.chance(0.6)) item.parameters = parameters(r, h, hints, state.chaos);
    if (r.chance(0.1)) item.address = address(r, h, hints);
    if (r.chance(0.03)) item.address = {};
    return item;
  }

  function mboxes(r: Random, h: Harvest, state: CaseState): JsonObject[] {
    const n = r.weighted<number>([
      [3, 1],
      [3, 2],
      [2, 3],
      [1, 5],
      [0.3, 0],
    ]);
    const out: JsonObject[] = [];
    for (let i = 0; i < n; i++) {
      const item = mboxItem(r, h, state);
      if (r.chance(0.15) && out.length) item.name = (out[out.length - 1] as JsonObject).name; // duplicate
      out.push(item);
    }
    return out;
  }

  function viewItem(r: Random, h: Harvest, state: CaseState, name?: string, hints?: Hints): JsonObject {
    const item: JsonObject =
      name !== undefined
        ? { name }
        : r.weighted<JsonObject>([
            [5, () => ({ name: h.views.length ? r.pick(h.views) : r.word() })],
            [3, {}],
            [1, () => ({ name: `unknown-${r.word()}` })],
            [0.5, () => ({ name: h.localViews.length ? r.pick(h.localViews) : r.word() })],
            [0.5, () => ({ name: h.remoteViews.length ? r.pick(h.remoteViews) : r.word() })],
            [state.chaos ? 0.5 : 0, () => ({ name: r.pick(["", null, 0]) })],
          ]);
    if (hints || r.chance(0.6)) item.parameters = parameters(r, h, hints, state.chaos);
    if (r.chance(0.1)) item.address = address(r, h, hints);
    return item;
  }

  function views(r: Random, h: Harvest, state: CaseState): JsonObject[] {
    const n = r.weighted<number>([
      [3, 1],
      [1, 2],
      [0.3, 0],
    ]);
    return Array.from({ length: n }, () => viewItem(r, h, state));
  }

  function pageLoad(r: Random, h: Harvest, state: CaseState, hints?: Hints): JsonObject {
    const out: JsonObject = {};
    if (hints || r.chance(0.6)) out.parameters = parameters(r, h, hints, state.chaos);
    if (r.chance(0.1)) out.address = address(r, h, hints);
    return out;
  }

  function mode(r: Random, h: Harvest, state: CaseState, allowViews: boolean): ModeRequest {
    const out: ModeRequest = {};
    if (r.chance(0.6)) out.mboxes = mboxes(r, h, state);
    if (r.chance(0.4)) out.pageLoad = pageLoad(r, h, state);
    if (allowViews && r.chance(h.views.length ? 0.5 : 0.2)) out.views = views(r, h, state);
    if (Object.keys(out).length === 0) out.mboxes = mboxes(r, h, state);
    return out;
  }

  /** Put the aimed-at item into a mode, at a random position. */
  function aim(r: Random, h: Harvest, state: CaseState, modeRequest: ModeRequest, target: Target): void {
    const { kind, name, hints } = target;
    if (kind === "view") {
      const list = (modeRequest.views ??= []);
      list.splice(r.int(0, list.length), 0, viewItem(r, h, state, r.chance(0.85) ? name : undefined, hints));
      if (!list[0]) list.shift();
    } else if (name === h.globalMbox && r.chance(0.6)) {
      modeRequest.pageLoad = pageLoad(r, h, state, hints);
    } else {
      const list = (modeRequest.mboxes ??= []);
      list.splice(r.int(0, list.length), 0, mboxItem(r, h, state, name, hints));
    }
  }

  function timestamp(r: Random, h: Harvest, hints?: Hints): number {
    const ranges = h.valuesOf("current_timestamp").map(Number).filter(Number.isFinite);
    const days = h.valuesOf("current_day").map(Number);
    const times = h.valuesOf("current_time").map(String);
    let t = r.weighted<number>([
      [hints?.has("current_timestamp") ? 8 : 0, () => Number(hints?.get("current_timestamp")) + r.pick([-1, 0, 0, 0, 1])],
      [ranges.length ? 4 : 0, () => r.pick(ranges) + r.pick([-1, 0, 1, -3600000, 3600000, r.int(-5e8, 5e8)])],
      [4, () => Date.UTC(r.int(2015, 2030), r.int(0, 11), r.int(1, 28), r.int(0, 23), r.int(0, 59), r.int(0, 59)) + r.int(0, 999)],
      [0.3, () => r.pick([0, 86399999, 951782400000, 4102444799999, -1, -86400001, Date.UTC(1969, 11, 28, 23, 59)])],
    ]);
    const wantDay = hints?.has("current_day") ? hints.get("current_day") : days.length && r.chance(0.3) ? r.pick(days) : undefined;
    if (wantDay !== undefined && Number.isFinite(Number(wantDay))) {
      // Move to that weekday (1 = Monday ... 7 = Sunday; getUTCDay has Sunday = 0).
      const want = Number(wantDay) % 7;
      const have = new Date(t).getUTCDay();
      t += ((((want - have) % 7) + 7) % 7) * 86400000;
    }
    const wantTime = hints?.has("current_time") ? hints.get("current_time") : times.length && r.chance(0.3) ? r.pick(times) : undefined;
    if (wantTime !== undefined) {
      const hhmm = String(wantTime).padStart(4, "0");
      const d = new Date(t);
      const hh = Math.min(23, Number(hhmm.slice(0, 2)) || 0);
      const mm = Math.min(59, Number(hhmm.slice(2, 4)) || 0);
      t = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate(), hh, mm + r.pick([-1, 0, 0, 1]), r.int(0, 59));
    }
    return t;
  }

  function userAgentFor(r: Random, hints: Hints | undefined, chaos: boolean): string {
    const wanted = hints?.get("user.browserType");
    if (typeof wanted === "string" && r.chance(0.9)) {
      const match = USER_AGENTS.filter((ua) => {
        const l = ua.toLowerCase();
        if (wanted === "chrome") return l.includes("chrome/") && !l.includes("edg") && !l.includes("version/");
        if (wanted === "firefox") return /firefox\/[\d.]+$/.test(l);
        if (wanted === "safari") return l.includes("version/") && !l.includes("mobile/");
        if (wanted === "mobile safari") return l.includes("version/") && l.includes("mobile/");
        if (wanted === "ie") return l.includes("msie") || l.includes("trident");
        if (wanted === "edge") return /edg[a-z]*\//.test(l);
        return false;
      });
      if (match.length) return r.pick(match);
    }
    return chaos && r.chance(0.5) ? randomUserAgent(r) : r.pick(USER_AGENTS);
  }

  /** One case: which artifact, the getOffers options, the frozen clock and the engine flavour. */
  function generate(seed: number): GeneratedCase {
    const r = createRandom(seed);
    const info = r.pick(usable);
    const { h, artifact } = info;
    const state: CaseState = { index: r.int(0, 2), chaos: r.chance(0.25) };
    // Aim at one rule most of the time, so that conditions hold often.
    let target: Target | undefined;
    const allRules: Array<Omit<Target, "hints" | "token">> = [
      ...Object.entries(artifact.rules?.mboxes ?? {}).flatMap(([name, rules]) => rules.map((rule) => ({ kind: "mbox" as const, name, rule }))),
      ...Object.entries(artifact.rules?.views ?? {}).flatMap(([name, rules]) => rules.map((rule) => ({ kind: "view" as const, name, rule }))),
    ];
    if (allRules.length && r.chance(0.7)) {
      const chosen = r.pick(allRules);
      target = { ...chosen, hints: conditionHints(r, chosen.rule.condition) };
      if (chosen.rule.propertyTokens?.length) target.token = r.pick(chosen.rule.propertyTokens);
    }
    const hints = target?.hints;
    const request: GeneratedRequest = {};
    if (r.chance(0.9)) {
      const context: JsonObject = {};
      if (r.chance(0.9)) context.channel = r.pick(["web", "web", "mobile"]);
      if (r.chance(0.85)) context.userAgent = userAgentFor(r, hints, state.chaos);
      if (r.chance(0.2)) context.clientHints = state.chaos || r.chance(0.5) ? randomClientHints(r) : { ...r.pick(CLIENT_HINTS) };
      if (r.chance(0.9)) context.address = address(r, h, hints);
      const g = geo(r, h, hints, Boolean(artifact.geoTargetingEnabled), state.chaos);
      if (g !== undefined) context.geo = g;
      if (r.chance(0.1)) context.browser = { host: "example.com" };
      if (state.chaos && r.chance(0.1)) context.address = r.pick([null, {}, { url: null }, { url: 42 }]);
      request.context = context;
    }
    const id = ids(r, state.chaos);
    if (id !== undefined) request.id = id;
    if (r.chance(0.3))
      request.requestId = r.weighted<string | number>([
        [3, () => r.hex(32)],
        [1, ""],
        [1, () => `req-${r.word()}`],
        [state.chaos ? 1 : 0, 0],
      ]);
    const tokens = h.propertyTokens;
    const prop = r.weighted<JsonObject | undefined>([
      [4, undefined],
      [target?.token ? 6 : 0, () => ({ token: target?.token })],
      [tokens.length ? 4 : 0, () => ({ token: r.pick(tokens) })],
      [1, () => ({ token: `${r.hex(8)}-${r.hex(4)}` })],
      [0.5, {}],
      [state.chaos ? 0.5 : 0, () => ({ token: "" })],
    ]);
    if (prop !== undefined) request.property = prop;
    // Traces show the whole evaluated context (user, page, referring, mbox, geo, time), so
    // they are the sharpest probe of the context builders.
    if (r.chance(state.chaos ? 0.7 : 0.35)) request.trace = r.pick<JsonObject | null>([{}, { authorizationToken: "token" }, { usage: {} }, null]);
    if (r.chance(0.1)) request.experienceCloud = { analytics: { logging: "server_side" } };
    const which = r.weighted<"execute" | "prefetch" | "both">([
      [4, "execute"],
      [4, "prefetch"],
      [3, "both"],
    ]);
    // execute.views that merge two matches make the reference throw (decisioning.md 7); keep them rarer.
    const executeViews = r.chance(0.3);
    if (which !== "prefetch") request.execute = mode(r, h, state, executeViews);
    if (which !== "execute") request.prefetch = mode(r, h, state, true);
    if (target) {
      const modeName = which === "both" ? r.pick(["execute", "prefetch"] as const) : which;
      // The mode was generated just above: `which` is that mode, or both.
      if (target.kind !== "view" || modeName === "prefetch" || executeViews) aim(r, h, state, request[modeName] as ModeRequest, target);
      else aim(r, h, state, request.prefetch ?? (request.prefetch = {}), target);
    }
    if (state.chaos && r.chance(0.1)) request[r.pick(["execute", "prefetch"] as const)] = {};
    if (state.chaos && r.chance(0.05)) {
      // Inputs the reference itself fails on (its TypeErrors are reported apart by compare.ts).
      // Never `__proto__`/`constructor` parameter keys: those pollute the reference's process.
      r.pick([
        () => request.context && (request.context.clientHints = null),
        () => request.context && (request.context.userAgent = r.pick<unknown>([null, 42])),
        () => (request.property = null),
        () => (request.id = { customerIds: [null] }),
        () => (request.id = { customerIds: "c1" }),
        () => {
          const m = request.execute ?? request.prefetch ?? (request.prefetch = {});
          (m.mboxes ??= []).push({ name: r.pick(["constructor", "toString", "hasOwnProperty", "__proto__", "valueOf"]), index: 9 });
        },
        () => {
          const m = (request.prefetch ??= {});
          (m.views ??= []).push({ name: r.pick(["constructor", "toString", "__proto__"]) });
        },
        () => request.context && (request.context.geo = null),
        () => request.context && (request.context.geo = { latitude: "x", ipAddress: 42 }),
      ])();
    }
    if (state.chaos && r.chance(0.03)) {
      // Nothing to decide: a bare context, or nothing at all.
      delete request.execute;
      delete request.prefetch;
    }
    const options: GeneratedOptions = { request };
    if (r.chance(0.05)) options.visitor = { marketingCloudVisitorId: r.hex(38), state: { a: 1 } };
    if (r.chance(0.2)) options.sessionId = r.hex(16);
    if (r.chance(0.2)) options.targetLocationHint = r.pick(["28", "35", "31", ""]);
    const now = timestamp(r, h, hints);
    const flavour = r.weighted<Flavour>([
      [6, "psl"],
      [2, "psl-no-telemetry"],
      [2, "basic"],
    ]);
    return { seed, artifactName: info.name, options, now, flavour, aimedAt: target ? `${target.kind}:${target.name}:${target.rule.ruleKey}` : undefined };
  }

  return { generate, artifacts: usable };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const seed = Number(process.argv[2] ?? 1);
  const count = Number(process.argv[3] ?? 3);
  const gen = createGenerator(loadArtifacts());
  for (let s = seed; s < seed + count; s++) console.log(JSON.stringify(gen.generate(s), null, 1));
}
