import { createRequire } from "node:module";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseUrl } from "../../src/context/url.js";

type OracleUri = { host: string; path: string; query: string; anchor: string };

const require = createRequire(import.meta.url);
const tools = require("@adobe/target-tools") as { parseURI: (url: string) => OracleUri | undefined };

/** The reference's view of a URL, reduced to the parts the engine exposes. */
function oracle(url: string): { host: string; path: string; query: string; fragment: string } {
  const parsed = tools.parseURI(url);
  return {
    host: parsed?.host ?? "",
    path: parsed?.path ?? "",
    query: parsed?.query ?? "",
    fragment: parsed?.anchor ?? "",
  };
}

function parts(url: string): { host: string; path: string; query: string; fragment: string } {
  const { host, path, query, fragment } = parseUrl(url);
  return { host, path, query, fragment };
}

// [url, host, path, query, fragment]
const table: Array<[string, string, string, string, string]> = [
  ["https://www.adobe.com/products/index.html?a=1&b=2#top", "www.adobe.com", "/products/index.html", "a=1&b=2", "top"],
  ["http://example.com", "example.com", "", "", ""],
  ["http://example.com/", "example.com", "/", "", ""],
  ["https://user:pass@example.com:8080/a/b?q#f", "example.com", "/a/b", "q", "f"],
  ["//cdn.example.com/lib.js", "cdn.example.com", "/lib.js", "", ""],
  ["example.com/path", "example.com", "/path", "", ""],
  ["/relative/path?x=1", "", "/relative/path", "x=1", ""],
  ["?only=query", "", "", "only=query", ""],
  ["#only-fragment", "", "", "", "only-fragment"],
  ["", "", "", "", ""],
  // Credentials may span "/", "?" and "=", so an "@" in the query moves the host.
  ["http://x.com/path?x=a@b.com", "b.com", "", "", ""],
  // A scheme can't contain a dot, so this is a host and port instead.
  ["www.example.com:80/index.html", "www.example.com", "/index.html", "", ""],
  // Without "//" the part before the colon is taken as the scheme.
  ["localhost:3000/x", "3000", "/x", "", ""],
  ["http://host:/p", "host", "/p", "", ""],
  // A colon without digits ends the host; only one segment of what follows is the path.
  ["http://host:xyz/path?q=1#f", "host", "xyz", "", ""],
  ["mailto:someone@example.com", "example.com", "", "", ""],
  ["a:b@c.com/x", "c.com", "/x", "", ""],
  ["http://a.com/x#frag\nment", "a.com", "/x", "", "frag"],
  ["http://a.com/x?q=1\n2#f", "a.com", "/x", "q=1\n2", "f"],
  ["http://a.com/x\ny?q", "a.com", "/x\ny", "q", ""],
  ["http://a.com/dir/.htaccess", "a.com", "/dir/.htaccess", "", ""],
  ["http://a.com/file.tar.gz?x#y#z", "a.com", "/file.tar.gz", "x", "y#z"],
  ["HTTP://WWW.ADOBE.COM/A?B#C", "WWW.ADOBE.COM", "/A", "B", "C"],
  // Bracketed IPv6 hosts are not understood: the first colon ends the host.
  ["http://[::1]:8080/x", "[", ":1]:8080", "", ""],
];

describe("parseUrl", () => {
  it.each(table)("splits %j into its parts", (url, host, path, query, fragment) => {
    expect(parseUrl(url)).toEqual({ url, host, path, query, fragment });
  });

  it.each(table)("agrees with the reference on %j", (url) => {
    expect(parts(url)).toEqual(oracle(url));
  });

  it("keeps the query without its question mark", () => {
    expect(parseUrl("https://a.com/p?x=1&y=2").query).toBe("x=1&y=2");
  });

  it("keeps the fragment without its hash", () => {
    expect(parseUrl("https://a.com/p#section-2").fragment).toBe("section-2");
  });

  it("returns the input url unchanged", () => {
    const url = "  HTTP://A.COM/X  ";
    expect(parseUrl(url).url).toBe(url);
  });

  it("agrees with the reference on random strings over URL punctuation", () => {
    const alphabet = [
      ":",
      "/",
      "/",
      "?",
      "#",
      "@",
      ".",
      ".",
      "a",
      "b",
      "w",
      "x",
      "n",
      "0",
      "1",
      "9",
      "-",
      "=",
      "&",
      "%",
      " ",
      "\n",
      "\r",
      "\u2028",
      "\u2029",
      "\t",
      "[",
      "]",
      "\\",
      "é",
      "\u0000",
    ];
    const text = fc.string({ unit: fc.constantFrom(...alphabet), maxLength: 40 });
    fc.assert(
      fc.property(text, (url) => {
        expect(parts(url)).toEqual(oracle(url));
      }),
      { numRuns: 20000 },
    );
  });

  it("agrees with the reference on realistic URLs", () => {
    const label = fc.string({ unit: fc.constantFrom(..."abcxyz019-"), minLength: 1, maxLength: 6 });
    const url = fc
      .record({
        scheme: fc.constantFrom("", "http:", "https:", "ftp:", "http:/", "localhost:", "a.b:"),
        slashes: fc.constantFrom("", "//", "///"),
        userinfo: fc.constantFrom("", "u@", "u:p@", ":@", "a:b:c@", "@"),
        host: fc.array(label, { minLength: 0, maxLength: 3 }).map((ls) => ls.join(".")),
        port: fc.constantFrom("", ":", ":80", ":x", ":8a"),
        path: fc
          .array(fc.oneof(label, fc.constant("."), fc.constant("a.b"), fc.constant("")), { maxLength: 3 })
          .map((ls) => (ls.length > 0 ? "/" + ls.join("/") : "")),
        query: fc.constantFrom("", "?", "?a=1", "?a=b@c.d", "?x/y?z"),
        fragment: fc.constantFrom("", "#", "#f", "#a?b#c", "#l\nm"),
      })
      .map((r) => r.scheme + r.slashes + r.userinfo + r.host + r.port + r.path + r.query + r.fragment)
      .filter((u) => u.length < 60);
    fc.assert(
      fc.property(url, (u) => {
        expect(parts(u)).toEqual(oracle(u));
      }),
      { numRuns: 20000 },
    );
  });

  it.each([
    ["a 1 MB URL", "https://www.example.com/" + "a".repeat(1 << 20) + "?q=1#f"],
    ["100k dots", "http://h.com/" + ".".repeat(100_000)],
    ["100k slashes", "http://h.com" + "/".repeat(100_000) + "x.y"],
    ["100k dot-slash pairs", "/" + "./".repeat(100_000) + "a.b"],
    ["100k colons", ":".repeat(100_000)],
    ["100k at signs after a colon", "a:" + "@".repeat(100_000)],
  ])("parses %s in well under a second", (_name, url) => {
    const start = performance.now();
    const result = parseUrl(url);
    const elapsed = performance.now() - start;
    expect(result.url).toBe(url);
    expect(elapsed).toBeLessThan(250);
  });
});
