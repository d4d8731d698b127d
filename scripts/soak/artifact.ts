/**
 * The soak's artifacts: version N of an artifact whose every offer and event token carries N,
 * so a decision (and each notification it owes) says which artifact decided it. Besides the
 * three mboxes the soak requests (each an A/B activity covering every visitor), it holds
 * activities with audiences (browser, page, parameters) so that the artifact decides like a
 * real one rather than a toy.
 */
import type { Artifact, Rule } from "@decisioning/engine";

/** The mboxes each soak decision requests; each answers one offer and owes one display notification. */
export const SOAK_MBOXES: readonly string[] = ["soak-hero", "soak-checkout", "soak-flags"];

/** The version an event token or offer was made for, or NaN. */
export function versionOfToken(token: unknown): number {
  const match = /^v(\d+)\./.exec(String(token));
  return match ? Number(match[1]) : Number.NaN;
}

function rule(version: number, activityId: number, mbox: string, experience: number, condition: unknown, extraMeta: Record<string, unknown> = {}): Rule {
  return {
    ruleKey: `${activityId}-${experience}`,
    activityId,
    meta: {
      "activity.id": activityId,
      "activity.name": `${mbox} test`,
      "activity.type": "ab",
      "experience.id": experience,
      "experience.name": `Experience ${"AB"[experience] ?? experience}`,
      "location.name": mbox,
      "location.type": "mbox",
      "location.id": 0,
      "audience.ids": [],
      "offer.id": activityId * 10 + experience,
      "offer.name": `${mbox}-${experience}`,
      "option.id": experience + 1,
      "option.name": `Offer${experience + 1}`,
      ...extraMeta,
    },
    condition,
    consequence: {
      name: mbox,
      options: [
        {
          type: "json",
          eventToken: `v${version}.${mbox}.${experience}`,
          content: { version, mbox, experience, payload: { color: experience === 0 ? "red" : "blue", items: [1, 2, 3] } },
        },
      ],
      metrics: [{ type: "click", eventToken: `v${version}.${mbox}.${experience}.click`, selector: "#cta" }],
    },
  };
}

/** Artifact version `version` (a positive integer; the artifact's own `version` field stays 1.0.0). */
export function soakArtifact(version: number): Artifact {
  const mboxes: Record<string, Rule[]> = {};
  SOAK_MBOXES.forEach((mbox, i) => {
    const activityId = 9000 + i;
    mboxes[mbox] = [
      rule(version, activityId, mbox, 0, { "<": [{ var: "allocation" }, 50] }),
      rule(version, activityId, mbox, 1, { ">=": [{ var: "allocation" }, 50] }),
    ];
  });
  // Decoys with audiences: evaluated by other mboxes' requests, never by the soak's.
  for (let i = 0; i < 40; i++) {
    const mbox = `decoy-${i}`;
    const audience = [
      { "==": [{ var: "user.browserType" }, "chrome"] },
      { in: ["sale", { var: "page.query" }] },
      { "==": [{ var: "mbox.tier_lc" }, "gold"] },
      { and: [{ ">=": [{ var: "current_day" }, 1] }, { "<=": [{ var: "current_day" }, 5] }] },
    ][i % 4];
    mboxes[mbox] = [0, 1].map((experience) =>
      rule(version, 8000 + i, mbox, experience, {
        and: [audience, experience === 0 ? { "<": [{ var: "allocation" }, 50] } : { ">=": [{ var: "allocation" }, 50] }],
      }),
    );
  }
  return {
    version: "1.0.0",
    meta: { clientCode: "soak", environment: "production", generatedAt: new Date(0).toISOString(), soakVersion: version },
    globalMbox: "target-global-mbox",
    geoTargetingEnabled: false,
    responseTokens: ["activity.id", "experience.name", "offer.name"],
    remoteMboxes: [],
    remoteViews: [],
    localMboxes: Object.keys(mboxes),
    localViews: [],
    rules: { mboxes, views: {} },
  };
}
