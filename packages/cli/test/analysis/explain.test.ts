import { artifact, when } from "@decisioning/testing";
import type { GetOffersOptions, VisitorId } from "@decisioning/engine";
import { describe, expect, it } from "vitest";
import { createExplainer, explainRequest, type Explanation } from "../../src/analysis/explain.js";
import { engineCases, features, LARGE, readJsonFile } from "../helpers/fixtures.js";

/**
 * What the engine served, as a multiset of "mode kind activity experience" per option, from the
 * response tokens; and what explain says was chosen, in the same terms. Equal multisets mean
 * explain's chosen rules are exactly the rules the engine's answer came from.
 */
function served(explanation: Explanation): string[] {
  const out: string[] = [];
  for (const mode of ["execute", "prefetch"] as const) {
    const block = explanation.response[mode];
    if (!block) continue;
    const items = [
      ...(block.mboxes ?? []).map((item) => ["mbox", item] as const),
      ...(block.views ?? []).map((item) => ["view", item] as const),
      ...(block.pageLoad ? [["pageLoad", block.pageLoad] as const] : []),
    ];
    for (const [kind, item] of items) {
      for (const option of item.options ?? []) {
        // Prefetch keeps token-only options (no type, no content); they deliver nothing.
        if (option.type === undefined && option.content === undefined) continue;
        const tokens = option.responseTokens ?? {};
        out.push(`${mode} ${kind} ${String(tokens["activity.id"])} ${String(tokens["experience.name"])}`);
      }
    }
  }
  return out.sort();
}

function chosen(explanation: Explanation): string[] {
  const out: string[] = [];
  for (const item of explanation.items) {
    for (const rule of item.rules) {
      if (rule.status !== "chosen") continue;
      for (let i = 0; i < rule.offers.length; i++) out.push(`${item.mode} ${item.type} ${String(rule.activity.id)} ${String(rule.experience.name)}`);
    }
  }
  return out.sort();
}

/** Regular mboxes answer with options exactly when explain chose a rule for them. */
function emptyMboxesAgree(explanation: Explanation): void {
  for (const item of explanation.items) {
    if (item.type !== "mbox" || item.name === undefined) continue;
    const answer = explanation.response[item.mode]?.mboxes?.find((m) => m.name === item.name && m.index === item.index);
    const anyChosen = item.rules.some((rule) => rule.status === "chosen");
    expect((answer?.options ?? []).length > 0, `${item.mode} ${item.name}`).toBe(anyChosen);
  }
}

const check = (explanation: Explanation): void => {
  expect(chosen(explanation)).toEqual(served(explanation));
  emptyMboxesAgree(explanation);
};

describe("explainRequest", () => {
  // Every request of the engine's fixture suite (geo lookups need the network: left out).
  const cases = engineCases().filter((c) => c.key !== "geo_lookup");

  it.each(cases.map((c) => [c.key, c] as const))("chooses the rules the engine's answer comes from for %s", (_key, c) => {
    check(explainRequest({ client: "acme", artifact: features(), options: structuredClone(c.input), now: c.now }));
  });

  it("agrees with the engine for 2000 visitors across A/B mboxes, the page load and views", () => {
    let n = 0;
    const explainer = createExplainer({ client: "acme", artifact: features(), uuid: () => `u${n}`.padEnd(32, "0") });
    const now = Date.UTC(2026, 0, 9, 12);
    for (; n < 2000; n++) {
      const options: GetOffersOptions = {
        request: {
          id: { tntId: `sample-${n}` },
          context: { channel: "web", address: { url: n % 3 === 0 ? "https://www.shop.example.co.uk/?sale=1" : "https://acme.com/" } },
          execute: {
            mboxes: [
              { name: "ab-hero", index: 1 },
              { name: "flags", index: 2, parameters: n % 5 === 0 ? { tier: "Gold" } : {} },
            ],
            pageLoad: { parameters: n % 2 ? { visit: "returning" } : ({} as Record<string, string>) },
          },
          prefetch: { views: [{ name: "home" }, {}] },
        },
      };
      check(explainer.explain(options, now));
    }
  });

  it("agrees with the engine on artifacts from the test kit's builder, split three ways with audiences", () => {
    const built = artifact({ client: "kit" })
      .activity("checkout", { id: 77 })
      .mbox("checkout")
      .experience("A", 20, { json: { v: "a" } })
      .experience("B", 30, { json: { v: "b" } })
      .experience("C", 50, { json: { v: "c" } })
      .audience(when.url.contains("/checkout"))
      .activity("banner", { id: 78, type: "xt" })
      .mbox("checkout")
      .pageLoad()
      .experience("Gold", 100, { html: "<b>gold</b>" }, { audience: when.param("tier").is("gold") })
      .experience("Others", 100, { html: "<i>others</i>" })
      .build();
    const explainer = createExplainer({ client: "kit", artifact: built });
    for (let n = 0; n < 1000; n++) {
      const options = {
        request: {
          id: { tntId: `kit-${n}` },
          context: { channel: "web" as const, address: { url: n % 4 ? "https://shop.test/checkout" : "https://shop.test/" } },
          execute: { mboxes: [{ name: "checkout", index: 1, parameters: { tier: n % 3 ? "Gold" : "silver" } }], pageLoad: {} },
        },
      };
      check(explainer.explain(options, 0));
    }
  });

  it("agrees with the engine on the large real-world artifact for 100 visitors and every local mbox", () => {
    const large = readJsonFile(LARGE);
    const explainer = createExplainer({ client: String(large.meta.clientCode), artifact: large });
    const mboxes = (large.localMboxes as string[]).map((name, i) => ({ name, index: i + 1, parameters: { jason: "correct", greg: "correct" } }));
    for (let n = 0; n < 100; n++) {
      const options = {
        request: {
          id: { tntId: `large-${n}` },
          context: {
            channel: "web" as const,
            address: { url: n % 2 ? "http://local-target-test/" : "https://targetabtest.glitch.me/" },
            userAgent:
              n % 3
                ? "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Safari/605.1.15"
                : "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:121.0) Gecko/20100101 Firefox/121.0",
          },
          execute: { mboxes },
          prefetch: { views: [{ parameters: { jason: "correct" } }] },
        },
      };
      check(explainer.explain(options, Date.UTC(2020, 4, 20)));
    }
  });

  it("explains the visitor the engine decided for when only a customer id names them (a throwaway id)", () => {
    let n = 0;
    const explainer = createExplainer({ client: "acme", artifact: features(), uuid: () => `${(n++).toString(16)}`.padStart(32, "0") });
    for (let visitor = 0; visitor < 60; visitor++) {
      const explanation = explainer.explain(
        {
          request: {
            id: { customerIds: [{ id: `c-${visitor}`, integrationCode: "crm", authenticatedState: "authenticated" }] },
            execute: { mboxes: [{ name: "ab-hero", index: 1 }] },
          },
        },
        0,
      );
      expect(explanation.visitor.source).toBe("random");
      check(explanation);
      const chosen = explanation.items[0]?.rules.find((rule) => rule.status === "chosen");
      expect(chosen?.allocation?.inRange).toBe(true);
    }
  });

  it("shows each condition with the values it read and what json-logic skipped", () => {
    const explanation = explainRequest({
      client: "acme",
      artifact: features(),
      options: { request: { id: { tntId: "v-1" }, context: { address: { url: "https://acme.com/" } }, execute: { mboxes: [{ name: "flags", index: 1 }] } } },
      now: 0,
    });
    const ukShop = explanation.items[0]?.rules[1];
    expect(ukShop?.condition).toMatchObject({
      op: "and",
      result: false,
      children: [
        { text: 'page.domain == "example.co.uk"', result: false, evaluated: true, reads: [{ name: "page.domain", value: "acme.com" }] },
        { text: 'page.subdomain == "shop"', evaluated: false },
        { text: '"sale" in page.query_lc', evaluated: false },
      ],
    });
    expect(explanation.items[0]?.rules.map((rule) => rule.status)).toEqual(["not-matched", "not-matched", "not-matched", "not-matched", "chosen"]);
  });

  it("gives the allocation and the experience's range for split rules", () => {
    const explanation = explainRequest({
      client: "acme",
      artifact: features(),
      options: { request: { id: { tntId: "v-1" }, execute: { mboxes: [{ name: "ab-hero", index: 1 }] } } },
      now: 0,
    });
    const [a, b] = explanation.items[0]?.rules ?? [];
    expect(a?.allocation?.range.intervals).toEqual([{ from: 0, to: 49.99 }]);
    expect(b?.allocation?.range.intervals).toEqual([{ from: 50, to: 99.99 }]);
    expect(a?.allocation?.value).toBe(b?.allocation?.value);
    expect(a?.allocation?.inRange).toBe(a?.status === "chosen");
    expect(b?.allocation?.inRange).toBe(b?.status === "chosen");
  });

  it.each<[string, VisitorId, string]>([
    ["a request without ids", {}, "generated"],
    ["a tntId with a location hint", { tntId: "abc.28_0" }, "tntId"],
    ["a marketing cloud id", { marketingCloudVisitorId: "mcid-1", tntId: "abc" }, "marketingCloudVisitorId"],
    ["a third-party id", { thirdPartyId: "crm-42" }, "thirdPartyId"],
    ["only an authenticated customer id", { customerIds: [{ id: "c-1", integrationCode: "crm", authenticatedState: "authenticated" }] }, "random"],
  ])("says where the visitor id comes from for %s", (_name, id, source) => {
    const explanation = explainRequest({
      client: "acme",
      artifact: features(),
      options: { request: { id, execute: { mboxes: [{ name: "ab-hero", index: 1 }] } } },
      now: 0,
    });
    expect(explanation.visitor.source).toBe(source);
  });
});
