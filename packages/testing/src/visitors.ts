/**
 * Deterministic visitors: ids that land where a test needs them, found by asking the engine
 * itself, so a test never depends on which way a hash happens to fall.
 */
import { allocationOf, createDecider, type Artifact, type DeliveryRequest, type ForcedAllocation, type Rule } from "@decisioning/engine";
import { TestingError, TestingErrorCode } from "./errors.js";

/** Where to look and what to look for. */
export interface ExperienceTarget {
  /** The mbox whose answer should come from the experience (or give `view`). */
  mbox?: string;
  /** The view whose answer should come from the experience. */
  view?: string;
  /** The experience's name (rule meta `experience.name`) or id. */
  experience: string | number;
  /** Only this activity's experience (name or id), when names repeat across activities. */
  activity?: string | number;
}

/** How to search. */
export interface SearchOptions {
  /** Client code (default: the artifact's `meta.clientCode`). */
  client?: string;
  /** The rest of the request (context, parameters on the item via `parameters`). */
  request?: Omit<DeliveryRequest, "id" | "execute" | "prefetch">;
  /** Mbox or view parameters to send. */
  parameters?: Record<string, string>;
  /** Candidate ids are `${prefix}${n}` (default `visitor-`). */
  prefix?: string;
  /** Give up after this many candidates (default 100000). */
  limit?: number;
  /** Decision time, ms since epoch (default: now). */
  now?: number;
}

const matches = (value: unknown, wanted: string | number | undefined): boolean => wanted === undefined || value === wanted || String(value) === String(wanted);

function clientOf(artifact: Artifact, client: string | undefined): string {
  const code = client ?? artifact.meta?.clientCode;
  if (typeof code !== "string" || code === "")
    throw new TestingError(TestingErrorCode.NotInArtifact, "the artifact names no client code (meta.clientCode): pass { client }");
  return code;
}

/** The rules that deliver an experience at a location. */
function rulesOf(artifact: Artifact, target: ExperienceTarget): Rule[] {
  const rules: Rule[] = target.view !== undefined ? (artifact.rules.views[target.view] ?? []) : (artifact.rules.mboxes[target.mbox ?? ""] ?? []);
  return rules.filter((rule) => {
    const meta = rule.meta;
    const experienceMatches = matches(meta["experience.name"], target.experience) || matches(meta["experience.id"], target.experience);
    const activityMatches = target.activity === undefined || matches(meta["activity.name"], target.activity) || matches(meta["activity.id"], target.activity);
    return experienceMatches && activityMatches;
  });
}

/** Event tokens of the rules that deliver an experience at a location. */
function tokensOf(artifact: Artifact, target: ExperienceTarget): Set<string> {
  const tokens = new Set<string>();
  for (const rule of rulesOf(artifact, target)) {
    const metrics = rule.consequence.metrics ?? [];
    (rule.consequence.options ?? []).forEach((option, i) => {
      const metric = metrics[i];
      const token = option.eventToken ?? (metric?.type === "display" ? metric.eventToken : undefined);
      if (typeof token === "string") tokens.add(token);
    });
  }
  return tokens;
}

/**
 * A visitor id (`visitor-N`) whose decision at the mbox or view comes from the experience, as
 * the engine decides it with the given context. Throws a `TestingError` when the experience is
 * not there or no candidate lands in it.
 */
export function visitorInExperience(artifact: Artifact, target: ExperienceTarget, options: SearchOptions = {}): string {
  if ((target.mbox === undefined) === (target.view === undefined))
    throw new TestingError(TestingErrorCode.NotInArtifact, "give exactly one of { mbox } or { view }");
  const where = target.view !== undefined ? `view "${target.view}"` : `mbox "${target.mbox}"`;
  const tokens = tokensOf(artifact, target);
  if (tokens.size === 0) {
    throw new TestingError(
      TestingErrorCode.NotInArtifact,
      `no experience ${JSON.stringify(target.experience)}${target.activity !== undefined ? ` of activity ${JSON.stringify(target.activity)}` : ""} at ${where} (or its options carry no event tokens)`,
    );
  }
  const now = options.now ?? Date.now();
  const decider = createDecider({ client: clientOf(artifact, options.client), artifact, platform: { now: () => now }, telemetryEnabled: false });
  const prefix = options.prefix ?? "visitor-";
  const limit = options.limit ?? 100000;
  const parameters = options.parameters ? { parameters: options.parameters } : {};
  // Prefetch keeps each option's event token, which names the rule it came from.
  const prefetch =
    target.view !== undefined ? { views: [{ name: target.view, ...parameters }] } : { mboxes: [{ name: target.mbox as string, index: 1, ...parameters }] };
  for (let n = 0; n < limit; n++) {
    const tntId = `${prefix}${n}`;
    const { response } = decider.decide({ request: { context: { channel: "web" }, ...options.request, id: { tntId }, prefetch } });
    const items = [...(response.prefetch?.mboxes ?? []), ...(response.prefetch?.views ?? [])];
    if (items.some((item) => (item.options ?? []).some((option) => typeof option.eventToken === "string" && tokens.has(option.eventToken)))) return tntId;
  }
  throw new TestingError(
    TestingErrorCode.VisitorNotFound,
    `none of ${limit} visitors (${prefix}0...) gets experience ${JSON.stringify(target.experience)} at ${where}: does the request match its audience?`,
  );
}

/** Allocation bounds in percent: `from` included, `to` excluded. */
export interface AllocationWindow {
  from: number;
  to: number;
}

/** A visitor id (`visitor-N`) whose allocation for the activity falls in `[from, to)`. */
export function visitorWithAllocation(
  client: string,
  activityId: number | string,
  window: AllocationWindow,
  options: { prefix?: string; limit?: number } = {},
): string {
  const prefix = options.prefix ?? "visitor-";
  const limit = options.limit ?? 100000;
  for (let n = 0; n < limit; n++) {
    const id = `${prefix}${n}`;
    const allocation = allocationOf(client, activityId, id);
    if (allocation >= window.from && allocation < window.to) return id;
  }
  throw new TestingError(
    TestingErrorCode.VisitorNotFound,
    `none of ${limit} visitors has an allocation in [${window.from}, ${window.to}) for activity ${activityId}`,
  );
}

export { allocationOf };

/**
 * A forced allocation that puts one given visitor in the experience (pass it to the engine's or
 * the client's `forcedAllocations`): the allocation of a visitor the engine itself lands there
 * with the given context, so audiences and the split agree with a real decision. Only that
 * visitor, and only that activity, are affected. Throws a `TestingError` as
 * {@link visitorInExperience} does, or when the experience belongs to several activities and
 * none is named.
 */
export function forceVisitor(artifact: Artifact, target: ExperienceTarget & { visitor: string }, options: SearchOptions = {}): ForcedAllocation {
  const activities = new Set(rulesOf(artifact, target).map((rule) => rule.meta["activity.id"]));
  if (activities.size > 1) {
    throw new TestingError(
      TestingErrorCode.NotInArtifact,
      `experience ${JSON.stringify(target.experience)} is in activities ${[...activities].join(", ")}: name one with { activity }`,
    );
  }
  const landing = visitorInExperience(artifact, target, options);
  const [activityId] = activities;
  if (activityId === undefined) throw new TestingError(TestingErrorCode.NotInArtifact, `the experience's rules name no activity id (meta["activity.id"])`);
  return { visitorId: target.visitor, activityId, allocation: allocationOf(clientOf(artifact, options.client), activityId, landing) };
}
