/**
 * An artifact read as people think of it: activities with experiences, their traffic splits,
 * audiences and offers, and the mboxes and views they run on. Shared by `inspect`, `validate`,
 * `diff` and `explain`.
 */
import { DEFAULT_GLOBAL_MBOX, type Artifact, type Rule, internal } from "@decisioning/engine";
import { union, splitConditionOf, type Buckets, type SplitCondition } from "./allocation.js";
import { logicKey, renderLogic } from "./logic.js";

const { logicProblems } = internal;

/** Where a rule runs. */
export type LocationKind = "mbox" | "view";

/** One offer option a rule delivers. */
export interface OfferModel {
  type: string | undefined;
  content: unknown;
  offerId: unknown;
  offerName: unknown;
}

/** One rule with everything the tools need precomputed. */
export interface RuleModel {
  kind: LocationKind;
  location: string;
  /** Position in its location's rule list (0-based). */
  position: number;
  /** JSON path of the rule in the artifact. */
  path: string;
  rule: Rule;
  ruleKey: unknown;
  activityId: string;
  activityName: string | undefined;
  activityType: string | undefined;
  /** The experience's id, or its name when the artifact gives no id. */
  experienceKey: string;
  experienceName: string | undefined;
  split: SplitCondition;
  /** Canonical text of the audience conjuncts, for grouping rules that target the same visitors. */
  audienceKey: string;
  /** Problems that make the condition fail at evaluation (the rule never matches). */
  problems: string[];
  propertyTokens: string[] | undefined;
  offers: OfferModel[];
}

/** An experience of an activity. */
export interface ExperienceModel {
  key: string;
  id: unknown;
  name: string | undefined;
  /** Buckets the experience can receive (union over its rules), or undefined when it is not split. */
  buckets: Buckets | undefined;
  /** Rendered audience conditions, one per distinct audience. */
  audiences: string[];
  offers: OfferModel[];
  rules: RuleModel[];
}

/** An activity. */
export interface ActivityModel {
  id: string;
  name: string | undefined;
  type: string | undefined;
  locations: Array<{ kind: LocationKind; name: string }>;
  audienceIds: unknown[];
  experiences: ExperienceModel[];
  rules: RuleModel[];
  /** True when some rule splits traffic by allocation. */
  split: boolean;
}

/** An mbox or view and what the artifact says about it. */
export interface LocationModel {
  kind: LocationKind;
  name: string;
  local: boolean;
  remote: boolean;
  global: boolean;
  rules: RuleModel[];
  activityIds: string[];
}

/** The whole artifact, read. */
export interface ArtifactModel {
  artifact: Artifact;
  globalMbox: string;
  rules: RuleModel[];
  activities: ActivityModel[];
  mboxes: LocationModel[];
  views: LocationModel[];
}

const text = (value: unknown): string | undefined => (value === undefined || value === null ? undefined : String(value));

function offersOf(rule: Rule): OfferModel[] {
  const options = Array.isArray(rule.consequence.options) ? rule.consequence.options : [];
  return options.map((option) => ({
    type: text(option.type),
    content: option.content,
    offerId: rule.meta["offer.id"],
    offerName: rule.meta["offer.name"],
  }));
}

function ruleModel(rule: Rule, kind: LocationKind, location: string, position: number): RuleModel {
  const meta = rule.meta;
  const activityId = text(meta["activity.id"] ?? rule.activityId) ?? "(no activity id)";
  const split = splitConditionOf(rule.condition);
  return {
    kind,
    location,
    position,
    path: `rules.${kind === "mbox" ? "mboxes" : "views"}[${JSON.stringify(location)}][${position}]`,
    rule,
    ruleKey: rule.ruleKey,
    activityId,
    activityName: text(meta["activity.name"]),
    activityType: text(meta["activity.type"]),
    experienceKey: text(meta["experience.id"] ?? meta["experience.name"] ?? rule.ruleKey) ?? "(no experience)",
    experienceName: text(meta["experience.name"]),
    split,
    audienceKey: split.audience.map(logicKey).sort().join("&"),
    problems: logicProblems(rule.condition),
    propertyTokens: Array.isArray(rule.propertyTokens) && rule.propertyTokens.length > 0 ? rule.propertyTokens : undefined,
    offers: offersOf(rule),
  };
}

function rulesOf(map: Record<string, Rule[]> | undefined, kind: LocationKind): RuleModel[] {
  if (!map) return [];
  return Object.keys(map).flatMap((name) => (map[name] ?? []).map((rule, i) => ruleModel(rule, kind, name, i)));
}

function renderAudience(split: SplitCondition, propertyTokens?: readonly string[]): string {
  const text = split.audience.length === 0 ? "everyone" : renderLogic({ and: split.audience });
  return propertyTokens ? `${text} (at.js properties ${propertyTokens.join(", ")})` : text;
}

function activitiesOf(rules: readonly RuleModel[]): ActivityModel[] {
  const byId = new Map<string, ActivityModel>();
  for (const rule of rules) {
    let activity = byId.get(rule.activityId);
    if (!activity) {
      activity = {
        id: rule.activityId,
        name: rule.activityName,
        type: rule.activityType,
        locations: [],
        audienceIds: [],
        experiences: [],
        rules: [],
        split: false,
      };
      byId.set(rule.activityId, activity);
    }
    activity.rules.push(rule);
    if (rule.split.buckets) activity.split = true;
    if (!activity.locations.some((l) => l.kind === rule.kind && l.name === rule.location)) {
      activity.locations.push({ kind: rule.kind, name: rule.location });
    }
    const ids = rule.rule.meta["audience.ids"];
    if (Array.isArray(ids)) for (const id of ids) if (!activity.audienceIds.includes(id)) activity.audienceIds.push(id);
    let experience = activity.experiences.find((e) => e.key === rule.experienceKey);
    if (!experience) {
      experience = {
        key: rule.experienceKey,
        id: rule.rule.meta["experience.id"],
        name: rule.experienceName,
        buckets: undefined,
        audiences: [],
        offers: [],
        rules: [],
      };
      activity.experiences.push(experience);
    }
    experience.rules.push(rule);
    const audience = renderAudience(rule.split, rule.propertyTokens);
    if (!experience.audiences.includes(audience)) experience.audiences.push(audience);
    for (const offer of rule.offers) {
      if (!experience.offers.some((o) => logicKey(o) === logicKey(offer))) experience.offers.push(offer);
    }
  }
  for (const activity of byId.values()) {
    for (const experience of activity.experiences) {
      const sets = experience.rules.map((r) => r.split.buckets);
      // An experience with any unsplit rule can reach every visitor.
      experience.buckets = sets.every((set) => set !== undefined) ? union(sets as Buckets[]) : undefined;
    }
  }
  return [...byId.values()];
}

function locationsOf(artifact: Artifact, rules: readonly RuleModel[], kind: LocationKind, globalMbox: string): LocationModel[] {
  const local = (kind === "mbox" ? artifact.localMboxes : artifact.localViews) ?? [];
  const remote = (kind === "mbox" ? artifact.remoteMboxes : artifact.remoteViews) ?? [];
  const map = (kind === "mbox" ? artifact.rules.mboxes : artifact.rules.views) ?? {};
  const names: string[] = [];
  for (const name of [...Object.keys(map), ...local, ...remote]) if (!names.includes(name)) names.push(name);
  return names.map((name) => {
    const own = rules.filter((r) => r.kind === kind && r.location === name);
    const activityIds: string[] = [];
    for (const rule of own) if (!activityIds.includes(rule.activityId)) activityIds.push(rule.activityId);
    return {
      kind,
      name,
      local: local.includes(name),
      remote: remote.includes(name),
      global: kind === "mbox" && name === globalMbox,
      rules: own,
      activityIds,
    };
  });
}

/** Read a validated artifact into activities, experiences and locations. */
export function modelOf(artifact: Artifact): ArtifactModel {
  const rules = [...rulesOf(artifact.rules.mboxes, "mbox"), ...rulesOf(artifact.rules.views, "view")];
  const globalMbox = artifact.globalMbox || DEFAULT_GLOBAL_MBOX;
  return {
    artifact,
    globalMbox,
    rules,
    activities: activitiesOf(rules),
    mboxes: locationsOf(artifact, rules, "mbox", globalMbox),
    views: locationsOf(artifact, rules, "view", globalMbox),
  };
}

/** The audience of a rule, rendered ("everyone" when it has none). */
export function audienceText(rule: RuleModel): string {
  return renderAudience(rule.split, rule.propertyTokens);
}
