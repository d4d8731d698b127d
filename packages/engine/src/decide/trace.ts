import type { PreparedRule } from "../artifact/prepare.js";
import type { ArtifactTrace, Notification, Rule } from "../types.js";
import { copyWith } from "../util/json.js";
import { cloneAsJson } from "../util/json-clone.js";

/** Notifications appended in order, each stamped with the tracer's event number when it came. */
class Stamped<T> {
  readonly values: T[] = [];
  private readonly stamps: number[] = [];

  push(value: T, stamp: number): void {
    this.values.push(value);
    this.stamps.push(stamp);
  }

  /** The values appended at or before event `at`. */
  upTo(at: number): T[] {
    const { stamps } = this;
    let end = stamps.length;
    while (end > 0 && (stamps[end - 1] as number) > at) end--;
    return this.values.slice(0, end);
  }
}

interface Campaign {
  readonly stamp: number;
  readonly id: unknown;
  readonly campaignType: unknown;
  readonly branchId: unknown;
  readonly offers: unknown[];
  readonly environment: unknown;
  /** When the campaign's first display notification was traced: a trace taken before has no `notifications`. */
  notificationsFrom: number;
  readonly notifications: Stamped<Notification>;
}

/** What an entry of an evaluated target's log adds. */
const MATCHED_SEGMENT = 0;
const UNMATCHED_SEGMENT = 1;
const MATCHED_CONDITION = 2;
const UNMATCHED_CONDITION = 3;

interface EvaluatedTarget {
  readonly stamp: number;
  readonly context: Record<string, unknown>;
  readonly campaignId: unknown;
  readonly campaignType: unknown;
  /**
   * What the activity's rules added, three slots an entry: what it adds (`MATCHED_SEGMENT`…),
   * the segment id or the rule whose condition it is, and its event number. One list rather
   * than four: a traced page load makes a target per activity it evaluates.
   */
  readonly log: unknown[];
  /** The segment ids logged so far, to log each once (made on the first). */
  matchedSegmentIds: Set<unknown> | undefined;
  unmatchedSegmentIds: Set<unknown> | undefined;
}

/** The request-wide part of every trace: who asked, with which artifact. */
export interface TraceHeader {
  clientCode: string | undefined;
  artifact: ArtifactTrace;
  profile: Record<string, unknown>;
  sessionId: string | undefined;
}

/**
 * Where a response item's trace was taken: a placeholder the mode replaces with the trace
 * itself once it ends (`ModeTracer.trace`), so only traces the response keeps are built.
 */
export class TraceMark {
  constructor(
    /** The tracer's event count when the mark was taken. */
    readonly at: number,
    /** The traced request item then. */
    readonly request: Record<string, unknown>,
    /**
     * Whether the trace's condition lists and notifications keep growing until the mode ends
     * (Target's traces of blank mboxes and the page load) rather than stopping at the mark.
     */
    readonly live: boolean,
  ) {}
}

/**
 * Records, for one mode (execute or prefetch), which campaigns matched and which rules were
 * evaluated with what context. Campaigns and evaluated targets accumulate across all items of
 * the mode, as Target's own traces do, so a later mbox's trace also shows earlier ones.
 *
 * Nothing is copied while the mode runs: every addition is stamped with an event number, a
 * response item takes a `TraceMark` (an event number), and a trace is built, once, only for
 * the marks the response keeps. Target's traces of the items that match are as things stood at
 * the match; those of blank mboxes and the page load have the campaigns, targets and segment
 * ids of the mark but the conditions and notifications of the mode's end.
 */
export class ModeTracer {
  private request: Record<string, unknown> = {};
  private events = 0;
  private readonly campaigns = new Map<unknown, Campaign>();
  private readonly campaignList: Campaign[] = [];
  private readonly targets = new Map<unknown, EvaluatedTarget>();
  private readonly targetList: EvaluatedTarget[] = [];

  constructor(
    private readonly header: TraceHeader,
    private readonly environment: unknown,
  ) {}

  /** Start tracing a request item. */
  traceRequest(mode: string, requestType: "mbox" | "view", item: Record<string, unknown>, pageUrl: unknown, host: unknown): void {
    // Literals and copyWith rather than a computed key and a spread plus a key: V8 builds those
    // through slow paths (a runtime call, a map transition).
    const traced = copyWith<Record<string, unknown>>(item, { type: mode });
    this.request = requestType === "view" ? { pageURL: pageUrl, host, view: traced } : { pageURL: pageUrl, host, mbox: traced };
  }

  /**
   * Record one rule evaluation with the data it was evaluated against. A target keeps the
   * data of its activity's first rule, copied here: the caller reuses its object for the next.
   */
  traceRule(prepared: PreparedRule, ruleContext: Record<string, unknown>, satisfied: boolean): void {
    const { meta } = prepared.rule;
    const activityId = meta["activity.id"];
    if (satisfied && !this.campaigns.has(activityId)) {
      const campaign: Campaign = {
        stamp: ++this.events,
        id: activityId,
        campaignType: meta["activity.type"],
        branchId: meta["experience.id"],
        offers: meta["offer.id"] !== undefined ? [meta["offer.id"]] : [],
        environment: this.environment,
        notificationsFrom: Infinity,
        notifications: new Stamped(),
      };
      this.campaigns.set(activityId, campaign);
      this.campaignList.push(campaign);
    }
    let target = this.targets.get(activityId);
    if (!target) {
      target = {
        stamp: ++this.events,
        context: { ...ruleContext },
        campaignId: activityId,
        campaignType: meta["activity.type"],
        log: [],
        matchedSegmentIds: undefined,
        unmatchedSegmentIds: undefined,
      };
      this.targets.set(activityId, target);
      this.targetList.push(target);
    }
    const { log } = target;
    const audiences = meta["audience.ids"];
    if (Array.isArray(audiences) && audiences.length > 0) {
      const seen = satisfied ? (target.matchedSegmentIds ??= new Set()) : (target.unmatchedSegmentIds ??= new Set());
      for (const id of audiences) {
        if (seen.has(id)) continue;
        seen.add(id);
        log.push(satisfied ? MATCHED_SEGMENT : UNMATCHED_SEGMENT, id, ++this.events);
      }
    }
    log.push(satisfied ? MATCHED_CONDITION : UNMATCHED_CONDITION, prepared, ++this.events);
  }

  /** Attach a display notification to the campaign of a matched execute rule. */
  traceNotification(rule: Rule, notification: Notification | undefined): void {
    const campaign = this.campaigns.get(rule.meta["activity.id"]);
    if (!campaign) return;
    if (campaign.notificationsFrom === Infinity) campaign.notificationsFrom = ++this.events;
    if (notification) campaign.notifications.push(notification, ++this.events);
  }

  /** Where the trace stands now, for the current request item. */
  mark(live: boolean): TraceMark {
    return new TraceMark(this.events, this.request, live);
  }

  /**
   * The trace a mark stands for, as a copy that shares nothing (what a JSON round trip of the
   * trace as it stood would give). Call it once the mode has ended: a live mark's conditions
   * and notifications run to the end.
   */
  trace(mark: TraceMark): Record<string, unknown> {
    const { header } = this;
    const { at } = mark;
    const grown = mark.live ? Infinity : at;
    const trace = cloneAsJson({
      clientCode: header.clientCode,
      artifact: header.artifact,
      profile: header.profile,
      request: { sessionId: header.sessionId, ...mark.request },
    }) as Record<string, unknown>;
    const campaigns: unknown[] = [];
    for (const campaign of this.campaignList) {
      if (campaign.stamp > at) break;
      const shown: Record<string, unknown> = {
        id: campaign.id,
        campaignType: campaign.campaignType,
        branchId: campaign.branchId,
        offers: campaign.offers,
        environment: campaign.environment,
      };
      if (campaign.notificationsFrom <= at) shown.notifications = campaign.notifications.upTo(grown);
      campaigns.push(cloneAsJson(shown));
    }
    trace.campaigns = campaigns;
    const targets: unknown[] = [];
    for (const target of this.targetList) {
      if (target.stamp > at) break;
      targets.push(this.shownTarget(target, at, grown));
    }
    trace.evaluatedCampaignTargets = targets;
    return trace;
  }

  /** An evaluated target as a trace shows it: segment ids up to `at`, conditions up to `grown`. */
  private shownTarget(target: EvaluatedTarget, at: number, grown: number): unknown {
    const matchedSegmentIds: unknown[] = [];
    const unmatchedSegmentIds: unknown[] = [];
    const matchedRuleConditions: unknown[] = [];
    const unmatchedRuleConditions: unknown[] = [];
    const { log } = target;
    for (let i = 0; i < log.length; i += 3) {
      const stamp = log[i + 2] as number;
      if (stamp > grown) break;
      const kind = log[i] as number;
      if (kind >= MATCHED_CONDITION) {
        // Conditions are the artifact's, and a response is its caller's to edit: a copy each time.
        const copy = cloneAsJson((log[i + 1] as PreparedRule).rule.condition);
        (kind === MATCHED_CONDITION ? matchedRuleConditions : unmatchedRuleConditions).push(copy === undefined ? null : copy);
      } else if (stamp <= at) {
        (kind === MATCHED_SEGMENT ? matchedSegmentIds : unmatchedSegmentIds).push(log[i + 1]);
      }
    }
    const shown = cloneAsJson({
      context: target.context,
      campaignId: target.campaignId,
      campaignType: target.campaignType,
      matchedSegmentIds,
      unmatchedSegmentIds,
    }) as Record<string, unknown>;
    shown.matchedRuleConditions = matchedRuleConditions;
    shown.unmatchedRuleConditions = unmatchedRuleConditions;
    return shown;
  }
}

/** The visitor profile shown in traces: ids plus the tntId split into id and location. */
export function traceProfile(id: Record<string, unknown> | undefined): Record<string, unknown> {
  const tnt = id && typeof id.tntId === "string" ? id.tntId.split(".") : [];
  return { visitorId: copyWith<Record<string, unknown>>(id, { tntId: tnt[0], profileLocation: tnt[1] }) };
}
