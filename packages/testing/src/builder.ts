/**
 * A fluent builder for rules artifacts shaped like the ones Target publishes: A/B splits as
 * allocation ranges, audiences as json-logic, event tokens on every option, and the
 * local/remote mbox lists filled in.
 */
import { OptionType, type Artifact, type Option, type Rule } from "@decisioning/engine";
import type { Condition } from "./conditions.js";
import { TestingError, TestingErrorCode } from "./errors.js";

/** Offer content by type; a list gives an experience several options. */
export type OfferSpec =
  | { json: unknown }
  | { html: string }
  | { redirect: string }
  | { actions: unknown[] }
  | { dynamic: unknown }
  | ReadonlyArray<{ json: unknown } | { html: string } | { redirect: string } | { actions: unknown[] } | { dynamic: unknown }>;

/** Options of one experience. */
export interface ExperienceOptions {
  /** Visitors must also match this audience (experience targeting). */
  audience?: Condition;
  /** Experience id in rule meta (default: its position, from 0). */
  id?: number;
}

/** Options of one activity. */
export interface ActivityOptions {
  /** Activity id (default: 1000 plus the activity's position, from 1). */
  id?: number;
  /** `ab` (default), `xt`, `landing`, ... as in rule meta `activity.type`. */
  type?: string;
  /** At.js property tokens the activity is limited to. */
  propertyTokens?: string[];
}

/** Options of the whole artifact. */
export interface ArtifactOptions {
  /** Client code in `meta.clientCode` (default `acme`). */
  client?: string;
  environment?: string;
  globalMbox?: string;
  geoTargetingEnabled?: boolean;
  /** Response tokens the account enabled (default: activity and experience ids and names, offer id, option name). */
  responseTokens?: string[];
}

interface ExperienceDraft {
  name: string;
  share: number;
  offer: OfferSpec;
  options: ExperienceOptions;
}

interface LocationDraft {
  type: "mbox" | "view";
  name: string;
}

interface ActivityDraft {
  name: string;
  id: number;
  type: string;
  propertyTokens: string[] | undefined;
  locations: LocationDraft[];
  experiences: ExperienceDraft[];
  audiences: Condition[];
}

/** Response tokens a built artifact enables unless told otherwise. */
export const DEFAULT_RESPONSE_TOKENS: readonly string[] = ["activity.id", "activity.name", "experience.id", "experience.name", "offer.id", "option.name"];

const ALLOCATION = { var: "allocation" };

/** The allocation condition for a share from `start` to `end` percent. */
function splitCondition(start: number, end: number): Condition {
  if (start <= 0) return { "<": [ALLOCATION, end] };
  return { and: [{ ">=": [ALLOCATION, start] }, { "<": [ALLOCATION, end] }] };
}

const OPTION_TYPES: readonly string[] = Object.values(OptionType);

function optionsOf(offer: OfferSpec): Array<{ type: OptionType; content: unknown }> {
  const list = Array.isArray(offer) ? offer : [offer];
  return list.map((entry) => {
    const [type] = Object.keys(entry) as Array<OptionType | undefined>;
    if (type === undefined || !OPTION_TYPES.includes(type)) {
      throw new TestingError(TestingErrorCode.Builder, `an offer is {json}, {html}, {redirect}, {actions} or {dynamic}; got ${JSON.stringify(entry)}`);
    }
    return { type, content: (entry as Record<string, unknown>)[type] };
  });
}

/** An opaque, stable token like Target's (base64), unique per activity, experience, location and option. */
function eventToken(client: string, activityId: number, experienceId: number, location: string, option: number): string {
  const text = `${client}|${activityId}|${experienceId}|${location}|${option}`;
  let binary = "";
  for (const byte of new TextEncoder().encode(text)) binary += String.fromCharCode(byte);
  return btoa(binary);
}

/** Builds an artifact; every method returns the builder, `build()` returns the JSON. */
export class ArtifactBuilder {
  private readonly activities: ActivityDraft[] = [];
  private readonly remote = { mboxes: [] as string[], views: [] as string[] };
  private readonly extraLocal = { mboxes: [] as string[], views: [] as string[] };

  constructor(private readonly options: ArtifactOptions = {}) {}

  private get current(): ActivityDraft {
    const activity = this.activities[this.activities.length - 1];
    if (!activity) throw new TestingError(TestingErrorCode.Builder, "start with .activity(name) before adding locations, experiences or audiences");
    return activity;
  }

  /** Start an activity; later calls add to it until the next `activity()`. Rules run in activity order. */
  activity(name: string, options: ActivityOptions = {}): this {
    const id = options.id ?? 1000 + this.activities.length + 1;
    if (this.activities.some((a) => a.id === id)) throw new TestingError(TestingErrorCode.Builder, `activity id ${id} is used twice`);
    this.activities.push({ name, id, type: options.type ?? "ab", propertyTokens: options.propertyTokens, locations: [], experiences: [], audiences: [] });
    return this;
  }

  /** Run the current activity on an mbox (call again for more mboxes). */
  mbox(name: string): this {
    this.current.locations.push({ type: "mbox", name });
    return this;
  }

  /** Run the current activity on a view (SPA). */
  view(name: string): this {
    this.current.locations.push({ type: "view", name });
    return this;
  }

  /** Run the current activity on the page load (the global mbox). */
  pageLoad(): this {
    return this.mbox(this.options.globalMbox ?? "target-global-mbox");
  }

  /**
   * Add an experience with a share of traffic in percent. Shares below 100 split the activity's
   * traffic in the order experiences are added (A gets 0 to 50, B 50 to 100); a share of 100
   * means no split, for experiences chosen by their own audience.
   */
  experience(name: string, share: number, offer: OfferSpec, options: ExperienceOptions = {}): this {
    if (!(share > 0 && share <= 100))
      throw new TestingError(TestingErrorCode.Builder, `experience "${name}": share must be a percentage in (0, 100], got ${share}`);
    const activity = this.current;
    if (activity.experiences.some((e) => e.name === name))
      throw new TestingError(TestingErrorCode.Builder, `activity "${activity.name}" already has an experience "${name}"`);
    optionsOf(offer);
    activity.experiences.push({ name, share, offer, options });
    return this;
  }

  /** Limit the current activity to visitors matching a condition (several calls: all must hold). */
  audience(condition: Condition): this {
    this.current.audiences.push(condition);
    return this;
  }

  /** List an mbox the device cannot decide (it needs the Delivery API). */
  remoteMbox(name: string): this {
    this.remote.mboxes.push(name);
    return this;
  }

  /** List a view the device cannot decide. */
  remoteView(name: string): this {
    this.remote.views.push(name);
    return this;
  }

  /** List an mbox as local without giving it rules (it answers with no content). */
  localMbox(name: string): this {
    this.extraLocal.mboxes.push(name);
    return this;
  }

  private rulesOf(activity: ActivityDraft, client: string): Array<{ location: LocationDraft; rule: Rule }> {
    if (activity.locations.length === 0)
      throw new TestingError(TestingErrorCode.Builder, `activity "${activity.name}" runs nowhere: add .mbox(name), .view(name) or .pageLoad()`);
    if (activity.experiences.length === 0)
      throw new TestingError(TestingErrorCode.Builder, `activity "${activity.name}" has no experience: add .experience(name, share, offer)`);
    const split = activity.experiences.filter((e) => e.share < 100);
    const total = split.reduce((sum, e) => sum + e.share, 0);
    if (total > 100 + 1e-9) throw new TestingError(TestingErrorCode.Builder, `activity "${activity.name}": split shares add up to ${total}%, over 100%`);
    const ranges = new Map<ExperienceDraft, [number, number]>();
    let start = 0;
    for (const experience of split) {
      // Rounded to the allocation's two decimals so that ranges meet exactly.
      const end = Math.round((start + experience.share) * 100) / 100;
      ranges.set(experience, [start, end]);
      start = end;
    }
    const out: Array<{ location: LocationDraft; rule: Rule }> = [];
    activity.locations.forEach((location, locationIndex) => {
      activity.experiences.forEach((experience, index) => {
        const experienceId = experience.options.id ?? index;
        const range = ranges.get(experience);
        const conditions: Condition[] = [];
        if (range) conditions.push(splitCondition(range[0], range[1]));
        conditions.push(...activity.audiences);
        if (experience.options.audience !== undefined) conditions.push(experience.options.audience);
        const condition: Condition = conditions.length === 0 ? true : conditions.length === 1 ? (conditions[0] as Condition) : { and: conditions };
        const offerId = activity.id * 100 + experienceId;
        const options: Option[] = optionsOf(experience.offer).map((option, i) => ({
          ...option,
          eventToken: eventToken(client, activity.id, experienceId, `${location.type}:${location.name}`, i),
        }));
        const rule: Rule = {
          ruleKey: location.type === "view" ? `${activity.id}-${locationIndex}` : String(activity.id),
          activityId: activity.id,
          meta: {
            "activity.id": activity.id,
            "activity.name": activity.name,
            "activity.type": activity.type,
            "experience.id": experienceId,
            "experience.name": experience.name,
            "location.id": locationIndex,
            "location.name": location.name,
            "location.type": location.type,
            "offer.id": offerId,
            "offer.name": `${activity.name}/${experience.name}`,
            "option.id": 0,
            "option.name": `Offer${offerId}`,
            "audience.ids": [],
          },
          condition,
          consequence: { name: location.name, options, metrics: [] },
        };
        if (activity.propertyTokens && activity.propertyTokens.length > 0) rule.propertyTokens = [...activity.propertyTokens];
        out.push({ location, rule });
      });
    });
    return out;
  }

  /** The artifact as JSON (a fresh object on every call). Throws a `TestingError` for an incomplete activity. */
  build(): Artifact {
    const client = this.options.client ?? "acme";
    const globalMbox = this.options.globalMbox ?? "target-global-mbox";
    const mboxes: Record<string, Rule[]> = {};
    const views: Record<string, Rule[]> = {};
    for (const activity of this.activities) {
      for (const { location, rule } of this.rulesOf(activity, client)) {
        const map = location.type === "mbox" ? mboxes : views;
        (map[location.name] ??= []).push(rule);
      }
    }
    const unique = (names: string[]): string[] => [...new Set(names)];
    const artifact: Artifact = {
      version: "1.0.0",
      meta: { clientCode: client, environment: this.options.environment ?? "production" },
      globalMbox,
      geoTargetingEnabled: this.options.geoTargetingEnabled ?? false,
      responseTokens: [...(this.options.responseTokens ?? DEFAULT_RESPONSE_TOKENS)],
      remoteMboxes: unique(this.remote.mboxes),
      remoteViews: unique(this.remote.views),
      localMboxes: unique([...Object.keys(mboxes), ...this.extraLocal.mboxes]).filter((name) => !this.remote.mboxes.includes(name)),
      localViews: unique(Object.keys(views)).filter((name) => !this.remote.views.includes(name)),
      rules: { mboxes, views },
    };
    return JSON.parse(JSON.stringify(artifact)) as Artifact;
  }
}

/** Start building an artifact: `artifact().activity("test").mbox("hero").experience("A", 50, {json: {...}})...build()`. */
export function artifact(options: ArtifactOptions = {}): ArtifactBuilder {
  return new ArtifactBuilder(options);
}
