import { describe, expect, it } from "vitest";
import { AuthState, generateSdid, normalizeOrgId, parseAmcvCookie, ServerVisitor, visitorCookieName } from "../src/visitor.js";

const ORG = "1234567890@AdobeOrg";

/** A seeded generator (LCG), so SDIDs are reproducible. */
function sequence(seed = 1): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
}

describe("the AMCV cookie", () => {
  it("is named AMCV_ + organization id", () => {
    expect(visitorCookieName(ORG)).toBe("AMCV_1234567890@AdobeOrg");
  });

  it("yields key/value pairs, with expiry suffixes read off the key", () => {
    const fields = parseAmcvCookie("MCMID|111222|MCAAMLH-1700000000|9|MCAAMB-1700000000|blob==");
    expect(fields.MCMID).toEqual({ value: "111222", expires: 0 });
    expect(fields.MCAAMLH).toEqual({ value: "9", expires: 1700000000 });
    expect(fields.MCAAMB?.value).toBe("blob==");
  });

  it("skips a leading settings digest and a dangling key", () => {
    const fields = parseAmcvCookie("-1124106680|MCIDTS|19000|MCMID|42|dangling");
    expect(fields.MCIDTS?.value).toBe("19000");
    expect(fields.MCMID?.value).toBe("42");
    expect(fields.dangling).toBeUndefined();
  });

  it("is read URI-decoded, and `T` or nothing means no values", () => {
    expect(parseAmcvCookie("MCMID%7C77").MCMID?.value).toBe("77");
    expect(Object.keys(parseAmcvCookie("T"))).toEqual([]);
    expect(Object.keys(parseAmcvCookie(undefined))).toEqual([]);
  });
});

describe("ServerVisitor", () => {
  it("reports the Marketing Cloud visitor id and Audience Manager values of its cookie", () => {
    const visitor = new ServerVisitor(ORG, "MCMID|111|MCAAMLH-1|9|MCAAMB-1|b|MCAID|x");
    expect(visitor.getVisitorValues()).toEqual({ MCMID: "111", MCAAMLH: "9", MCAAMB: "b" });
    expect(visitor.getCookieName()).toBe("AMCV_1234567890@AdobeOrg");
  });

  it("keys its state by the normalized organization id", () => {
    expect(normalizeOrgId("ABC")).toBe("ABC@AdobeOrg");
    expect(new ServerVisitor("ABC").getState()).toEqual({ "ABC@AdobeOrg": {} });
  });

  it("gives one consumer the same SDID only once, then starts a new one", () => {
    const visitor = new ServerVisitor(ORG, undefined, { random: sequence() });
    const first = visitor.getSupplementalDataID("target-global-mbox");
    const second = visitor.getSupplementalDataID("target-global-mbox");
    expect(second).not.toBe(first);
    expect(visitor.getState()[ORG]?.sdid).toEqual({
      supplementalDataIDCurrent: second,
      supplementalDataIDCurrentConsumed: { "payload:target-global-mbox": true },
      supplementalDataIDLast: first,
      supplementalDataIDLastConsumed: { "payload:target-global-mbox": true },
    });
  });

  it("shares a first SDID minted for the page-load consumer with other consumers, as for any consumer", () => {
    const visitor = new ServerVisitor(ORG, undefined, { random: sequence() });
    const first = visitor.getSupplementalDataID("target-global-mbox");
    expect(visitor.getSupplementalDataID("hero")).toBe(first);
    expect(visitor.getState()[ORG]?.sdid).toEqual({
      supplementalDataIDCurrent: first,
      supplementalDataIDCurrentConsumed: { "payload:target-global-mbox": true, "payload:hero": true },
      supplementalDataIDLastConsumed: {},
    });
    expect(visitor.getSupplementalDataID("target-global-mbox")).not.toBe(first);
  });

  it("gives the previous SDID to a consumer that has not seen it, so one page view shares one SDID", () => {
    const visitor = new ServerVisitor(ORG, undefined, { random: sequence() });
    const a1 = visitor.getSupplementalDataID("a");
    const a2 = visitor.getSupplementalDataID("a");
    expect(visitor.getSupplementalDataID("b")).toBe(a1);
    expect(visitor.getSupplementalDataID("b")).toBe(a2);
  });

  it("mints SDIDs as two 16-digit hex halves, each a positive signed 64-bit number", () => {
    for (let i = 0; i < 50; i++) expect(generateSdid(Math.random)).toMatch(/^[0-7][0-9A-F]{15}-[0-7][0-9A-F]{15}$/);
  });

  it("fills each half from two draws in order, a 31-bit then a 32-bit word", () => {
    const draws = [0.5, 0.25, 0.75, 0.125];
    let next = 0;
    expect(generateSdid(() => draws[next++] as number)).toBe("4000000040000000-6000000020000000");
  });

  it("spans the whole range of each half, from all zeros to the largest positive value", () => {
    expect(generateSdid(() => 0)).toBe("0000000000000000-0000000000000000");
    expect(generateSdid(() => 1 - 2 ** -53)).toBe("7FFFFFFFFFFFFFFF-7FFFFFFFFFFFFFFF");
    const digits = new Set<string>();
    for (let i = 0; i < 200; i++) for (const digit of generateSdid(Math.random).replace("-", "").slice(1)) digits.add(digit);
    expect(digits.size).toBe(16);
  });

  it("keeps customer ids in its state", () => {
    const visitor = new ServerVisitor(ORG);
    visitor.setCustomerIDs({ userid: { id: "u-1", authState: AuthState.AUTHENTICATED } });
    expect(visitor.getState()).toEqual({ [ORG]: { customerIDs: { userid: { id: "u-1", authState: 1 } } } });
  });
});
