import { createRequire } from "node:module";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type BrowserClientHints, type BrowserContext, browserOf } from "../../src/context/browser.js";

interface Detected {
  name: string;
  version: number;
}

// The reference ships no typings; load it through require and type what is used.
const require = createRequire(import.meta.url);
const tools = require("@adobe/target-tools") as {
  browserFromUserAgentOrClientHintUA(userAgent: string, hints: BrowserClientHints): Detected;
  operatingSystemFromUserAgentOrClientHints(userAgent: string, hints: BrowserClientHints): string;
};

// createBrowserContext's platform map (a private constant of the reference engine).
const REFERENCE_PLATFORMS: Record<string, string> = {
  Windows: "windows",
  Macintosh: "mac",
  "Mac OS": "mac",
  macOS: "mac",
  Linux: "linux",
};

/** The reference's createBrowserContext, assembled from the target-tools functions it calls. */
function reference(userAgent: string | undefined, hints?: BrowserClientHints): BrowserContext {
  const ua = userAgent ?? "";
  const browser = tools.browserFromUserAgentOrClientHintUA(ua, hints ?? {});
  const platform = tools.operatingSystemFromUserAgentOrClientHints(ua, hints ?? {});
  // A plain lookup, inherited members included, as the reference does it.
  const mapped = REFERENCE_PLATFORMS[platform];
  return {
    browserType: browser.name.toLowerCase(),
    platform: mapped !== undefined ? mapped : platform,
    locale: "en",
    browserVersion: browser.version,
  };
}

const userAgents: ReadonlyArray<readonly [string, string, string, number, string]> = [
  [
    "Chrome 119 on Windows",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/119.0.0.0 Safari/537.36",
    "chrome",
    119,
    "windows",
  ],
  [
    "Chrome on macOS",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.6099.109 Safari/537.36",
    "chrome",
    120,
    "mac",
  ],
  ["Chrome on Linux", "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/118.0.0.0 Safari/537.36", "chrome", 118, "linux"],
  [
    "Chrome on Android",
    "Mozilla/5.0 (Linux; Android 12; Pixel 6) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/112.0.0.0 Mobile Safari/537.36",
    "chrome",
    112,
    "Android",
  ],
  [
    "Chrome on ChromeOS",
    "Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/116.0.0.0 Safari/537.36",
    "chrome",
    116,
    "Unix",
  ],
  [
    "Chrome on iOS (CriOS is not recognised)",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/119.0.6045.169 Mobile/15E148 Safari/604.1",
    "unknown",
    -1,
    "iOS",
  ],
  ["Firefox on Windows", "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:120.0) Gecko/20100101 Firefox/120.0", "firefox", 120, "windows"],
  ["Firefox on macOS", "Mozilla/5.0 (Macintosh; Intel Mac OS X 10.15; rv:109.0) Gecko/20100101 Firefox/115.0", "firefox", 115, "mac"],
  ["Firefox on Linux", "Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:109.0) Gecko/20100101 Firefox/119.0", "firefox", 119, "linux"],
  ["Firefox on Android", "Mozilla/5.0 (Android 13; Mobile; rv:120.0) Gecko/120.0 Firefox/120.0", "firefox", 120, "Android"],
  ["Firefox on FreeBSD", "Mozilla/5.0 (X11; FreeBSD amd64; rv:109.0) Gecko/20100101 Firefox/118.0", "firefox", 118, "Unix"],
  [
    "Safari on macOS",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Safari/605.1.15",
    "safari",
    17,
    "mac",
  ],
  [
    "Mobile Safari on iPhone",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1.2 Mobile/15E148 Safari/604.1",
    "mobile safari",
    17,
    "iOS",
  ],
  [
    "Mobile Safari on iPad",
    "Mozilla/5.0 (iPad; CPU OS 16_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/16.6 Mobile/15E148 Safari/604.1",
    "mobile safari",
    16,
    "iOS",
  ],
  [
    "Android stock browser (no mobile/ token: plain Safari)",
    "Mozilla/5.0 (Linux; U; Android 4.0.3; ko-kr; LG-L160L Build/IML74K) AppleWebkit/534.30 (KHTML, like Gecko) Version/4.0 Mobile Safari/534.30",
    "safari",
    4,
    "Android",
  ],
  [
    "Edge (Chromium)",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/119.0.0.0 Safari/537.36 Edg/119.0.2151.72",
    "edge",
    119,
    "windows",
  ],
  [
    "Edge legacy",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/70.0.3538.102 Safari/537.36 Edge/18.19582",
    "edge",
    18,
    "windows",
  ],
  [
    "Edge on iOS",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 EdgiOS/119.2151.65 Mobile/15E148 Safari/605.1.15",
    "edge",
    119,
    "iOS",
  ],
  [
    "Edge on Android",
    "Mozilla/5.0 (Linux; Android 10; HD1913) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/119.0.6045.163 Mobile Safari/537.36 EdgA/119.0.2151.78",
    "edge",
    119,
    "Android",
  ],
  ["IE 11 (Trident, version from rv)", "Mozilla/5.0 (Windows NT 10.0; WOW64; Trident/7.0; rv:11.0) like Gecko", "ie", 11, "windows"],
  ["IE 10 (MSIE)", "Mozilla/5.0 (compatible; MSIE 10.0; Windows NT 6.2; Trident/6.0)", "ie", 10, "windows"],
  ["IE 6 (MSIE)", "Mozilla/4.0 (compatible; MSIE 6.0; Windows NT 5.1; SV1)", "ie", 6, "windows"],
  [
    "Opera (Chromium: reported as Chrome)",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/119.0.0.0 Safari/537.36 OPR/105.0.0.0",
    "chrome",
    119,
    "windows",
  ],
  ["Opera Presto", "Opera/9.80 (Windows NT 6.1; WOW64) Presto/2.12.388 Version/12.18", "unknown", -1, "windows"],
  [
    "Samsung Internet",
    "Mozilla/5.0 (Linux; Android 13; SM-S901B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/23.0 Chrome/115.0.0.0 Mobile Safari/537.36",
    "chrome",
    115,
    "Android",
  ],
  ["Googlebot", "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)", "unknown", -1, "unknown"],
  [
    "Googlebot smartphone",
    "Mozilla/5.0 (Linux; Android 6.0.1; Nexus 5X Build/MMB29P) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/119.0.6045.199 Mobile Safari/537.36 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
    "chrome",
    119,
    "Android",
  ],
  ["Bingbot", "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)", "unknown", -1, "unknown"],
  ["curl", "curl/8.4.0", "unknown", -1, "unknown"],
  [
    "HeadlessChrome",
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/119.0.6045.105 Safari/537.36",
    "chrome",
    119,
    "linux",
  ],
  [
    "Windows Phone (Trident; iPhone wins the platform)",
    "Mozilla/5.0 (Mobile; Windows Phone 8.1; Android 4.0; ARM; Trident/7.0; Touch; rv:11.0; IEMobile/11.0; NOKIA; Lumia 635) like iPhone OS 7_0_3 Mac OS X AppleWebKit/537 (KHTML, like Gecko) Mobile Safari/537",
    "ie",
    11,
    "iOS",
  ],
  [
    "Facebook in-app on iOS",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 16_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 [FBAN/FBIOS;FBDV/iPhone14,5;FBMD/iPhone;FBSN/iOS;FBSV/16.5;FBSS/3;FBID/phone;FBLC/en_US;FBOP/5]",
    "unknown",
    -1,
    "iOS",
  ],
  ["empty", "", "unknown", -1, "unknown"],
  ["chrome/v: NaN version, folded to -1", "Mozilla/5.0 Chrome/v", "chrome", -1, "unknown"],
  ["chrome/.5: NaN version, folded to -1", "Mozilla/5.0 Chrome/.5", "chrome", -1, "unknown"],
  ["firefox/-5: negative version, folded to -1", "Mozilla/5.0 Firefox/-5", "firefox", -1, "unknown"],
  ["Version/12safari: backtracking keeps only 1", "Version/12safari", "safari", 1, "unknown"],
  ["trident version is rv, not 11", "Trident/7.0; rv:9.0) like Gecko", "ie", 9, "unknown"],
  ["case-insensitive names", "CHROME/77 MOZILLA", "chrome", 77, "unknown"],
  ["case-sensitive platforms", "windows linux iphone", "unknown", -1, "unknown"],
];

describe("browserOf on real user agents", () => {
  it.each(userAgents)("%s", (_name, userAgent, browserType, browserVersion, platform) => {
    const context = browserOf(userAgent);
    expect(context).toEqual({ browserType, browserVersion, platform, locale: "en" });
    expect(context).toEqual(reference(userAgent));
  });

  it("treats a missing user agent like an empty one", () => {
    expect(browserOf(undefined)).toEqual({ browserType: "unknown", browserVersion: -1, platform: "unknown", locale: "en" });
  });

  it("keeps -0 from firefox/-0, as the reference's `version >= 0` test lets it through", () => {
    expect(Object.is(browserOf("Mozilla/5.0 Firefox/-0").browserVersion, -0)).toBe(true);
    expect(Object.is(reference("Mozilla/5.0 Firefox/-0").browserVersion, -0)).toBe(true);
  });

  it("returns the same frozen object for a repeated user agent", () => {
    const first = browserOf(userAgents[0]?.[1]);
    expect(Object.isFrozen(first)).toBe(true);
    expect(browserOf(userAgents[0]?.[1])).toBe(first);
  });
});

const CHROME_UA = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/119.0.0.0 Safari/537.36";
const REDUCED_UA = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/119.0.0.0 Safari/537.36";

const hintCases: ReadonlyArray<readonly [string, string | undefined, BrowserClientHints, string, number, string]> = [
  [
    "full version list names Chrome",
    CHROME_UA,
    { browserUAWithFullVersion: '"Google Chrome";v="120.0.6099.109", "Chromium";v="120.0.6099.109", "Not?A_Brand";v="24.0.0.0"' },
    "chrome",
    120,
    "windows",
  ],
  [
    "Edge brand overrides a Chrome UA",
    REDUCED_UA,
    { browserUAWithMajorVersion: '"Microsoft Edge";v="119", "Chromium";v="119", "Not?A_Brand";v="24"', platform: "Windows" },
    "edge",
    119,
    "windows",
  ],
  [
    "major version list when the full one is empty",
    CHROME_UA,
    { browserUAWithFullVersion: "", browserUAWithMajorVersion: '"Google Chrome";v="121"' },
    "chrome",
    121,
    "windows",
  ],
  [
    "full version list wins over the major one",
    CHROME_UA,
    { browserUAWithFullVersion: '"Firefox";v="122.0"', browserUAWithMajorVersion: '"Google Chrome";v="121"' },
    "firefox",
    122,
    "windows",
  ],
  ["Chromium alone is no brand", CHROME_UA, { browserUAWithMajorVersion: '"Chromium";v="130"' }, "chrome", 119, "windows"],
  ["brand with an unparsable version keeps the UA version", CHROME_UA, { browserUAWithMajorVersion: '"Safari";v=".5"' }, "safari", 119, "windows"],
  ["hints name a browser the UA does not", "curl/8.4.0", { browserUAWithMajorVersion: '"Safari";v="17"' }, "safari", 17, "unknown"],
  ["hints without a version string are ignored", "curl/8.4.0", { browserUAWithMajorVersion: '"Google Chrome";v=""' }, "unknown", -1, "unknown"],
  ["platform macOS maps to mac", CHROME_UA, { platform: "macOS" }, "chrome", 119, "mac"],
  ["platform Linux maps to linux", CHROME_UA, { platform: "Linux" }, "chrome", 119, "linux"],
  ["other platforms pass through", CHROME_UA, { platform: "Chrome OS" }, "chrome", 119, "Chrome OS"],
  ["an empty platform is still a given platform", CHROME_UA, { platform: "" }, "chrome", 119, ""],
  ["hints with no user agent", undefined, { browserUAWithMajorVersion: '"Google Chrome";v="119"', platform: "Android" }, "chrome", 119, "Android"],
  ["case-insensitive brands", CHROME_UA, { browserUAWithMajorVersion: '"EDGE";V="99"' }, "edge", 99, "windows"],
];

describe("browserOf with client hints", () => {
  it.each(hintCases)("%s", (_name, userAgent, hints, browserType, browserVersion, platform) => {
    const context = browserOf(userAgent, hints);
    expect(context).toEqual({ browserType, browserVersion, platform, locale: "en" });
    expect(context).toEqual(reference(userAgent, hints));
  });

  it("passes platform hints such as `constructor` through as strings", () => {
    expect(browserOf(CHROME_UA, { platform: "constructor" }).platform).toBe("constructor");
    expect(browserOf(CHROME_UA, { platform: "toString" }).platform).toBe("toString");
    expect(browserOf(CHROME_UA, { platform: "__proto__" }).platform).toBe("__proto__");
  });
});

describe("browserOf against the reference engine itself", () => {
  interface Engine {
    getOffers(options: unknown): Promise<{ execute: { mboxes: Array<{ trace: { evaluatedCampaignTargets: Array<{ context: { user: unknown } }> } }> } }>;
    stopPolling(): void;
  }
  let engine: Engine;

  beforeAll(async () => {
    type CreateEngine = (config: unknown) => Promise<Engine>;
    const module = require("@adobe/target-decisioning-engine") as CreateEngine | { default: CreateEngine };
    const createEngine = typeof module === "function" ? module : module.default;
    const artifact: unknown = require("@adobe/target-decisioning-engine/test/schema/artifacts/TEST_ARTIFACT_AB_SIMPLE.json");
    engine = await createEngine({
      client: "targettesting",
      organizationId: "65453EA95A70434F0A495D34@AdobeOrg",
      artifactPayload: artifact,
      pollingInterval: 0,
      logger: { debug() {}, error() {} },
    });
  });
  afterAll(() => engine.stopPolling());

  async function tracedUser(userAgent: string, clientHints?: BrowserClientHints): Promise<unknown> {
    const response = await engine.getOffers({
      request: {
        id: { tntId: "338e3c1e51f7416a8e1ccba4f81acea0.28_0" },
        trace: { authorizationToken: "token" },
        context: { channel: "web", userAgent, ...(clientHints ? { clientHints } : {}) },
        execute: { mboxes: [{ name: "mbox-magician", index: 1 }] },
      },
      sessionId: "session",
    });
    return response.execute.mboxes[0]?.trace.evaluatedCampaignTargets[0]?.context.user;
  }

  it("gives the user context createBrowserContext gives, for every table case", async () => {
    for (const [, userAgent] of userAgents) expect(browserOf(userAgent)).toEqual(await tracedUser(userAgent));
    for (const [, userAgent, hints] of hintCases) expect(browserOf(userAgent, hints)).toEqual(await tracedUser(userAgent ?? "", hints));
  });

  it("differs on purpose where the reference maps a platform hint to an inherited member", async () => {
    // The reference's map lookup answers `constructor` with the Object function (which its
    // trace, a JSON copy, then drops); `__proto__` would give Object.prototype.
    expect(reference(CHROME_UA, { platform: "constructor" }).platform).toBe(Object);
    const traced = (await tracedUser(CHROME_UA, { platform: "constructor" })) as { platform: unknown };
    expect(typeof traced.platform).not.toBe("string");
    expect(browserOf(CHROME_UA, { platform: "constructor" }).platform).toBe("constructor");
  });
});

// Pieces that steer every matcher and every backtracking path of the reference regexes,
// plus characters whose class membership (`\w`, `\s`, `.`) or case folding is subtle.
const UA_TOKENS = [
  "Mozilla/5.0 ",
  "Version/",
  "version/",
  "VERSION/",
  "Mobile/15E148 ",
  "mobile/",
  "Mobile",
  "mobile ",
  "Mobile\n",
  "Safari/",
  "Safari",
  "safari",
  "mobilesafari",
  "Chrome/",
  "chrome/v",
  "chrome/V",
  "CriOS/",
  "Edg/",
  "Edge/",
  "EdgiOS/",
  "EdgA/",
  "edg",
  "Firefox/",
  "firefox/",
  "Trident/7.0",
  "trident",
  "rv:11.0",
  "rv ",
  "rv:",
  "rv\n",
  " like Gecko",
  "like\ngecko",
  "like",
  "gecko",
  "MSIE ",
  "msie",
  "(ie ",
  "ie",
  "ms",
  "(",
  ")",
  ";",
  ":",
  ".",
  "-",
  "_",
  "/",
  " ",
  "\t",
  "\n",
  "\r",
  "\u2028",
  "\u00a0",
  "\u3000",
  "\ufeff",
  "\u180e",
  "\u0085",
  "\u212a",
  "\u0130",
  "\u017f",
  "v",
  "V",
  "0",
  "1",
  "9",
  "12",
  "119.0.0.0",
  "a",
  "x",
  "Z",
  " Linux ",
  "Linux",
  "Windows ",
  "(Windows ",
  " Windows ",
  "Macintosh;",
  "iPhone",
  "iPad",
  "iPod",
  "Android 12;",
  "Android ",
  "Android 4.0.3;",
  "CrOS",
  "FreeBSD",
  "OpenBSD",
  "😀",
];
const HINT_TOKENS = [
  '"Chrome";v="',
  '"Google Chrome";v="',
  '"Edge";v="',
  '"Microsoft Edge";v="',
  '"Safari";v="',
  '"Firefox";v="',
  '"Chromium";v="',
  'chrome";V="',
  "119",
  "17.1",
  ".",
  "0",
  "-",
  '"',
  ", ",
  ';v="',
  "Not?A_Brand",
  "24",
  "x",
];
const PLATFORMS = ["Windows", "macOS", "Macintosh", "Mac OS", "Linux", "Android", "iOS", "Chrome OS", "", "unknown"];

// Free-form token soup, and a denser mix of matcher keywords, version-like runs and
// separators so that the Safari and Trident backtracking paths are reached often.
const KEYWORDS = [
  "Version/",
  "version/",
  "Mobile/",
  "mobile/",
  "Mobile",
  "Safari",
  "safari",
  "Trident",
  "trident",
  "rv:",
  "rv ",
  "rv\t",
  "like Gecko",
  "like\ngecko",
  "like",
  " gecko",
  "Chrome/",
  "chrome/",
  "Edg/",
  "edge/",
  "Firefox/",
  "MSIE ",
  "(ie ",
  "ms",
  "ie ",
];
const SEPARATORS = [" ", " ", "\n", "\t", "\r", "\u2028", "\u00a0", "x", ";", "(", ")", "/", ":"];
const runArb = fc.string({ unit: fc.constantFrom(..."0123456789avV._-"), minLength: 1, maxLength: 6 });
// Runs that may hide the tail words inside them (`Version/12safari`, `rv:1like gecko`).
const sneakyRunArb = fc
  .array(fc.oneof(fc.constantFrom(..."019.xV_"), fc.constantFrom("safari", "mobile", "like", "rv")), { maxLength: 5 })
  .map((parts) => parts.join(""));
const gapArb = fc.array(fc.oneof(fc.constantFrom(...SEPARATORS), runArb), { maxLength: 3 }).map((parts) => parts.join(""));
const safariShapedArb = fc
  .tuple(
    gapArb,
    fc.constantFrom("Version/", "version/", "VERSION/"),
    sneakyRunArb,
    gapArb,
    fc.constantFrom("Mobile/", "mobile/", "Mobile", "Mobile ", ""),
    sneakyRunArb,
    fc.constantFrom(" ", "\n", "\u00a0", "", "x"),
    fc.constantFrom("Safari", "safari", "mobile safari", "mobilesafari", "Mobile\nSafari"),
    gapArb,
  )
  .map((parts) => parts.join(""));
const tridentShapedArb = fc
  .tuple(
    gapArb,
    fc.constantFrom("Trident", "trident", "TRIDENT"),
    gapArb,
    fc.constantFrom("rv", "RV", ""),
    fc.constantFrom(":", " ", "\n", "\t", "x"),
    sneakyRunArb,
    gapArb,
    fc.constantFrom("like", "LIKE", ""),
    fc.constantFrom(" ", "\n", "\u3000", "x"),
    fc.constantFrom("gecko", "Gecko", "geck"),
    gapArb,
  )
  .map((parts) => parts.join(""));
const userAgentArb = fc.oneof(
  safariShapedArb,
  tridentShapedArb,
  fc.array(fc.constantFrom(...UA_TOKENS), { maxLength: 30 }).map((parts) => parts.join("")),
  fc
    .array(
      fc.oneof(
        { weight: 3, arbitrary: fc.constantFrom(...KEYWORDS) },
        { weight: 3, arbitrary: runArb },
        { weight: 2, arbitrary: fc.constantFrom(...SEPARATORS) },
      ),
      { maxLength: 16 },
    )
    .map((parts) => parts.join("")),
);
const brandsArb = fc.array(fc.constantFrom(...HINT_TOKENS), { maxLength: 12 }).map((p) => p.join(""));
const hintsArb = fc.oneof(
  { weight: 3, arbitrary: fc.constant(undefined) },
  {
    weight: 1,
    arbitrary: fc.record(
      { browserUAWithFullVersion: brandsArb, browserUAWithMajorVersion: brandsArb, platform: fc.constantFrom(...PLATFORMS) },
      { requiredKeys: [] },
    ),
  },
);

describe("browserOf equals the reference", () => {
  it("on random user agents and hints built from tokens", () => {
    fc.assert(
      fc.property(userAgentArb, hintsArb, (userAgent, hints) => {
        expect(browserOf(userAgent, hints)).toEqual(reference(userAgent, hints));
      }),
      { numRuns: 20_000 },
    );
  });

  it("on random short strings of arbitrary characters", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 40 }), (userAgent) => {
        expect(browserOf(userAgent)).toEqual(reference(userAgent));
      }),
      { numRuns: 5_000 },
    );
  });

  it("for every UTF-16 code unit in each class-sensitive position", () => {
    const templates = [
      (c: string) => `Version/1 Mobile/1${c}Safari`,
      (c: string) => `Version/1x${c}Mobile Safari`,
      (c: string) => `Version/1${c}x Safari`,
      (c: string) => `Chrome/${c}9`,
      (c: string) => `Edg/${c}`,
      (c: string) => `${c}hrome/5`,
      (c: string) => `msie${c}7`,
      (c: string) => `Trident${c}rv${c}8 like${c}gecko`,
      (c: string) => `Firefox/1${c}`,
      (c: string) => `Android 1${c}`,
    ];
    for (let code = 0; code <= 0xffff; code++) {
      const c = String.fromCharCode(code);
      for (const template of templates) {
        const userAgent = template(c);
        const ours = browserOf(userAgent);
        const theirs = reference(userAgent);
        // Plain comparisons: expect() per case would make 650k assertions slow.
        if (ours.browserType !== theirs.browserType || !Object.is(ours.browserVersion, theirs.browserVersion) || ours.platform !== theirs.platform) {
          expect({ userAgent, ours }).toEqual({ userAgent, ours: theirs });
        }
      }
    }
  }, 60_000);
});

describe("browserOf on hostile user agents", () => {
  const MB = 1 << 20;
  const fill = (unit: string, tail = ""): string => unit.repeat(Math.ceil((MB - tail.length) / unit.length)) + tail;

  const hostile: ReadonlyArray<readonly [string, string]> = [
    ["version/1 repeated", fill("version/1 ")],
    ["version/ with long runs", fill("version/" + "1".repeat(1000) + " ")],
    ["version/ then mobile/ without safari", fill("version/1 mobile/1 ")],
    ["mobile/ with long word runs", fill("mobile/" + "a".repeat(500) + " ")],
    ["trident repeated", fill("trident ")],
    ["trident rv: repeated", fill("trident rv:1 ")],
    ["trident rv: like without gecko", fill("trident rv:1 like ")],
    ["rv: runs before a final like gecko", fill("rv:1 ", "trident")],
    ["chrome/ repeated", fill("chrome/")],
    ["edg repeated", fill("edg")],
    ["msie without version", fill("msie ")],
    ["firefox/ with a trailing space", fill("firefox/1.", " ")],
    ["Android without semicolon", fill("Android 1.1.1 ")],
    ["all uppercase", fill("VERSION/1 TRIDENT RV:1 ")],
    ["line terminators between", fill("version/1\nsafari trident\nrv:1\n")],
    ["hint brands", fill('chrome";v="1')],
  ];

  it.each(hostile)("handles 1 MB of %s in well under a second", (_name, userAgent) => {
    const started = performance.now();
    const context = browserOf(userAgent, { browserUAWithFullVersion: userAgent });
    const elapsed = performance.now() - started;
    expect(context.locale).toBe("en");
    expect(elapsed).toBeLessThan(500);
  });

  it("agrees with the reference on the same patterns at sizes the reference can still handle", () => {
    for (const [, userAgent] of hostile) {
      const sample = userAgent.slice(0, 1500) + userAgent.slice(-300);
      expect(browserOf(sample)).toEqual(reference(sample));
    }
  });
});
