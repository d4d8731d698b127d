// A synthetic artifact of N activities (default 10,000), each an A/B test on its own mbox
// with audience conditions, to show that decision cost follows the requested names.
import type { Artifact, Rule } from "../../packages/engine/dist/index.js";

/** The activity count of the full run's large synthetic artifact. */
export const SYNTHETIC_ACTIVITIES = 10000;

/** An artifact of `activities` A/B tests, each on its own mbox `mbox-<n>`. */
export function syntheticArtifact(activities = SYNTHETIC_ACTIVITIES): Artifact {
  const mboxes: Record<string, Rule[]> = {};
  const localMboxes: string[] = [];
  for (let a = 0; a < activities; a++) {
    const name = `mbox-${a}`;
    localMboxes.push(name);
    const id = 100000 + a;
    const rule = (exp: number, low: number, high: number): Rule => ({
      ruleKey: `${id}-${exp}`,
      activityId: id,
      meta: {
        "activity.id": id,
        "activity.name": `Activity ${a}`,
        "activity.type": "ab",
        "experience.id": exp,
        "experience.name": `Experience ${String.fromCharCode(65 + exp)}`,
        "location.name": name,
        "location.type": "mbox",
        "location.id": 0,
        "audience.ids": [a],
        "offer.id": id * 10 + exp,
        "offer.name": `offer-${a}-${exp}`,
        "option.id": 2,
        "option.name": "Offer2",
      },
      condition: {
        and: [
          { and: [{ "<=": [low, { var: "allocation" }] }, { ">=": [high, { var: "allocation" }] }] },
          { or: [{ in: ["adobe", { var: "page.domain" }] }, { "==": [{ var: "user.browserType" }, "chrome"] }] },
        ],
      },
      consequence: {
        name,
        options: [{ type: "json", eventToken: `token-${a}-${exp}`, content: { variant: exp, feature: `f${a}` } }],
        metrics: [],
      },
    });
    mboxes[name] = [rule(0, 0, 50), rule(1, 50, 100)];
  }
  return {
    version: "1.0.0",
    meta: { clientCode: "synthetic", environment: "production" },
    globalMbox: "target-global-mbox",
    geoTargetingEnabled: false,
    responseTokens: ["activity.id", "experience.name"],
    remoteMboxes: [],
    remoteViews: [],
    localMboxes,
    localViews: [],
    rules: { mboxes, views: {} },
  };
}
