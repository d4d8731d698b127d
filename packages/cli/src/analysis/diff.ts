/**
 * What changed between two artifacts: activities, experiences, traffic splits, audiences,
 * offers and mbox lists; and how many visitors would now see something else, estimated by
 * deciding the same sampled visitors against both artifacts with the engine.
 */
import { createDecider, validateArtifact, type Artifact, type DeliveryResponse, type Option, type GetOffersOptions, type Rule } from "@decisioning/engine";
import { formatRange, rangeOf, sameBuckets } from "./allocation.js";
import { logicKey } from "./logic.js";
import { offerChanges } from "./offer-changes.js";
import { modelOf, type ActivityModel, type ArtifactModel, type ExperienceModel } from "./model.js";

/** An activity as listed in a diff. */
export interface ActivityRef {
  id: string;
  name: string | undefined;
  type: string | undefined;
  locations: string[];
  experiences: string[];
}

/** What changed in an activity present in both artifacts, one readable line per change. */
export interface ActivityChange extends ActivityRef {
  changes: string[];
}

/** Names added to and removed from a list. */
export interface ListChange {
  added: string[];
  removed: string[];
}

/** The structural differences between two artifacts. */
export interface ArtifactDiff {
  /** Artifact-level changes (version, client, global mbox, response tokens, geo targeting). */
  artifact: string[];
  activities: { added: ActivityRef[]; removed: ActivityRef[]; changed: ActivityChange[] };
  mboxes: ListChange & { changed: string[] };
  views: ListChange & { changed: string[] };
  /** True when nothing differs. */
  identical: boolean;
}

/** Share of sampled visitors whose answer changes, overall and per location. */
export interface ImpactEstimate {
  samples: number;
  /** Percent of visitors placed in another activity or experience somewhere. */
  experienceChanged: number;
  /** Percent of visitors who would see different content somewhere. */
  contentChanged: number;
  /** Locations where anything changed for some visitor. */
  locations: Array<{ kind: "mbox" | "view" | "page-load"; name: string; experienceChanged: number; contentChanged: number }>;
}

const refOf = (activity: ActivityModel): ActivityRef => ({
  id: activity.id,
  name: activity.name,
  type: activity.type,
  locations: activity.locations.map((l) => `${l.kind} ${l.name}`),
  experiences: activity.experiences.map(experienceLabel),
});

function experienceLabel(experience: ExperienceModel): string {
  return experience.name ?? experience.key;
}

function listChange(before: readonly string[], after: readonly string[]): ListChange {
  return { added: after.filter((x) => !before.includes(x)), removed: before.filter((x) => !after.includes(x)) };
}

/** Activity ids at a location in priority order (the order their first rules appear). */
function priorities(model: ArtifactModel): Map<string, string[]> {
  const result = new Map<string, string[]>();
  for (const location of [...model.mboxes, ...model.views]) result.set(`${location.kind} ${location.name}`, location.activityIds);
  return result;
}

function compareActivity(before: ActivityModel, after: ActivityModel, oldOrder: Map<string, string[]>, newOrder: Map<string, string[]>): string[] {
  const changes: string[] = [];
  if (before.name !== after.name) changes.push(`renamed ${JSON.stringify(before.name)} → ${JSON.stringify(after.name)}`);
  if (before.type !== after.type) changes.push(`type ${String(before.type)} → ${String(after.type)}`);
  const locations = listChange(
    before.locations.map((l) => `${l.kind} ${l.name}`),
    after.locations.map((l) => `${l.kind} ${l.name}`),
  );
  for (const name of locations.added) changes.push(`now runs on ${name}`);
  for (const name of locations.removed) changes.push(`no longer runs on ${name}`);
  for (const experience of after.experiences) {
    const old = before.experiences.find((e) => e.key === experience.key);
    const label = JSON.stringify(experienceLabel(experience));
    if (!old) {
      changes.push(`experience ${label} added${experience.buckets ? ` with allocation ${formatRange(rangeOf(experience.buckets))}` : ""}`);
      continue;
    }
    if (old.name !== experience.name) changes.push(`experience ${JSON.stringify(experienceLabel(old))} renamed to ${label}`);
    const oldSplit = old.buckets ? formatRange(rangeOf(old.buckets)) : "all (not split)";
    const newSplit = experience.buckets ? formatRange(rangeOf(experience.buckets)) : "all (not split)";
    const sameSplit = old.buckets && experience.buckets ? sameBuckets(old.buckets, experience.buckets) : old.buckets === experience.buckets;
    if (!sameSplit) changes.push(`experience ${label} split ${oldSplit} → ${newSplit}`);
    const oldAudiences = [...old.audiences].sort();
    const newAudiences = [...experience.audiences].sort();
    if (JSON.stringify(oldAudiences) !== JSON.stringify(newAudiences)) {
      changes.push(`experience ${label} audience ${oldAudiences.join(" | ")} → ${newAudiences.join(" | ")}`);
    }
    changes.push(...offerChanges(`experience ${label}`, old.offers, experience.offers));
  }
  for (const experience of before.experiences) {
    if (!after.experiences.some((e) => e.key === experience.key)) changes.push(`experience ${JSON.stringify(experienceLabel(experience))} removed`);
  }
  for (const { kind, name } of after.locations) {
    const key = `${kind} ${name}`;
    const was = oldOrder.get(key)?.indexOf(before.id) ?? -1;
    const now = newOrder.get(key)?.indexOf(after.id) ?? -1;
    if (was >= 0 && now >= 0 && was !== now) changes.push(`priority at ${key}: position ${was + 1} → ${now + 1}`);
  }
  return changes;
}

function artifactChanges(before: Artifact, after: Artifact): string[] {
  const changes: string[] = [];
  const field = (label: string, a: unknown, b: unknown): void => {
    if (logicKey(a) !== logicKey(b)) changes.push(`${label}: ${JSON.stringify(a) ?? "none"} → ${JSON.stringify(b) ?? "none"}`);
  };
  field("version", before.version, after.version);
  field("client code", before.meta?.clientCode, after.meta?.clientCode);
  field("environment", before.meta?.environment, after.meta?.environment);
  field("global mbox", before.globalMbox, after.globalMbox);
  field("geo targeting", Boolean(before.geoTargetingEnabled), Boolean(after.geoTargetingEnabled));
  field("response tokens", [...(before.responseTokens ?? [])].sort(), [...(after.responseTokens ?? [])].sort());
  return changes;
}

function locationChanges(before: ArtifactModel, after: ArtifactModel, kind: "mboxes" | "views"): ListChange & { changed: string[] } {
  const oldNames = before[kind].map((l) => l.name);
  const newNames = after[kind].map((l) => l.name);
  const changed: string[] = [];
  for (const location of after[kind]) {
    const old = before[kind].find((l) => l.name === location.name);
    if (!old) continue;
    const status = (l: typeof location): string => (l.local && l.remote ? "local+remote" : l.local ? "local" : l.remote ? "remote" : "unlisted");
    if (status(old) !== status(location)) changed.push(`${location.name}: ${status(old)} → ${status(location)}`);
  }
  return { ...listChange(oldNames, newNames), changed };
}

/** The structural differences between two artifacts (each validated by the engine; throws its `ArtifactError`). */
export function diffArtifacts(oldJson: unknown, newJson: unknown): ArtifactDiff {
  const before = modelOf(validateArtifact(oldJson));
  const after = modelOf(validateArtifact(newJson));
  const oldOrder = priorities(before);
  const newOrder = priorities(after);
  const added = after.activities.filter((a) => !before.activities.some((b) => b.id === a.id)).map(refOf);
  const removed = before.activities.filter((b) => !after.activities.some((a) => a.id === b.id)).map(refOf);
  const changed: ActivityChange[] = [];
  for (const activity of after.activities) {
    const old = before.activities.find((b) => b.id === activity.id);
    if (!old) continue;
    const changes = compareActivity(old, activity, oldOrder, newOrder);
    if (changes.length > 0) changed.push({ ...refOf(activity), changes });
  }
  const result = {
    artifact: artifactChanges(before.artifact, after.artifact),
    activities: { added, removed, changed },
    mboxes: locationChanges(before, after, "mboxes"),
    views: locationChanges(before, after, "views"),
  };
  const identical =
    result.artifact.length === 0 &&
    added.length + removed.length + changed.length === 0 &&
    [result.mboxes, result.views].every((l) => l.added.length + l.removed.length + l.changed.length === 0);
  return { ...result, identical };
}

/** Which activity and experience each event token belongs to, to name what a response shows. */
function tokenIndex(artifact: Artifact): Map<string, string> {
  const index = new Map<string, string>();
  const add = (rule: Rule): void => {
    const meta = rule.meta;
    const id = `${String(meta["activity.id"] ?? rule.activityId)}:${String(meta["experience.id"] ?? meta["experience.name"] ?? rule.ruleKey)}`;
    const options = rule.consequence.options ?? [];
    const metrics = rule.consequence.metrics ?? [];
    options.forEach((option, i) => {
      const metric = metrics[i];
      const token = option.eventToken ?? (metric?.type === "display" ? metric.eventToken : undefined);
      if (typeof token === "string") index.set(token, id);
    });
  };
  for (const rules of Object.values(artifact.rules.mboxes ?? {})) rules.forEach(add);
  for (const rules of Object.values(artifact.rules.views ?? {})) rules.forEach(add);
  return index;
}

type Outcome = Map<string, { experience: string; content: string }>;

function outcomeOf(response: DeliveryResponse, tokens: Map<string, string>): Outcome {
  const outcome: Outcome = new Map();
  const items: Array<readonly [string, { name?: unknown; options?: Option[] }]> = [
    ...(response.prefetch?.mboxes ?? []).map((item) => ["mbox", item] as const),
    ...(response.prefetch?.views ?? []).map((item) => ["view", item] as const),
  ];
  if (response.prefetch?.pageLoad) items.push(["page-load", { ...response.prefetch.pageLoad, name: "" }] as const);
  for (const [kind, item] of items) {
    const options = item.options ?? [];
    const experience = options
      .map((option) => (typeof option.eventToken === "string" ? (tokens.get(option.eventToken) ?? "?") : "?"))
      .sort()
      .join(",");
    const content = JSON.stringify(options.map((option) => [option.type, option.content]));
    outcome.set(`${kind} ${String(item.name)}`, { experience, content });
  }
  return outcome;
}

/** Deterministic visitor ids that look like Target's (32 hex digits), from a seed. */
export function sampleVisitorIds(count: number, seed: string): string[] {
  let state = 0x811c9dc5;
  for (let i = 0; i < seed.length; i++) state = Math.imul(state ^ seed.charCodeAt(i), 0x01000193);
  const next = (): number => {
    // mulberry32: small, fast and good enough to spread ids over the hash.
    state = (state + 0x6d2b79f5) | 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    let id = "";
    for (let part = 0; part < 4; part++) id += next().toString(16).padStart(8, "0");
    ids.push(id);
  }
  return ids;
}

/** Inputs of {@link estimateImpact}. */
export interface EstimateInput {
  client: string;
  oldArtifact: unknown;
  newArtifact: unknown;
  /** The request every sampled visitor sends (its ids are replaced); when it asks for nothing, every mbox and view with rules is asked for. */
  template?: GetOffersOptions;
  samples: number;
  seed: string;
  now: number;
  /** Mbox parameters put on every sampled item, the ones the template asks for or, when it asks for none, every mbox and view with rules. */
  parameters?: Record<string, string>;
  onProgress?: (done: number, total: number) => void;
}

/**
 * The request to sample with, entirely under prefetch (decisions then owe no notifications and
 * keep their event tokens). A template that asks for nothing asks for every mbox and view with
 * rules in either artifact.
 */
function samplingRequest(template: GetOffersOptions | undefined, before: Artifact, after: Artifact, parameters: Record<string, string> = {}): GetOffersOptions {
  const { execute, prefetch, ...rest } = template?.request ?? { context: { channel: "web" } };
  let mboxes = [...(prefetch?.mboxes ?? []), ...(execute?.mboxes ?? [])];
  let views = [...(prefetch?.views ?? []), ...(execute?.views ?? [])];
  let pageLoad = prefetch?.pageLoad ?? execute?.pageLoad;
  if (mboxes.length === 0 && views.length === 0 && pageLoad === undefined) {
    const names = (kind: "mboxes" | "views"): string[] => [...new Set([...Object.keys(before.rules[kind] ?? {}), ...Object.keys(after.rules[kind] ?? {})])];
    mboxes = names("mboxes").map((name, i) => ({ name, index: i + 1 }));
    views = names("views").map((name) => ({ name }));
  }
  if (Object.keys(parameters).length > 0) {
    const withParameters = <T extends { parameters?: Record<string, unknown> }>(item: T): T => ({ ...item, parameters: { ...item.parameters, ...parameters } });
    mboxes = mboxes.map(withParameters);
    views = views.map(withParameters);
    if (pageLoad) pageLoad = withParameters(pageLoad);
  }
  const block = { ...(mboxes.length > 0 ? { mboxes } : {}), ...(views.length > 0 ? { views } : {}), ...(pageLoad ? { pageLoad } : {}) };
  return { ...template, request: { ...rest, prefetch: block } };
}

/** Decide the same sampled visitors against both artifacts and count whose answers change. */
export function estimateImpact(input: EstimateInput): ImpactEstimate {
  const before = validateArtifact(input.oldArtifact);
  const after = validateArtifact(input.newArtifact);
  const platform = { now: () => input.now };
  const oldDecider = createDecider({ client: input.client, artifact: before, platform, telemetryEnabled: false });
  const newDecider = createDecider({ client: input.client, artifact: after, platform, telemetryEnabled: false });
  const oldTokens = tokenIndex(before);
  const newTokens = tokenIndex(after);
  const template = samplingRequest(input.template, before, after, input.parameters);
  const perLocation = new Map<string, { experience: number; content: number }>();
  let experienceChanged = 0;
  let contentChanged = 0;
  const ids = sampleVisitorIds(input.samples, input.seed);
  const step = Math.max(1, Math.floor(input.samples / 100));
  ids.forEach((tntId, n) => {
    const options: GetOffersOptions = { ...template, request: { ...template.request, id: { tntId }, requestId: "diff" } };
    const old = outcomeOf(oldDecider.decide(options).response, oldTokens);
    const now = outcomeOf(newDecider.decide(options).response, newTokens);
    let anyExperience = false;
    let anyContent = false;
    for (const key of new Set([...old.keys(), ...now.keys()])) {
      const a = old.get(key) ?? { experience: "", content: "[]" };
      const b = now.get(key) ?? { experience: "", content: "[]" };
      const experience = a.experience !== b.experience;
      const content = a.content !== b.content;
      if (!experience && !content) continue;
      const counts = perLocation.get(key) ?? { experience: 0, content: 0 };
      if (experience) counts.experience++;
      if (content) counts.content++;
      perLocation.set(key, counts);
      anyExperience ||= experience;
      anyContent ||= content;
    }
    if (anyExperience) experienceChanged++;
    if (anyContent) contentChanged++;
    if (input.onProgress && ((n + 1) % step === 0 || n + 1 === ids.length)) input.onProgress(n + 1, ids.length);
  });
  const percent = (count: number): number => Math.round((count / Math.max(1, input.samples)) * 100 * 100) / 100;
  return {
    samples: input.samples,
    experienceChanged: percent(experienceChanged),
    contentChanged: percent(contentChanged),
    locations: [...perLocation.entries()]
      .sort(([, a], [, b]) => Math.max(b.experience, b.content) - Math.max(a.experience, a.content))
      .map(([key, counts]) => {
        const [kind, ...name] = key.split(" ");
        return {
          kind: kind as "mbox" | "view" | "page-load",
          name: name.join(" "),
          experienceChanged: percent(counts.experience),
          contentChanged: percent(counts.content),
        };
      }),
  };
}
