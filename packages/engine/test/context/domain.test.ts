import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseDomain, type DomainParts } from "../../src/context/domain.js";

const require = createRequire(import.meta.url);
const tools = require("@adobe/target-tools") as { parseDomainPsl: (host: string) => DomainParts };

function oracle(host: string): DomainParts {
  const { subdomain, domain, topLevelDomain } = tools.parseDomainPsl(host);
  return { subdomain, domain, topLevelDomain };
}

/** The rule list psl carries inside the reference bundle, read independently of our generator. */
function referenceRules(): string[] {
  const bundle = readFileSync(join(dirname(require.resolve("@adobe/target-tools/package.json")), "dist/index.js"), "utf8");
  const open = bundle.indexOf("[", bundle.indexOf("var rules = ["));
  return JSON.parse(bundle.slice(open, bundle.indexOf("\n];", open) + 2)) as string[];
}

const rules = referenceRules();

// [host, subdomain, domain, topLevelDomain]
const table: Array<[string, string, string, string]> = [
  ["www.adobe.com", "", "adobe.com", "com"],
  ["a.b.co.uk", "a", "b.co.uk", "co.uk"],
  ["foo.us-east-1.elasticbeanstalk.com", "", "foo.us-east-1.elasticbeanstalk.com", "us-east-1.elasticbeanstalk.com"],
  ["www.shop.example.com", "shop", "example.com", "com"],
  ["deep.shop.example.com", "deep.shop", "example.com", "com"],
  ["adobe.com", "", "adobe.com", "com"],
  // Rejected hosts come back whole, in their original case.
  ["localhost", "", "localhost", ""],
  ["local-target-test", "", "local-target-test", ""],
  ["LocalHost", "", "LocalHost", ""],
  ["", "", "", ""],
  ["192.168.0.1", "", "192.168.0.1", ""],
  ["[::1]", "", "[::1]", ""],
  ["com", "", "com", ""],
  ["co.uk", "", "co.uk", ""],
  ["printer.local", "", "printer.local", ""],
  ["unlisted.zzzz", "", "unlisted.zzzz", ""],
  ["user@adobe.com", "", "user@adobe.com", ""],
  ["a_b.adobe.com", "", "a_b.adobe.com", ""],
  ["-a.adobe.com", "", "-a.adobe.com", ""],
  ["a-.adobe.com", "", "a-.adobe.com", ""],
  ["a..adobe.com", "", "a..adobe.com", ""],
  [".adobe.com", "", ".adobe.com", ""],
  ["adobe.com..", "", "adobe.com..", ""],
  [`${"a".repeat(64)}.com`, "", `${"a".repeat(64)}.com`, ""],
  [`${"a".repeat(63)}.com`, "", `${"a".repeat(63)}.com`, "com"],
  // Accepted hosts come back lowercased, without a trailing dot.
  ["WWW.Adobe.COM", "", "adobe.com", "com"],
  ["www.adobe.com.", "", "adobe.com", "com"],
  // A subdomain starting with "www" loses 4 characters, whatever they are.
  ["wwwfoo.adobe.com", "oo", "adobe.com", "com"],
  ["www2.adobe.com", "", "adobe.com", "com"],
  ["www.www.adobe.com", "www", "adobe.com", "com"],
  // IDN: Unicode stays Unicode unless the host already had punycode; the TLD keeps the list's spelling.
  ["食狮.com.cn", "", "食狮.com.cn", "com.cn"],
  ["www.食狮.com.cn", "", "食狮.com.cn", "com.cn"],
  ["xn--85x722f.com.cn", "", "xn--85x722f.com.cn", "com.cn"],
  ["a.xn--85x722f.com.cn", "a", "xn--85x722f.com.cn", "com.cn"],
  ["a.b.中国", "a", "b.中国", "中国"],
  ["x.xn--fiqs8s", "", "x.xn--fiqs8s", "中国"],
  ["münchen.de", "", "münchen.de", "de"],
  ["xn--a.münchen.de", "xn--a", "xn--mnchen-3ya.de", "de"],
  // Wildcard and exception rules.
  ["www.ck", "", "www.ck", "ck"],
  ["foo.ck", "", "foo.ck", ""],
  ["a.foo.ck", "", "a.foo.ck", "foo.ck"],
  ["b.a.foo.ck", "b", "a.foo.ck", "foo.ck"],
  ["a.b.kawasaki.jp", "", "a.b.kawasaki.jp", "b.kawasaki.jp"],
  ["city.kawasaki.jp", "", "city.kawasaki.jp", "kawasaki.jp"],
  ["www.city.kawasaki.jp", "", "city.kawasaki.jp", "kawasaki.jp"],
  // psl takes the last matching rule in list order, and "com.fm" is listed before "fm".
  ["x.com.fm", "x", "com.fm", "fm"],
  ["a.x.edu.gd", "a.x", "edu.gd", "gd"],
  // psl matches on IDNA dots but counts labels on "." alone.
  ["a.foo\u3002co.uk", "", "a.co.uk", "co.uk"],
  ["foo\u3002co.uk", "", "foo\u3002co.uk", ""],
];

describe("parseDomain", () => {
  it.each(table)("splits %j", (host, subdomain, domain, topLevelDomain) => {
    expect(parseDomain(host)).toEqual({ subdomain, domain, topLevelDomain });
  });

  it.each(table)("agrees with the reference on %j", (host) => {
    expect(parseDomain(host)).toEqual(oracle(host));
  });

  it("returns the same frozen result for a repeated host", () => {
    const first = parseDomain("shop.adobe.co.uk");
    expect(parseDomain("shop.adobe.co.uk")).toBe(first);
    expect(Object.isFrozen(first)).toBe(true);
  });

  it("rejects a host longer than 255 characters", () => {
    const host = `${"a.".repeat(127)}co.uk`;
    expect(host.length).toBeGreaterThan(255);
    expect(parseDomain(host)).toEqual(oracle(host));
    expect(parseDomain(host).topLevelDomain).toBe("");
    const justFits = `${"a.".repeat(125)}co.uk`;
    expect(justFits.length).toBeLessThanOrEqual(255);
    expect(parseDomain(justFits)).toEqual(oracle(justFits));
    expect(parseDomain(justFits).topLevelDomain).toBe("co.uk");
  });

  it("measures label length after punycoding, as psl does", () => {
    const fits = `${"é".repeat(30)}.com`;
    const tooLong = `${"é".repeat(60)}.com`;
    expect(parseDomain(fits)).toEqual(oracle(fits));
    expect(parseDomain(tooLong)).toEqual(oracle(tooLong));
    for (let n = 50; n <= 62; n++) {
      for (const label of ["é".repeat(n), `a${"é".repeat(n)}`, `${"a".repeat(n)}é`, "😀".repeat(n)]) {
        const host = `${label}.com`;
        expect(parseDomain(host), host).toEqual(oracle(host));
      }
    }
  });

  it("rejects instead of throwing where psl's punycode overflows", () => {
    const host = `${"a".repeat(2000)}\u{10FFFF}.com`;
    expect(() => oracle(host)).toThrow(RangeError);
    expect(parseDomain(host)).toEqual({ subdomain: "", domain: host, topLevelDomain: "" });
  });

  it("uses PSL data that matches the list inside the reference", () => {
    const script = fileURLToPath(new URL("../../../../scripts/gen-psl/generate.ts", import.meta.url));
    const tsLoader = fileURLToPath(new URL("../../../../scripts/lib/ts.mjs", import.meta.url));
    expect(() => execFileSync(process.execPath, ["--import", tsLoader, script, "--check"], { stdio: "pipe" })).not.toThrow();
  });

  it.each([
    ["a 1 MB host", `${"a".repeat(1 << 20)}.com`],
    ["100k dots", `${".".repeat(100_000)}com`],
    ["100k labels", `${"a.".repeat(100_000)}com`],
    ["a 1 MB Unicode label", `${"食".repeat(1 << 20)}.com`],
  ])("rejects %s quickly", (_name, host) => {
    const start = performance.now();
    const parts = parseDomain(host);
    expect(performance.now() - start).toBeLessThan(250);
    expect(parts).toEqual({ subdomain: "", domain: host, topLevelDomain: "" });
  });

  it("agrees with the reference on hosts built from every rule in the list", () => {
    const mismatches: string[] = [];
    for (const rule of rules) {
      const suffix = rule.replace(/^\*\./, "w1ld.").replace(/^!/, "");
      for (const host of [suffix, `www.x-1.${suffix}`]) {
        const got = parseDomain(host);
        const want = oracle(host);
        if (got.domain !== want.domain || got.subdomain !== want.subdomain || got.topLevelDomain !== want.topLevelDomain) {
          mismatches.push(host);
        }
      }
    }
    expect(mismatches).toEqual([]);
  }, 120_000);

  it("agrees with the reference on random hosts under real suffixes", () => {
    const suffix = fc.constantFrom(...rules).map((r) => r.replace(/^\*\./, "").replace(/^!/, ""));
    const label = fc.oneof(
      { weight: 6, arbitrary: fc.string({ unit: fc.constantFrom(..."abcwx019-"), minLength: 1, maxLength: 8 }) },
      {
        weight: 3,
        arbitrary: fc.constantFrom(
          "www",
          "WWW",
          "www2",
          "wwwx",
          "city",
          "blogspot",
          "xn--85x722f",
          "xn--",
          "xn--a",
          "食狮",
          "中国",
          "ü",
          "ÜBER",
          "a_b",
          "a@b",
          "",
          "-",
          "a-",
          "-a",
          "local",
          "com",
          "co",
          "uk",
          "jp",
          "kawasaki",
          "ck",
          "é".repeat(59),
          "a".repeat(63),
          "a".repeat(64),
          "İ",
          "ß",
          "\u00a0",
          "a\u3002b",
          "a\uff0eb",
          "😀",
        ),
      },
    );
    const host = fc
      .record({
        labels: fc.array(label, { minLength: 0, maxLength: 4 }),
        suffix: fc.option(suffix, { nil: undefined }),
        dot: fc.constantFrom(".", ".", ".", "\u3002", "\uff61"),
        trailing: fc.constantFrom("", "", "", ".", ".."),
        upper: fc.boolean(),
      })
      .map(({ labels, suffix: s, dot, trailing, upper }) => {
        const name = [...labels, ...(s === undefined ? [] : [s])].join(dot) + trailing;
        return upper ? name.toUpperCase() : name;
      });
    fc.assert(
      fc.property(host, (h) => {
        expect(parseDomain(h)).toEqual(oracle(h));
      }),
      { numRuns: 5000 },
    );
  }, 120_000);

  it("agrees with the reference on arbitrary short strings", () => {
    const text = fc.string({ unit: fc.constantFrom(..."ab.-_@:wW\u3002é食1 "), maxLength: 16 });
    fc.assert(
      fc.property(text, (h) => {
        expect(parseDomain(h)).toEqual(oracle(h));
      }),
      { numRuns: 3000 },
    );
  }, 120_000);
});
