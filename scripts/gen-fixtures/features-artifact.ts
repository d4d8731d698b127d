// Writes fixtures/artifacts/features.json: one artifact written here that exercises every
// feature of the engine (A/B allocation, parameters, URL parts, browser, geo, time, property
// tokens, remote names, page load, views, macros, response tokens, metrics).
//
//   pnpm fixtures   (this, engine-cases.ts, then expected.ts)
import { writeFileSync } from "node:fs";
import type { Artifact, Consequence, Metric, Rule, RuleMeta } from "@decisioning/engine";

/** An activity as its rules' metadata names it. */
interface Activity {
  id: number;
  name: string;
  type: string;
}
/** An experience or an offer: an id and a name (an offer may name its option). */
interface Named {
  id: number;
  name: string;
  option?: number;
}
/** What a rule may add: where it is, its audiences, the workspaces it belongs to. */
interface RuleExtra {
  location?: string;
  locationType?: string;
  audiences?: number[];
  propertyTokens?: string[];
}

const meta = (activity: Activity, experience: Named, offer: Named, extra: RuleExtra = {}): RuleMeta => ({
  "activity.id": activity.id,
  "activity.name": activity.name,
  "activity.type": activity.type,
  "experience.id": experience.id,
  "experience.name": experience.name,
  "location.name": extra.location ?? "",
  "location.type": extra.locationType ?? "mbox",
  "location.id": 0,
  "audience.ids": extra.audiences ?? [],
  "offer.id": offer.id,
  "offer.name": offer.name,
  "option.id": offer.option ?? 2,
  "option.name": `Offer${offer.option ?? 2}`,
});
let token = 0;
const tok = () => `tok-${String(++token).padStart(4, "0")}==`;
const rule = (key: string, activity: Activity, experience: Named, offer: Named, condition: unknown, consequence: Consequence, extra: RuleExtra = {}): Rule => ({
  ruleKey: key,
  activityId: activity.id,
  meta: meta(activity, experience, offer, extra),
  condition,
  consequence,
  ...(extra.propertyTokens ? { propertyTokens: extra.propertyTokens } : {}),
});
const jsonOffer = (name: string, content: Record<string, unknown>, extraMetrics: Metric[] = []): Consequence => ({
  name,
  options: [{ type: "json", eventToken: tok(), content }],
  metrics: extraMetrics,
});
const v = (name: string) => ({ var: name });

const ab = { id: 1001, name: "Hero A/B", type: "ab" };
const xt = { id: 1002, name: "Flags by audience", type: "landing" };
const macros = { id: 1003, name: "Macro campaign", type: "ab" };
const geo = { id: 1004, name: "Geo targeting", type: "landing" };
const time = { id: 1005, name: "Friday sale", type: "landing" };
const prop = { id: 1006, name: "Workspaces", type: "landing" };
const pl1 = { id: 1007, name: "Page load banner", type: "ab" };
const pl2 = { id: 1008, name: "Page load by param", type: "landing" };
const view = { id: 1010, name: "Home view", type: "ab" };
const contact = { id: 1011, name: "Contact view", type: "landing" };

const artifact: Artifact = {
  version: "1.0.0",
  meta: { clientCode: "acme", environment: "production" },
  globalMbox: "target-global-mbox",
  geoTargetingEnabled: true,
  responseTokens: ["activity.id", "activity.name", "experience.name", "offer.id", "option.name", "geo.country", "geo.city"],
  remoteMboxes: ["remote-box"],
  remoteViews: [],
  localMboxes: ["ab-hero", "flags", "macro-box", "geo-box", "time-box", "prop-box", "target-global-mbox"],
  localViews: ["home", "contact"],
  rules: {
    mboxes: {
      "ab-hero": [
        rule(
          "1001-0",
          ab,
          { id: 0, name: "Experience A" },
          { id: 5001, name: "hero-a" },
          { "<": [v("allocation"), 50] },
          jsonOffer("ab-hero", { headline: "Fast", color: "red" }, [{ type: "click", eventToken: tok(), selector: "#hero" }]),
          { location: "ab-hero" },
        ),
        rule(
          "1001-1",
          ab,
          { id: 1, name: "Experience B" },
          { id: 5002, name: "hero-b" },
          { ">=": [v("allocation"), 50] },
          jsonOffer("ab-hero", { headline: "Faster", color: "blue" }),
          { location: "ab-hero" },
        ),
      ],
      flags: [
        rule(
          "1002-0",
          xt,
          { id: 0, name: "Gold members" },
          { id: 5010, name: "gold" },
          { "==": [v("mbox.tier_lc"), "gold"] },
          jsonOffer("flags", { searchProviderId: 7, beta: true }),
          { audiences: [9001] },
        ),
        rule(
          "1002-1",
          xt,
          { id: 1, name: "UK shop" },
          { id: 5011, name: "uk" },
          { and: [{ "==": [v("page.domain"), "example.co.uk"] }, { "==": [v("page.subdomain"), "shop"] }, { in: ["sale", v("page.query_lc")] }] },
          jsonOffer("flags", { searchProviderId: 44, currency: "GBP" }),
          { audiences: [9002] },
        ),
        rule(
          "1002-2",
          xt,
          { id: 2, name: "Firefox users" },
          { id: 5012, name: "firefox" },
          { and: [{ "==": [v("user.browserType"), "firefox"] }, { ">=": [v("user.browserVersion"), 70] }] },
          jsonOffer("flags", { searchProviderId: 12 }),
          { audiences: [9003] },
        ),
        rule(
          "1002-3",
          xt,
          { id: 3, name: "Nested parameter" },
          { id: 5013, name: "nested" },
          { "==": [v("mbox.profile.plan"), "pro"] },
          jsonOffer("flags", { searchProviderId: 99 }),
          { audiences: [9004] },
        ),
        rule("1002-4", xt, { id: 4, name: "Everyone" }, { id: 5014, name: "default" }, true, jsonOffer("flags", { searchProviderId: 143 }), { audiences: [] }),
      ],
      "macro-box": [
        rule("1003-0", macros, { id: 0, name: "Macro experience" }, { id: 5020, name: "macro-offer" }, true, {
          name: "macro-box",
          options: [
            {
              type: "html",
              eventToken: tok(),
              content: "<p>${campaign.name} / ${recipe.name} / ${mbox.name} / ${offer.id} / ${mbox.color} / ${unknown.thing}</p>",
            },
            { type: "actions", eventToken: tok(), content: [{ type: "setHtml", selector: "#x", content: "<b>${activity.id}:${experience.id}</b>" }] },
          ],
          metrics: [],
        }),
      ],
      "geo-box": [
        rule(
          "1004-0",
          geo,
          { id: 0, name: "San Francisco" },
          { id: 5030, name: "sf" },
          { and: [{ "==": [v("geo.country"), "US"] }, { "==": [v("geo.city"), "SAN FRANCISCO"] }] },
          jsonOffer("geo-box", { city: "sf" }),
        ),
        rule(
          "1004-1",
          geo,
          { id: 1, name: "Near the equator" },
          { id: 5031, name: "equator" },
          { and: [{ ">=": [v("geo.latitude"), -10] }, { "<=": [v("geo.latitude"), 10] }] },
          jsonOffer("geo-box", { city: "equator" }),
        ),
      ],
      "time-box": [
        rule(
          "1005-0",
          time,
          { id: 0, name: "Friday" },
          { id: 5040, name: "friday" },
          { "==": [v("current_day"), 5] },
          jsonOffer("time-box", { sale: "friday" }),
        ),
        rule(
          "1005-1",
          time,
          { id: 1, name: "Evenings" },
          { id: 5041, name: "evening" },
          { and: [{ ">=": [v("current_time"), "1800"] }, { "<=": [v("current_time"), "2359"] }] },
          jsonOffer("time-box", { sale: "evening" }),
        ),
        rule(
          "1005-2",
          time,
          { id: 2, name: "Campaign window" },
          { id: 5042, name: "window" },
          { and: [{ ">=": [v("current_timestamp"), 1767225600000] }, { "<": [v("current_timestamp"), 1769904000000] }] },
          jsonOffer("time-box", { sale: "january" }),
        ),
      ],
      "prop-box": [
        rule("1006-0", prop, { id: 0, name: "Property A" }, { id: 5050, name: "prop-a" }, true, jsonOffer("prop-box", { property: "a" }), {
          propertyTokens: ["prop-a"],
        }),
        rule("1006-1", prop, { id: 1, name: "Property B" }, { id: 5051, name: "prop-b" }, true, jsonOffer("prop-box", { property: "b" }), {
          propertyTokens: ["prop-b", "prop-c"],
        }),
        rule("1006-2", prop, { id: 2, name: "No property" }, { id: 5052, name: "prop-none" }, true, jsonOffer("prop-box", { property: "none" })),
      ],
      "target-global-mbox": [
        rule(
          "1007-0",
          pl1,
          { id: 0, name: "Banner A" },
          { id: 5060, name: "banner-a" },
          { "<": [v("allocation"), 50] },
          {
            name: "target-global-mbox",
            options: [{ type: "html", eventToken: tok(), content: "<div>Banner A for ${mbox.name}</div>" }],
            metrics: [{ type: "click", eventToken: tok(), selector: "#banner" }],
          },
        ),
        rule(
          "1007-1",
          pl1,
          { id: 1, name: "Banner B" },
          { id: 5061, name: "banner-b" },
          { ">=": [v("allocation"), 50] },
          {
            name: "target-global-mbox",
            options: [{ type: "html", eventToken: tok(), content: "<div>Banner B</div>" }],
            metrics: [],
          },
        ),
        rule(
          "1008-0",
          pl2,
          { id: 0, name: "Returning" },
          { id: 5062, name: "returning" },
          { "==": [v("mbox.visit"), "returning"] },
          {
            name: "target-global-mbox",
            options: [{ type: "redirect", eventToken: tok(), content: { url: "https://example.com/welcome-back" } }],
            metrics: [],
          },
        ),
      ],
    },
    views: {
      home: [
        rule(
          "1010-0",
          view,
          { id: 0, name: "Home A" },
          { id: 5070, name: "home-a" },
          { "<": [v("allocation"), 50] },
          {
            name: "home",
            options: [
              { type: "actions", content: [{ type: "setHtml", selector: "#h1", content: "Welcome A" }] },
              { type: "actions", content: [{ type: "setStyle", selector: "#h1", content: { color: "red" } }] },
            ],
            metrics: [
              { type: "display", eventToken: tok() },
              { type: "display", eventToken: tok() },
              { type: "click", eventToken: tok(), selector: "#cta" },
            ],
          },
          { locationType: "view", location: "home" },
        ),
        rule(
          "1010-1",
          view,
          { id: 1, name: "Home B" },
          { id: 5071, name: "home-b" },
          { ">=": [v("allocation"), 50] },
          {
            name: "home",
            options: [{ type: "actions", content: [{ type: "setHtml", selector: "#h1", content: "Welcome B" }] }],
            metrics: [{ type: "display", eventToken: tok() }],
          },
          { locationType: "view", location: "home" },
        ),
        rule(
          "1012-0",
          { id: 1012, name: "Home extras", type: "landing" },
          { id: 0, name: "Extras" },
          { id: 5072, name: "extras" },
          true,
          {
            name: "home",
            options: [{ type: "actions", eventToken: tok(), content: [{ type: "insertAfter", selector: "#h1", content: "<i>extra</i>" }] }],
            metrics: [],
          },
          { locationType: "view", location: "home" },
        ),
      ],
      contact: [
        rule(
          "1011-0",
          contact,
          { id: 0, name: "Contact by param" },
          { id: 5080, name: "contact" },
          { "==": [v("mbox.jason"), "correct"] },
          {
            name: "contact",
            options: [{ type: "actions", eventToken: tok(), content: [{ type: "setHtml", selector: "#c", content: "Call us" }] }],
            metrics: [],
          },
          { locationType: "view", location: "contact" },
        ),
      ],
    },
  },
};
writeFileSync(new URL("../../fixtures/artifacts/features.json", import.meta.url), `${JSON.stringify(artifact, null, 2)}\n`);
console.log("wrote fixtures/artifacts/features.json");
