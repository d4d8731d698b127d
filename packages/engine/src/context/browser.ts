/**
 * Browser and platform detection for the `user.*` context.
 *
 * Results equal the reference engine's `createBrowserContext`, whose detection is a list of
 * regexes tried in order. Several of those regexes (`.+?` / `.+` followed by fixed text)
 * backtrack quadratically or worse on long hostile user agents, so each one is re-derived
 * here as a linear scan. The comment above each matcher states the regex it stands for and
 * why the scan yields the same capture group.
 *
 * Case-insensitivity follows non-unicode `/i`: only ASCII letters fold (the Kelvin sign or a
 * dotted capital I never match `k` or `i`), so the input is folded with an ASCII-only map
 * that keeps every index in place.
 */

import { Lru } from "../util/lru.js";

/** The `user` part of the decisioning context. */
export interface BrowserContext {
  readonly browserType: string;
  readonly platform: string;
  readonly locale: string;
  readonly browserVersion: number;
}

/** User-agent client hints that take part in browser and platform detection. */
export interface BrowserClientHints {
  browserUAWithFullVersion?: string;
  browserUAWithMajorVersion?: string;
  platform?: string;
}

const UNKNOWN = "unknown";

interface Detected {
  name: string;
  version: number;
}

const NOT_DETECTED: Detected = { name: UNKNOWN, version: -1 };

// ---------------------------------------------------------------------------------------
// Character classes, exactly as the reference regexes (no `u` flag) define them.

/** `\w` without the `u` flag: ASCII letters, digits and underscore, even under `/i`. */
function isWord(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95;
}

/** `[\w.]` */
function isWordOrDot(c: number): boolean {
  return isWord(c) || c === 46;
}

/** `[\w.-]` */
function isWordDotOrDash(c: number): boolean {
  return isWord(c) || c === 46 || c === 45;
}

/** `[0-9.]` */
function isDigitOrDot(c: number): boolean {
  return (c >= 48 && c <= 57) || c === 46;
}

/** What `.` refuses without the `s` flag. */
function isLineTerminator(c: number): boolean {
  return c === 10 || c === 13 || c === 0x2028 || c === 0x2029;
}

/**
 * `\s`: ECMAScript WhiteSpace plus LineTerminator (Unicode Zs as V8 ships it). Like the
 * other predicates it rejects the NaN that `charCodeAt` gives past the end of a string.
 */
function isSpace(c: number): boolean {
  if (c <= 32) return c === 32 || (c >= 9 && c <= 13);
  if (c < 0xa0) return false;
  return (
    c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff
  );
}

/** End of the run of `pred` characters starting at `from`. */
function runEnd(s: string, from: number, pred: (c: number) => boolean): number {
  let i = from;
  while (i < s.length && pred(s.charCodeAt(i))) i++;
  return i;
}

const ASCII_UPPER = /[A-Z]+/g;
const NON_ASCII = /[^\x00-\x7f]/;

/** ASCII-only lower-casing; `toLowerCase` would fold non-ASCII letters and shift indices. */
function foldAscii(s: string): string {
  return NON_ASCII.test(s) ? s.replace(ASCII_UPPER, (m) => m.toLowerCase()) : s.toLowerCase();
}

/** Ascending indices of every (possibly overlapping) occurrence of `needle`. */
function occurrences(haystack: string, needle: string): number[] {
  const found: number[] = [];
  for (let i = haystack.indexOf(needle); i >= 0; i = haystack.indexOf(needle, i + 1)) found.push(i);
  return found;
}

/** Largest element of an ascending array that is below `limit`, or -1. */
function lastBelow(sorted: readonly number[], limit: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((sorted[mid] as number) < limit) lo = mid + 1;
    else hi = mid;
  }
  return lo === 0 ? -1 : (sorted[lo - 1] as number);
}

/** Smallest element of an ascending array that is at least `from`, or `fallback`. */
function firstAtLeast(sorted: readonly number[], from: number, fallback: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((sorted[mid] as number) < from) lo = mid + 1;
    else hi = mid;
  }
  return lo < sorted.length ? (sorted[lo] as number) : fallback;
}

/** The reference's version rule: `parseInt(version.split(".")[0], 10)`, NaN and -0 included. */
function majorOf(version: string): number {
  const dot = version.indexOf(".");
  return parseInt(dot < 0 ? version : version.slice(0, dot), 10);
}

/** One scan of a user agent: the original, its ASCII fold, and lazily found line ends. */
class Scan {
  readonly s: string;
  readonly lower: string;
  private lineEnds: number[] | undefined;

  constructor(s: string) {
    this.s = s;
    this.lower = foldAscii(s);
  }

  /** Index of the first line terminator at or after `from` (the string length when none). */
  nextLineEnd(from: number): number {
    if (this.lineEnds === undefined) {
      const ends: number[] = [];
      for (let i = 0; i < this.s.length; i++) if (isLineTerminator(this.s.charCodeAt(i))) ends.push(i);
      this.lineEnds = ends;
    }
    return firstAtLeast(this.lineEnds, from, this.s.length);
  }
}

// ---------------------------------------------------------------------------------------
// User-agent matchers, in the reference's order.

/**
 * `/(edge|edgios|edga|edg)\/((\d+)?[\w.]+)/i`, group 2. The four alternatives differ in the
 * character after `edg`, so at most one fits at any index; the group is the whole `[\w.]`
 * run after the slash because nothing follows it in the pattern.
 */
function matchEdge(scan: Scan): string | undefined {
  const { s, lower } = scan;
  for (let i = lower.indexOf("edg"); i >= 0; i = lower.indexOf("edg", i + 1)) {
    let start = -1;
    if (lower.startsWith("e/", i + 3)) start = i + 5;
    else if (lower.startsWith("ios/", i + 3)) start = i + 7;
    else if (lower.startsWith("a/", i + 3)) start = i + 5;
    else if (lower.startsWith("/", i + 3)) start = i + 4;
    if (start >= 0 && isWordOrDot(s.charCodeAt(start))) return s.slice(start, runEnd(s, start, isWordOrDot));
  }
  return undefined;
}

/**
 * Shared shape of the two Safari regexes: `version\/([\w.]+).+?TAIL`, group 1.
 *
 * For `version/` at i, let the `[\w.]` run start at v with length L. Keeping k characters
 * of the run succeeds iff some TAIL match q satisfies q >= v + k + 1 (the lazy `.+?` needs
 * one character) with no line terminator in [v + k, q). The run itself holds none, so the
 * only limit is the first line terminator at or after v + L. Greedy `[\w.]+` keeps the
 * largest workable k: min(L, qmax - v - 1) for the last TAIL match qmax before that limit,
 * provided qmax >= v + 2. TAIL matches may sit inside the run (`Version/12safari` keeps
 * `1`). Leftmost i wins. Run ends never decrease with i, so the scan stays linear.
 */
function matchVersionThen(scan: Scan, tails: readonly number[]): string | undefined {
  if (tails.length === 0) return undefined;
  const { s, lower } = scan;
  for (let i = lower.indexOf("version/"); i >= 0; i = lower.indexOf("version/", i + 1)) {
    const v = i + 8;
    const end = runEnd(s, v, isWordOrDot);
    if (end === v) continue;
    const q = lastBelow(tails, scan.nextLineEnd(end));
    if (q >= v + 2) return s.slice(v, Math.min(end, q - 1));
  }
  return undefined;
}

/** Ascending starts of `mobile\/\w+\s(safari)`; `\w+` must take its whole run since `\s` is no `\w`. */
function mobileSafariTails(scan: Scan): number[] {
  const { s, lower } = scan;
  const tails: number[] = [];
  for (const q of occurrences(lower, "mobile/")) {
    const end = runEnd(s, q + 7, isWord);
    if (end > q + 7 && isSpace(s.charCodeAt(end)) && lower.startsWith("safari", end + 1)) tails.push(q);
  }
  return tails;
}

/** Ascending starts of `(mobile\s?safari|safari)`. */
function safariTails(scan: Scan): number[] {
  const { s, lower } = scan;
  const starts = occurrences(lower, "safari");
  const mobiles: number[] = [];
  for (const q of occurrences(lower, "mobile")) {
    if (lower.startsWith("safari", q + 6) || (isSpace(s.charCodeAt(q + 6)) && lower.startsWith("safari", q + 7))) {
      mobiles.push(q);
    }
  }
  if (mobiles.length === 0) return starts;
  return mergeSorted(starts, mobiles);
}

/** Union of two ascending arrays, ascending. */
function mergeSorted(a: readonly number[], b: readonly number[]): number[] {
  const out: number[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    const x = i < a.length ? (a[i] as number) : Infinity;
    const y = j < b.length ? (b[j] as number) : Infinity;
    if (x <= y) {
      out.push(x);
      i++;
    } else {
      out.push(y);
      j++;
    }
  }
  return out;
}

/**
 * `/(chrome)\/v?([\w.]+)/i`, group 2. `v?` keeps the `v` only when a `[\w.]` character
 * follows it; otherwise it backtracks and the group is the run starting at the `v` itself
 * (`chrome/v` yields `v`, hence NaN).
 */
function matchChrome(scan: Scan): string | undefined {
  const { s, lower } = scan;
  for (let i = lower.indexOf("chrome/"); i >= 0; i = lower.indexOf("chrome/", i + 1)) {
    let start = i + 7;
    if (lower.charCodeAt(start) === 118 && isWordOrDot(s.charCodeAt(start + 1))) start++;
    if (isWordOrDot(s.charCodeAt(start))) return s.slice(start, runEnd(s, start, isWordOrDot));
  }
  return undefined;
}

/**
 * `/(firefox)\/([\w.-]+)$/i`, group 2. The group must reach the end of input and `/` is
 * not in its class, so it can only be the maximal `[\w.-]` suffix, right after `firefox/`.
 */
function matchFirefox(scan: Scan): string | undefined {
  const { s, lower } = scan;
  let m = s.length;
  while (m > 0 && isWordDotOrDash(s.charCodeAt(m - 1))) m--;
  if (m === s.length || m < 8 || !lower.startsWith("firefox/", m - 8)) return undefined;
  return s.slice(m);
}

/**
 * `/(?:ms|\()(ie)\s([\w.]+)/i`, group 2. Distinct `ie` indices have distinct, equally
 * ordered match starts, so the first qualifying `ie` is the leftmost match.
 */
function matchMsie(scan: Scan): string | undefined {
  const { s, lower } = scan;
  for (let j = lower.indexOf("ie"); j >= 0; j = lower.indexOf("ie", j + 1)) {
    const prefixed = (j >= 2 && lower.startsWith("ms", j - 2)) || (j >= 1 && s.charCodeAt(j - 1) === 40);
    if (prefixed && isSpace(s.charCodeAt(j + 2)) && isWordOrDot(s.charCodeAt(j + 3))) {
      return s.slice(j + 3, runEnd(s, j + 3, isWordOrDot));
    }
  }
  return undefined;
}

/**
 * `/(trident).+rv[:\s]([\w.]+).+like\sgecko/i`, group 2 (not the matcher's nominal 11: the
 * reference only falls back to it when the group is missing, which never happens).
 *
 * Greedy `.+` picks the last `rv` that still lets the rest match, and whether an `rv` at r
 * can finish does not depend on which `trident` precedes it. So every workable r is found
 * once (their `[\w.]` runs are disjoint because `[:\s]` ends any run), each with its greedy
 * group by the same argument as the Safari matchers, then for each `trident` at i the last
 * workable r in [i + 8, first line end after i + 7) is taken.
 */
function matchTrident(scan: Scan): string | undefined {
  const { s, lower } = scan;
  const tridents = occurrences(lower, "trident");
  if (tridents.length === 0) return undefined;

  const geckos: number[] = [];
  for (const g of occurrences(lower, "like")) {
    if (isSpace(s.charCodeAt(g + 4)) && lower.startsWith("gecko", g + 5)) geckos.push(g);
  }
  if (geckos.length === 0) return undefined;

  const rvs: number[] = [];
  const groups: string[] = [];
  for (const r of occurrences(lower, "rv")) {
    const sep = s.charCodeAt(r + 2);
    if (sep !== 58 && !isSpace(sep)) continue;
    const w = r + 3;
    const end = runEnd(s, w, isWordOrDot);
    if (end === w) continue;
    const g = lastBelow(geckos, scan.nextLineEnd(end));
    if (g >= w + 2) {
      rvs.push(r);
      groups.push(s.slice(w, Math.min(end, g - 1)));
    }
  }
  if (rvs.length === 0) return undefined;

  for (const i of tridents) {
    const limit = scan.nextLineEnd(i + 7);
    let lo = 0;
    let hi = rvs.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((rvs[mid] as number) < limit) lo = mid + 1;
      else hi = mid;
    }
    if (lo > 0 && (rvs[lo - 1] as number) >= i + 8) return groups[lo - 1];
  }
  return undefined;
}

/** The reference's `browserFromUserAgent`: first matcher in list order wins. */
function browserFromUserAgent(userAgent: string): Detected {
  if (userAgent.length === 0) return NOT_DETECTED;
  const scan = new Scan(userAgent);
  let version = matchEdge(scan);
  if (version !== undefined) return { name: "Edge", version: majorOf(version) };
  version = matchVersionThen(scan, mobileSafariTails(scan));
  if (version !== undefined) return { name: "Mobile Safari", version: majorOf(version) };
  version = matchVersionThen(scan, safariTails(scan));
  if (version !== undefined) return { name: "Safari", version: majorOf(version) };
  version = matchChrome(scan);
  if (version !== undefined) return { name: "Chrome", version: majorOf(version) };
  version = matchFirefox(scan);
  if (version !== undefined) return { name: "Firefox", version: majorOf(version) };
  version = matchMsie(scan) ?? matchTrident(scan);
  if (version !== undefined) return { name: "IE", version: majorOf(version) };
  return NOT_DETECTED;
}

const HINT_BRANDS = [
  ["Chrome", 'chrome";v="'],
  ["Edge", 'edge";v="'],
  ["Safari", 'safari";v="'],
  ["Firefox", 'firefox";v="'],
] as const;

/** The reference's `browserFromClientHintsUA`: `/Brand";v="([0-9.]+)"/i` per brand, in order. */
function browserFromClientHints(brands: string): Detected {
  if (brands.length === 0) return NOT_DETECTED;
  const lower = foldAscii(brands);
  for (const [name, literal] of HINT_BRANDS) {
    for (let i = lower.indexOf(literal); i >= 0; i = lower.indexOf(literal, i + 1)) {
      const start = i + literal.length;
      const end = runEnd(brands, start, isDigitOrDot);
      if (end > start && brands.charCodeAt(end) === 34) return { name, version: majorOf(brands.slice(start, end)) };
    }
  }
  return NOT_DETECTED;
}

/** `/Android [0-9.]+;/`: the run cannot end early because `;` is not in `[0-9.]`. */
function hasAndroidVersion(ua: string): boolean {
  for (let i = ua.indexOf("Android "); i >= 0; i = ua.indexOf("Android ", i + 1)) {
    const end = runEnd(ua, i + 8, isDigitOrDot);
    if (end > i + 8 && ua.charCodeAt(end) === 59) return true;
  }
  return false;
}

/** The reference's `operatingSystemFromUserAgent` (case-sensitive, first match). */
function operatingSystemFromUserAgent(ua: string): string {
  if (ua.includes("iPhone") || ua.includes("iPad") || ua.includes("iPod")) return "iOS";
  if (hasAndroidVersion(ua)) return "Android";
  if (ua.includes(" Linux ")) return "Linux";
  if (ua.includes("FreeBSD") || ua.includes("OpenBSD") || ua.includes("CrOS")) return "Unix";
  if (ua.includes("(Windows ") || ua.includes(" Windows ")) return "Windows";
  if (ua.includes("Macintosh;")) return "Mac OS";
  return UNKNOWN;
}

// Own-key lookups only: the reference's plain-object map answers `constructor` or
// `toString` with inherited functions, which a hint must not be able to inject.
const PLATFORM_NAMES = new Map<string, string>([
  ["Windows", "windows"],
  ["Macintosh", "mac"],
  ["Mac OS", "mac"],
  ["macOS", "mac"],
  ["Linux", "linux"],
]);

function detect(userAgent: string, hintBrands: string, hintPlatform: string | undefined): BrowserContext {
  const fromUa = browserFromUserAgent(userAgent);
  const fromHints = browserFromClientHints(hintBrands);
  // The reference folds both results over {unknown, -1} with `version >= 0`, so a NaN or
  // negative version never survives, while -0 (from `firefox/-0`) does.
  const name = fromHints.name !== UNKNOWN ? fromHints.name : fromUa.name;
  const version = fromHints.version >= 0 ? fromHints.version : fromUa.version >= 0 ? fromUa.version : -1;
  const platform = hintPlatform ?? operatingSystemFromUserAgent(userAgent);
  return Object.freeze({
    browserType: name.toLowerCase(),
    platform: PLATFORM_NAMES.get(platform) ?? platform,
    locale: "en",
    browserVersion: version,
  });
}

// ---------------------------------------------------------------------------------------
// Cache: the same few user agents come back on nearly every request.

const CACHE_SIZE = 1000;
// Longer inputs are computed but not kept, so hostile megabyte agents cannot pin memory.
const MAX_CACHED_KEY_LENGTH = 1024;

const cache = new Lru<string, BrowserContext>(CACHE_SIZE);

/**
 * The `user` context (browser name and major version, platform, locale) for a user agent and
 * optional client hints, equal to the reference's `createBrowserContext` and linear-time.
 */
export function browserOf(userAgent: string | undefined, clientHints?: BrowserClientHints): BrowserContext {
  // Non-strings make the reference throw; here they count as absent.
  const ua = typeof userAgent === "string" ? userAgent : "";
  const full = clientHints?.browserUAWithFullVersion;
  const major = clientHints?.browserUAWithMajorVersion;
  const brands = typeof full === "string" && full !== "" ? full : typeof major === "string" ? major : "";
  const rawPlatform = clientHints?.platform;
  const platform = typeof rawPlatform === "string" ? rawPlatform : undefined;

  // Lengths make the key unambiguous whatever characters the parts contain.
  const key = `${ua.length}:${brands.length}:${ua}${brands}${platform === undefined ? "" : `|${platform}`}`;
  if (key.length > MAX_CACHED_KEY_LENGTH) return detect(ua, brands, platform);
  let context = cache.get(key);
  if (context === undefined) {
    context = detect(ua, brands, platform);
    cache.set(key, context);
  }
  return context;
}
