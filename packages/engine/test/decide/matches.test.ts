import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { createDecider, type Artifact, type DecidedResponse, type DeliveryRequest, type RuleMatch } from "../../src/index.js";

const features = JSON.parse(readFileSync(new URL("../../../../fixtures/artifacts/features.json", import.meta.url), "utf8")) as Artifact;
const decider = createDecider({ client: "acme", artifact: features, platform: { now: () => Date.UTC(2026, 0, 9, 12) } });

/** "mode kind activity experience" per option the response delivers, from its response tokens. */
function delivered(response: DecidedResponse): string[] {
  const out: string[] = [];
  for (const mode of ["execute", "prefetch"] as const) {
    const block = response[mode];
    if (!block) continue;
    const items = [
      ...(block.mboxes ?? []).map((item) => ["mbox", item] as const),
      ...(block.views ?? []).map((item) => ["view", item] as const),
      ...(block.pageLoad ? [["pageLoad", block.pageLoad] as const] : []),
    ];
    for (const [kind, item] of items) {
      for (const option of item.options ?? []) {
        const tokens = option.responseTokens ?? {};
        out.push(`${mode} ${kind} ${String(tokens["activity.id"])} ${String(tokens["experience.name"])}`);
      }
    }
  }
  return out.sort();
}

/** The same, from the matches: one entry per option of each matched rule. */
function reported(matches: readonly RuleMatch[]): string[] {
  return matches
    .flatMap((match) =>
      (match.rule.consequence.options ?? []).map(() => `${match.mode} ${match.kind} ${String(match.activity.id)} ${String(match.experience.name)}`),
    )
    .sort();
}

const everything = (n: number): DeliveryRequest => ({
  id: { tntId: `visitor-${n}` },
  context: {
    channel: "web",
    address: { url: n % 3 === 0 ? "https://www.shop.example.co.uk/?sale=1" : "https://acme.com/" },
    geo: { countryCode: n % 2 ? "US" : "FR", city: "Paris" },
  },
  property: n % 4 === 0 ? { token: "prop-a" } : undefined,
  execute: {
    pageLoad: { parameters: n % 2 ? { visit: "returning" } : {} },
    mboxes: [
      { name: "ab-hero", index: 1 },
      { name: "flags", index: 2, parameters: n % 5 === 0 ? { tier: "Gold" } : {} },
      { name: "geo-box", index: 3 },
      { name: "prop-box", index: 4 },
    ],
  },
  prefetch: {
    views: [{ name: "home" }, {}],
    mboxes: [
      { name: "time-box", index: 1 },
      { name: "ab-hero", index: 2 },
    ],
  },
});

describe("a decision's matched rules", () => {
  it("are not reported unless asked for", () => {
    const result = decider.decide({ request: everything(1) });
    expect(result).not.toHaveProperty("matches");
  });

  it("name the rule, its activity, experience, offer and option, and the item it answered", () => {
    const { matches, response } = decider.decide(
      {
        request: {
          id: { tntId: "v-1" },
          execute: {
            mboxes: [
              { name: "nope", index: 1 },
              { name: "ab-hero", index: 2 },
            ],
          },
        },
      },
      { matches: true },
    );
    expect(matches).toHaveLength(1);
    const [match] = matches as RuleMatch[];
    const rule = features.rules.mboxes["ab-hero"]?.find((candidate) => candidate.meta["experience.name"] === match?.experience.name);
    expect(match).toEqual({
      mode: "execute",
      kind: "mbox",
      item: 1,
      name: "ab-hero",
      rule,
      ruleKey: rule?.ruleKey,
      activity: { id: 1001, name: "Hero A/B", type: "ab" },
      experience: { id: rule?.meta["experience.id"], name: rule?.meta["experience.name"] },
      offer: { id: rule?.meta["offer.id"], name: rule?.meta["offer.name"] },
      option: { id: rule?.meta["option.id"], name: rule?.meta["option.name"] },
      split: true,
    });
    // The very rule object the artifact holds: tools can tell which of a list it was.
    expect(features.rules.mboxes["ab-hero"]).toContain(match?.rule);
    expect(response.execute?.mboxes?.[1]?.options?.[0]?.responseTokens?.["experience.name"]).toBe(match?.experience.name);
  });

  it("tell targeting from a traffic split", () => {
    const { matches } = decider.decide(
      { request: { id: { tntId: "v-2" }, execute: { mboxes: [{ name: "flags", index: 1, parameters: { tier: "Gold" } }] } } },
      { matches: true },
    );
    expect(matches?.map((match) => match.split)).toEqual([false]);
  });

  it("are exactly the rules the response's options come from, for 500 visitors across mboxes, views, the page load and properties", () => {
    for (let n = 0; n < 500; n++) {
      const { response, matches } = decider.decide({ request: everything(n) }, { matches: true });
      expect(reported(matches ?? []), `visitor ${n}`).toEqual(delivered(response));
    }
  });

  it("say whether the answer read the visitor's allocation, matched or not", () => {
    const read = (mboxes: string[], id?: { tntId: string }) =>
      decider.decide({ request: { ...(id ? { id } : {}), execute: { mboxes: mboxes.map((name, index) => ({ name, index })) } } }, { matches: true })
        .allocationRead;
    expect(read(["flags"], { tntId: "v-1" })).toBe(false);
    expect(read(["ab-hero"], { tntId: "v-1" })).toBe(true);
    expect(read(["flags", "nope"])).toBe(false);
    expect(decider.decide({ request: { execute: { mboxes: [{ name: "ab-hero", index: 0 }] } } }).allocationRead).toBeUndefined();
  });

  it("place each match on its item: mode, kind, position and name", () => {
    const { matches } = decider.decide({ request: everything(3) }, { matches: true });
    const places = new Set(matches?.map((match) => `${match.mode} ${match.kind} ${match.item} ${match.name}`));
    expect(places).toContain("execute pageLoad 0 target-global-mbox");
    expect(places).toContain("execute mbox 0 ab-hero");
    expect(places).toContain("prefetch mbox 1 ab-hero");
    // A request for every view reports each view by its own name, at the position of that request.
    expect([...places].filter((place) => place.startsWith("prefetch view 1 "))).not.toEqual([]);
  });

  it("are the same with and without a trace, and a trace does not change them", () => {
    for (let n = 0; n < 20; n++) {
      const plain = decider.decide({ request: everything(n) }, { matches: true }).matches;
      const traced = decider.decide({ request: { ...everything(n), trace: {} } }, { matches: true }).matches;
      expect(traced).toEqual(plain);
    }
  });

  it("leave the response as it is without them", () => {
    for (let n = 0; n < 50; n++) {
      const request = { ...everything(n), requestId: "r" };
      const withMatches = decider.decide({ request: structuredClone(request) }, { matches: true });
      const without = decider.decide({ request: structuredClone(request) });
      expect(withMatches.response).toEqual(without.response);
    }
  });
});
