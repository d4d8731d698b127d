/** What an artifact holds, as plain data for tables and `--json`. */
import { validateArtifact } from "@decisioning/engine";
import { rangeOf, type AllocationRange } from "./allocation.js";
import { audienceText, modelOf, type ArtifactModel } from "./model.js";

/** One experience with its traffic split and audiences. */
export interface ExperienceSummary {
  id: unknown;
  name: string | undefined;
  /** Allocation range, or undefined when the experience is not split by allocation. */
  split: AllocationRange | undefined;
  audiences: string[];
  offers: string[];
}

/** One activity. */
export interface ActivitySummary {
  id: string;
  name: string | undefined;
  type: string | undefined;
  locations: string[];
  audienceIds: unknown[];
  experiences: ExperienceSummary[];
}

/** One mbox or view. */
export interface LocationSummary {
  name: string;
  /** `local`, `remote`, `local+remote` or `unlisted`. */
  decided: string;
  global: boolean;
  rules: number;
  activities: string[];
}

/** One distinct audience (a condition other than the traffic split) and who uses it. */
export interface AudienceSummary {
  condition: string;
  usedBy: Array<{ activity: string; experience: string | undefined; location: string }>;
}

/** An artifact, summarized. */
export interface Inspection {
  version: string;
  clientCode: unknown;
  environment: unknown;
  globalMbox: string;
  geoTargetingEnabled: boolean;
  responseTokens: string[];
  activities: ActivitySummary[];
  mboxes: LocationSummary[];
  views: LocationSummary[];
  audiences: AudienceSummary[];
}

function decidedOf(local: boolean, remote: boolean): string {
  if (local && remote) return "local+remote";
  if (local) return "local";
  return remote ? "remote" : "unlisted";
}

/** Summarize a read artifact. */
export function inspectModel(model: ArtifactModel): Inspection {
  const { artifact } = model;
  const audiences = new Map<string, AudienceSummary>();
  for (const rule of model.rules) {
    if (rule.split.audience.length === 0) continue;
    const condition = audienceText(rule);
    const entry = audiences.get(condition) ?? { condition, usedBy: [] };
    const location = `${rule.kind} ${rule.location}`;
    if (!entry.usedBy.some((u) => u.activity === rule.activityId && u.experience === rule.experienceName && u.location === location)) {
      entry.usedBy.push({ activity: rule.activityId, experience: rule.experienceName, location });
    }
    audiences.set(condition, entry);
  }
  const locations = (list: ArtifactModel["mboxes"]): LocationSummary[] =>
    list.map((l) => ({ name: l.name, decided: decidedOf(l.local, l.remote), global: l.global, rules: l.rules.length, activities: l.activityIds }));
  return {
    version: artifact.version,
    clientCode: artifact.meta?.clientCode,
    environment: artifact.meta?.environment,
    globalMbox: model.globalMbox,
    geoTargetingEnabled: Boolean(artifact.geoTargetingEnabled),
    responseTokens: artifact.responseTokens ?? [],
    activities: model.activities.map((activity) => ({
      id: activity.id,
      name: activity.name,
      type: activity.type,
      locations: activity.locations.map((l) => `${l.kind} ${l.name}`),
      audienceIds: activity.audienceIds,
      experiences: activity.experiences.map((experience) => ({
        id: experience.id,
        name: experience.name,
        split: experience.buckets ? rangeOf(experience.buckets) : undefined,
        audiences: experience.audiences,
        offers: [...new Set(experience.offers.map((offer) => offer.type ?? "unknown"))],
      })),
    })),
    mboxes: locations(model.mboxes),
    views: locations(model.views),
    audiences: [...audiences.values()],
  };
}

/** Summarize an artifact (validated by the engine first; throws its `ArtifactError`). */
export function inspectArtifact(json: unknown): Inspection {
  return inspectModel(modelOf(validateArtifact(json)));
}
