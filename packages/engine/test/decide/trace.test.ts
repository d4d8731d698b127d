import { createRequire } from "node:module";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createDecisioningEngine, type Artifact, type DecisioningEngine, type GetOffersOptions, type Rule } from "../../src/index.js";
import { realWorldFile } from "../kit/index.js";

// Traces are built once the mode ends, only for the items the response keeps (TraceMark), yet
// must show what Target's show: a matched item's trace as things stood at its match, a blank
// mbox's and the page load's with the campaigns and segments of that moment but conditions and
// notifications that grow to the mode's end. Adobe's reference engine is the oracle here.

const require = createRequire(import.meta.url);
const NOW = Date.UTC(2024, 4, 6, 7, 8, 9, 10);
const CLIENT = "adobesummit2018";
const ORGANIZATION_ID = "65453EA95A70434F0A495D34@AdobeOrg";

interface Reference {
  getOffers(options: unknown): Promise<unknown>;
  stopPolling(): void;
}

/** A rule of activity `activity` on `location`, holding when the `kind` parameter is `kind`. */
function rule(location: string, activity: number, experience: number, audience: number, kind: string): Rule {
  return {
    ruleKey: `${activity}-${experience}`,
    activityId: activity,
    meta: {
      "activity.id": activity,
      "activity.type": "landing",
      "experience.id": experience,
      "audience.ids": [audience],
      "offer.id": activity * 10 + experience,
      "location.name": location,
    },
    condition: { and: [{ "<=": [0, { var: "allocation" }, 100] }, { "==": [{ var: "mbox.kind" }, kind] }] },
    consequence: {
      name: location,
      options: [{ type: "json", content: { activity, experience }, eventToken: `token-${activity}-${experience}` }],
      metrics: [],
    },
  } as unknown as Rule;
}

/**
 * Activity 1 has rules on mbox `one` (the first never holds) and on the page load; activity 2
 * on mbox `two` and on the page load; activity 3 only on the page load, after the others.
 */
const crafted: Artifact = {
  version: "1.0.0",
  meta: { clientCode: CLIENT, environment: "production" },
  globalMbox: "target-global-mbox",
  geoTargetingEnabled: false,
  responseTokens: [],
  remoteMboxes: [],
  remoteViews: [],
  localMboxes: ["one", "two", "target-global-mbox"],
  localViews: ["home"],
  rules: {
    mboxes: {
      one: [rule("one", 1, 0, 11, "never"), rule("one", 1, 1, 12, "yes")],
      two: [rule("two", 2, 0, 21, "yes")],
      "target-global-mbox": [
        rule("target-global-mbox", 1, 2, 13, "yes"),
        rule("target-global-mbox", 2, 1, 22, "no"),
        rule("target-global-mbox", 3, 0, 31, "yes"),
      ],
    },
    views: {
      home: [rule("home", 4, 0, 41, "yes"), rule("home", 4, 1, 42, "yes"), rule("home", 5, 0, 51, "yes")],
    },
  },
} as unknown as Artifact;

const large = JSON.parse(new TextDecoder().decode(realWorldFile("artifact-large.json"))) as Artifact;

const yes = { kind: "yes" };
const craftedCases: Array<[string, GetOffersOptions["request"]]> = [
  [
    "a blank mbox between matches, then the page load, in execute",
    {
      execute: {
        mboxes: [
          { name: "one", index: 0, parameters: yes },
          { name: "nothing", index: 1 },
          { name: "two", index: 2, parameters: yes },
        ],
        pageLoad: { parameters: yes },
      },
    },
  ],
  [
    "a blank mbox first, then matches and the page load, in prefetch",
    {
      prefetch: {
        mboxes: [
          { name: "nothing", index: 0 },
          { name: "one", index: 1, parameters: yes },
        ],
        pageLoad: { parameters: yes },
      },
    },
  ],
  [
    "views merged from several matches, and a view request that names none",
    { prefetch: { views: [{ name: "home", parameters: yes }, { parameters: yes }] }, execute: { mboxes: [{ name: "two", index: 0, parameters: yes }] } },
  ],
  [
    "the global mbox asked for as an mbox, between others",
    {
      execute: {
        mboxes: [
          { name: "two", index: 0, parameters: yes },
          { name: "target-global-mbox", index: 1, parameters: yes },
          { name: "one", index: 2 },
        ],
      },
    },
  ],
];

const largeContext = (url: string) => ({
  channel: "web" as const,
  address: { url },
  userAgent: "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) Chrome/120.0.0.0 Safari/537.36",
});
const largeCases: Array<[string, GetOffersOptions["request"]]> = [
  [
    "the page load with every view (the sweep's input)",
    { context: largeContext("https://www.adobe.com/?x=1"), execute: { pageLoad: {} }, prefetch: { views: [{}] } },
  ],
  [
    "blank, matched and global mboxes, views that merge, page loads in both modes",
    {
      context: largeContext("http://local-target-test/"),
      execute: {
        mboxes: [
          { name: "kitty", index: 0 },
          { name: "no-such-mbox", index: 1 },
          { name: "sam-mbox", index: 2 },
          { name: "target-global-mbox", index: 3 },
        ],
        pageLoad: { parameters: { jason: "correct" } },
      },
      prefetch: {
        views: [{ parameters: { jason: "correct" } }],
        mboxes: [
          { name: "offer3", index: 0 },
          { name: "nothing", index: 1 },
        ],
        pageLoad: {},
      },
    },
  ],
];

let reference: { crafted: Reference; large: Reference };
let ours: { crafted: DecisioningEngine; large: DecisioningEngine };

async function startReference(artifact: Artifact): Promise<Reference> {
  const create = require("@adobe/target-decisioning-engine") as (config: unknown) => Promise<Reference>;
  const tools = require("@adobe/target-tools") as { parseDomainPsl: unknown };
  return create({
    client: CLIENT,
    organizationId: ORGANIZATION_ID,
    artifactPayload: structuredClone(artifact),
    pollingInterval: 0,
    parseDomainImpl: tools.parseDomainPsl,
    sendNotificationFunc: () => Promise.resolve(),
    logger: { debug() {}, error() {} },
  });
}

function startOurs(artifact: Artifact): Promise<DecisioningEngine> {
  return createDecisioningEngine({
    client: CLIENT,
    organizationId: ORGANIZATION_ID,
    artifactPayload: structuredClone(artifact),
    pollingInterval: 0,
    sendNotificationFunc: () => {},
    platform: { now: () => NOW },
  });
}

beforeAll(async () => {
  // Both engines read the clock: the reference through Date, ours through platform.now.
  vi.useFakeTimers({ toFake: ["Date"], now: NOW });
  reference = { crafted: await startReference(crafted), large: await startReference(large) };
  ours = { crafted: await startOurs(crafted), large: await startOurs(large) };
});

afterAll(async () => {
  reference.crafted.stopPolling();
  reference.large.stopPolling();
  await ours.crafted.close();
  await ours.large.close();
  vi.useRealTimers();
});

/** A response as JSON, minted ids (notification ids) made one placeholder. */
const normalized = (response: unknown): unknown => JSON.parse(JSON.stringify(response).replace(/"[0-9a-f]{32}"/g, '"<id>"'));

async function both(which: "crafted" | "large", request: GetOffersOptions["request"]): Promise<{ theirs: unknown; mine: unknown }> {
  const options = { request: { id: { tntId: "tracer-1.28_0" }, requestId: "request-1", trace: { authorizationToken: "token" }, ...request } };
  const theirs = normalized(await reference[which].getOffers(structuredClone(options)));
  const mine = normalized(await ours[which].getOffers(structuredClone(options) as GetOffersOptions));
  return { theirs, mine };
}

describe("traces, against Adobe's reference engine", () => {
  it.each(craftedCases)("match for %s", async (_name, request) => {
    const { theirs, mine } = await both("crafted", request);
    expect(JSON.stringify(mine)).toContain('"trace"');
    expect(mine).toEqual(theirs);
    // Key order is part of the answer (JSON text is compared downstream).
    expect(JSON.stringify(mine)).toBe(JSON.stringify(theirs));
  });

  it.each(largeCases)("match on artifact-large.json for %s", async (_name, request) => {
    const { theirs, mine } = await both("large", request);
    expect(mine).toEqual(theirs);
    expect(JSON.stringify(mine)).toBe(JSON.stringify(theirs));
  });
});

describe("traces as Target shows them", () => {
  const traceOf = (item: unknown) =>
    (item as { trace: { campaigns: Array<Record<string, unknown>>; evaluatedCampaignTargets: Array<Record<string, unknown>> } }).trace;

  it("stop a matched mbox's trace at its match, and let a blank mbox's conditions grow to the mode's end", async () => {
    const { mine } = await both("crafted", craftedCases[0]?.[1] as GetOffersOptions["request"]);
    const [one, blank, two] = (mine as { execute: { mboxes: unknown[] } }).execute.mboxes.map(traceOf);
    // At `one`'s match: activity 1 only, its two rules, one notification.
    expect(one?.campaigns.map((c) => c.id)).toEqual([1]);
    expect(one?.evaluatedCampaignTargets[0]?.unmatchedRuleConditions).toHaveLength(1);
    expect(one?.evaluatedCampaignTargets[0]?.matchedRuleConditions).toHaveLength(1);
    // The blank mbox lists what existed then (activity 1, segment 12), but the page load's later
    // rule of activity 1 and its notification show in its conditions and notifications.
    expect(blank?.campaigns.map((c) => c.id)).toEqual([1]);
    expect(blank?.evaluatedCampaignTargets[0]?.matchedSegmentIds).toEqual([12]);
    expect(blank?.evaluatedCampaignTargets[0]?.matchedRuleConditions).toHaveLength(2);
    expect(blank?.campaigns[0]?.notifications).toHaveLength(2);
    expect(two?.campaigns.map((c) => c.id)).toEqual([1, 2]);
    // Every trace is its own copy.
    expect(blank?.evaluatedCampaignTargets[0]?.context).not.toBe(two?.evaluatedCampaignTargets[0]?.context);
  });

  it("give the page load its last match's trace, with campaigns up to that match", async () => {
    const { mine } = await both("crafted", craftedCases[1]?.[1] as GetOffersOptions["request"]);
    const trace = traceOf((mine as { prefetch: { pageLoad: unknown } }).prefetch.pageLoad);
    expect(trace.campaigns.map((c) => c.id)).toEqual([1, 3]);
    expect(trace.evaluatedCampaignTargets.map((t) => t.campaignId)).toEqual([1, 2, 3]);
  });

  it("show each rule's condition as a copy, so editing one trace changes no later decision or trace", async () => {
    const options = { request: { id: { tntId: "tracer-2.28_0" }, requestId: "r", trace: { authorizationToken: "token" }, ...craftedCases[0]?.[1] } };
    const first = (await ours.crafted.getOffers(structuredClone(options) as GetOffersOptions)) as { execute: { mboxes: unknown[] } };
    const before = JSON.stringify(first);
    const target = traceOf(first.execute.mboxes[0]).evaluatedCampaignTargets[0] as { matchedRuleConditions: Array<{ and: unknown[] }> };
    // A response is its caller's, as Target's is: every part of it can be edited.
    (target.matchedRuleConditions[0] as { and: unknown[] }).and.push({ "==": [1, 1] });
    target.matchedRuleConditions.length = 0;
    const second = await ours.crafted.getOffers(structuredClone(options) as GetOffersOptions);
    expect(normalized(second)).toEqual(normalized(JSON.parse(before)));
  });
});
