import { browserOf } from "../context/browser.js";
import { parseUrl } from "../context/url.js";
import { timeContextOf } from "../context/time.js";
import { geoContextOf } from "../context/geo.js";
import type { Context, ParseDomain } from "../types.js";
import { Lru } from "../util/lru.js";

/** Longer keys are parsed every time: caching them would let a few requests fill the heap. */
const MAX_CACHED_KEY = 2048;

/** The parts of a page or referring URL that conditions read, each also lower-cased as `…_lc`. */
export type UrlContext = Readonly<Record<string, unknown>>;

/** What every rule of a request sees, before the per-item parts (mbox, allocation). */
export interface RequestContext {
  current_timestamp: number;
  current_time: string;
  current_day: number;
  user: Readonly<Record<string, unknown>>;
  page: UrlContext;
  referring: UrlContext;
  geo: Readonly<Record<string, unknown>>;
}

/**
 * Builds URL and user-agent contexts with bounded caches: the same pages and browsers come
 * back request after request, and parsing them is the costly part of a context.
 */
export class ContextBuilder {
  private readonly urls: Lru<string, UrlContext>;
  private readonly users: Lru<string, Readonly<Record<string, unknown>>>;
  private readonly hintedUsers: Lru<string, Readonly<Record<string, unknown>>>;
  private time: { minute: number; current_time: string; current_day: number } = { minute: Number.NaN, current_time: "", current_day: 0 };
  /** The context of the empty URL (no referring URL, or none at all). */
  private emptyUrl: UrlContext | undefined;

  constructor(
    private readonly parseDomain: ParseDomain,
    cacheSize = 1000,
  ) {
    this.urls = new Lru(cacheSize);
    this.users = new Lru(cacheSize);
    this.hintedUsers = new Lru(cacheSize);
  }

  /** The URL context of a URL; anything but a non-empty string counts as "". */
  url(value: unknown): UrlContext {
    const url = typeof value === "string" ? value : "";
    // Most requests have no referring URL: its context is kept aside rather than looked up,
    // which would also move it ahead of the page's URL in the cache on every request.
    if (url === "") return (this.emptyUrl ??= this.parsed(""));
    const cacheable = url.length <= MAX_CACHED_KEY;
    const cached = cacheable ? this.urls.get(url) : undefined;
    if (cached) return cached;
    const frozen = this.parsed(url);
    if (cacheable) this.urls.set(url, frozen);
    return frozen;
  }

  /** Parse a URL into its frozen context. */
  private parsed(url: string): UrlContext {
    const parts = parseUrl(url);
    const base: Record<string, unknown> = {
      url,
      path: parts.path,
      query: parts.query,
      fragment: parts.fragment,
      ...this.parseDomain(parts.host),
    };
    const result: Record<string, unknown> = { ...base };
    for (const key of Object.keys(base)) {
      const part = base[key];
      result[`${key}_lc`] = typeof part === "string" ? part.toLowerCase() : part;
    }
    return Object.freeze(result);
  }

  /** The `user` context from the user agent and client hints. */
  user(context: Context): Readonly<Record<string, unknown>> {
    const userAgent = typeof context.userAgent === "string" ? context.userAgent : "";
    const hints = context.clientHints;
    // Requests with hints use their own cache, keyed unambiguously, so a crafted user agent
    // cannot collide with another visitor's hints; the common case keys on the agent alone.
    const cache = hints ? this.hintedUsers : this.users;
    const key = hints ? JSON.stringify([userAgent, hints.browserUAWithFullVersion, hints.browserUAWithMajorVersion, hints.platform]) : userAgent;
    const cacheable = key.length <= MAX_CACHED_KEY;
    const cached = cacheable ? cache.get(key) : undefined;
    if (cached) return cached;
    const found = browserOf(userAgent, hints ?? undefined);
    const user = Object.freeze({
      browserType: found.browserType,
      platform: found.platform,
      locale: found.locale,
      browserVersion: found.browserVersion,
    });
    if (cacheable) cache.set(key, user);
    return user;
  }

  /** The request-wide context. */
  request(context: Context, nowMs: number): RequestContext {
    const { geo } = context;
    const address = context.address;
    // Formatting the time of day is only redone when the minute changes.
    const minute = Math.floor(nowMs / 60_000);
    let { time } = this;
    if (time.minute !== minute) {
      const parts = timeContextOf(nowMs);
      time = { minute, current_time: parts.current_time, current_day: parts.current_day };
      this.time = time;
    }
    return {
      current_timestamp: Math.trunc(nowMs) + 0,
      current_time: time.current_time,
      current_day: time.current_day,
      user: this.user(context),
      page: this.url(address ? address.url : undefined),
      referring: this.url(address ? address.referringUrl : undefined),
      geo: geoContextOf(geo),
    };
  }
}
