import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { clusterOfDeviceId, createTargetCookie, DEVICE_ID_MAX_AGE, locationHintCookieFor, parseTargetCookie, targetCookieFor } from "../src/cookies.js";

const NOW = 1_700_000_000_000;
/** The string with lone surrogates as U+FFFD (ES2024's toWellFormed; the lib target here is older). */
const wellFormed = (text: string): string => (text as string & { toWellFormed(): string }).toWellFormed();
const NOW_S = NOW / 1000;

describe("the mbox cookie", () => {
  it("reads the session id and the tntId from their internal cookies", () => {
    const cookies = parseTargetCookie(`session#abc#${NOW_S + 100}|PC#tnt.35_0#${NOW_S + 1000}`, NOW);
    expect(cookies.session?.value).toBe("abc");
    expect(cookies.PC).toEqual({ name: "PC", value: "tnt.35_0", expires: NOW_S + 1000 });
  });

  it("drops expired entries and keeps the ones expiring this very second", () => {
    const cookies = parseTargetCookie(`session#old#${NOW_S - 1}|PC#still#${NOW_S}`, NOW);
    expect(cookies.session).toBeUndefined();
    expect(cookies.PC?.value).toBe("still");
  });

  it("skips malformed entries instead of failing", () => {
    const cookies = parseTargetCookie(`garbage|session#x#notanumber|PC#%E0%A4%A#${NOW_S + 5}|check#true#${NOW_S + 5}`, NOW);
    expect(Object.keys(cookies)).toEqual(["check"]);
  });

  it("never lets a cookie name reach Object.prototype", () => {
    const cookies = parseTargetCookie(`__proto__#polluted#${NOW_S + 5}`, NOW);
    expect(({} as Record<string, unknown>).value).toBeUndefined();
    expect(cookies.__proto__?.value).toBe("polluted");
  });

  it("is empty for a missing value", () => {
    expect(Object.keys(parseTargetCookie(undefined, NOW))).toEqual([]);
    expect(Object.keys(parseTargetCookie("", NOW))).toEqual([]);
  });

  it("round-trips URI-encoded names and values", () => {
    const cookie = createTargetCookie([{ name: "a|b", value: "c#d", expires: NOW_S + 10 }], NOW);
    expect(cookie.value).toBe(`a%7Cb#c%23d#${NOW_S + 10}`);
    expect(parseTargetCookie(cookie.value, NOW)["a|b"]?.value).toBe("c#d");
  });

  it("encodes any session id and tntId as encodeURIComponent does (lone surrogates as U+FFFD), and reads them back", () => {
    const text = fc.oneof(
      fc.string({ unit: "binary", maxLength: 40 }),
      fc.stringMatching(/^[0-9a-f-]{0,40}$/),
      fc.constantFrom("a.b_c-d~e", "it's (ok)*!", "a|b#c"),
    );
    fc.assert(
      fc.property(text, text, (session, tnt) => {
        const value = targetCookieFor(session, tnt === "" ? undefined : tnt, NOW).value;
        const expected = (part: string) => encodeURIComponent(wellFormed(part));
        expect(value.startsWith(`session#${expected(session)}#`)).toBe(true);
        if (tnt !== "") expect(value).toContain(`|PC#${expected(tnt)}#`);
        if (wellFormed(session) === session) expect(parseTargetCookie(value, NOW).session?.value).toBe(session);
      }),
      { numRuns: 2000 },
    );
  });

  it("is written with the session and tntId and lives as long as its longest entry", () => {
    const cookie = targetCookieFor("sess", "tnt.28_0", NOW);
    expect(cookie).toEqual({
      name: "mbox",
      value: `session#sess#${NOW_S + 1860}|PC#tnt.28_0#${NOW_S + DEVICE_ID_MAX_AGE}`,
      maxAge: DEVICE_ID_MAX_AGE,
    });
  });

  it("holds only the session when no tntId is known", () => {
    expect(targetCookieFor("sess", undefined, NOW)).toEqual({ name: "mbox", value: `session#sess#${NOW_S + 1860}`, maxAge: 1860 });
  });
});

describe("edge clusters", () => {
  it("come from a tntId of the form <id>.<cluster>_<n>", () => {
    expect(clusterOfDeviceId("abc.35_0")).toBe("35");
    expect(clusterOfDeviceId("abc")).toBeUndefined();
    expect(clusterOfDeviceId("abc.35")).toBeUndefined();
    expect(clusterOfDeviceId("a.b.35_0")).toBeUndefined();
    expect(clusterOfDeviceId("abc._0")).toBeUndefined();
  });

  it("are only digits: a tntId naming anything else names no cluster", () => {
    expect(clusterOfDeviceId("abc.x@evil/_0")).toBeUndefined();
    expect(clusterOfDeviceId("abc.35;Domain=evil_0")).toBeUndefined();
  });

  it("give an mboxEdgeCluster cookie, preferring the request's cluster over the edge's", () => {
    expect(locationHintCookieFor("17", "mboxedge31.tt.omtrdc.net")).toEqual({ name: "mboxEdgeCluster", value: "17", maxAge: 1860 });
    expect(locationHintCookieFor(undefined, "mboxedge31.tt.omtrdc.net")?.value).toBe("31");
    expect(locationHintCookieFor(undefined, undefined)).toBeUndefined();
  });

  it("give no mboxEdgeCluster cookie for a value Target would not issue, so no attribute can be injected", () => {
    expect(locationHintCookieFor("35; Domain=evil.example; Path=/", undefined)).toBeUndefined();
    expect(locationHintCookieFor("35; Domain=evil.example", "mboxedge31.tt.omtrdc.net")?.value).toBe("31");
    expect(locationHintCookieFor(undefined, "acme.tt.omtrdc.net")).toBeUndefined();
  });
});
