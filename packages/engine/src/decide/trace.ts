import type { ArtifactTrace, Notification, Rule } from "../types.js";

interface Campaign {
  id: unknown;
  order: number;
  campaignType: unknown;
  branchId: unknown;
  offers: unknown[];
  environment: unknown;
  notifications?: Notification[];
}

interface EvaluatedTarget {
  order: number;
  context: Record<string, unknown>;
  campaignId: unknown;
  campaignType: unknown;
  matchedSegmentIds: Set<unknown>;
  unmatchedSegmentIds: Set<unknown>;
  matchedRuleConditions: unknown[];
  unmatchedRuleConditions: unknown[];
}

/** The request-wide part of every trace: who asked, with which artifact. */
export interface TraceHeader {
  clientCode: string | undefined;
  artifact: ArtifactTrace;
  profile: Record<string, unknown>;
  sessionId: string | undefined;
}

const byOrder = (a: { order: number }, b: { order: number }): number => a.order - b.order;

/**
 * Records, for one mode (execute or prefetch), which campaigns matched and which rules were
 * evaluated with what context. Campaigns and evaluated targets accumulate across all items of
 * the mode, as Target's own traces do, so a later mbox's trace also shows earlier ones.
 */
export class ModeTracer {
  private request: Record<string, unknown> = {};
  private readonly campaigns = new Map<unknown, Campaign>();
  private readonly targets = new Map<unknown, EvaluatedTarget>();

  constructor(
    private readonly header: TraceHeader,
    private readonly environment: unknown,
  ) {}

  /** Start tracing a request item. */
  traceRequest(mode: string, requestType: string, item: Record<string, unknown>, pageUrl: unknown, host: unknown): void {
    this.request = { pageURL: pageUrl, host, [requestType]: { ...item, type: mode } };
  }

  /** Record one rule evaluation with the context it was evaluated against. */
  traceRule(rule: Rule, ruleContext: Record<string, unknown>, satisfied: boolean): void {
    const { meta } = rule;
    const activityId = meta["activity.id"];
    if (satisfied && !this.campaigns.has(activityId)) {
      this.campaigns.set(activityId, {
        id: activityId,
        order: this.campaigns.size + 1,
        campaignType: meta["activity.type"],
        branchId: meta["experience.id"],
        offers: meta["offer.id"] !== undefined ? [meta["offer.id"]] : [],
        environment: this.environment,
      });
    }
    let target = this.targets.get(activityId);
    if (!target) {
      target = {
        order: this.targets.size + 1,
        context: ruleContext,
        campaignId: activityId,
        campaignType: meta["activity.type"],
        matchedSegmentIds: new Set(),
        unmatchedSegmentIds: new Set(),
        matchedRuleConditions: [],
        unmatchedRuleConditions: [],
      };
      this.targets.set(activityId, target);
    }
    const audiences = Array.isArray(meta["audience.ids"]) ? meta["audience.ids"] : [];
    const segments = satisfied ? target.matchedSegmentIds : target.unmatchedSegmentIds;
    for (const id of audiences) segments.add(id);
    (satisfied ? target.matchedRuleConditions : target.unmatchedRuleConditions).push(rule.condition);
  }

  /** Attach a display notification to the campaign of a matched execute rule. */
  traceNotification(rule: Rule, notification: Notification | undefined): void {
    const campaign = this.campaigns.get(rule.meta["activity.id"]);
    if (!campaign) return;
    campaign.notifications ??= [];
    if (notification) campaign.notifications.push(notification);
  }

  /**
   * The trace as of now. Its arrays of conditions and notifications stay live, which is what
   * Target shows for items whose trace is taken before the mode finishes.
   */
  result(): Record<string, unknown> {
    const { header } = this;
    return {
      clientCode: header.clientCode,
      artifact: header.artifact,
      profile: header.profile,
      request: { sessionId: header.sessionId, ...this.request },
      campaigns: [...this.campaigns.values()].sort(byOrder).map(({ order: _order, ...campaign }) => campaign),
      evaluatedCampaignTargets: [...this.targets.values()].sort(byOrder).map(({ order: _order, ...target }) => ({
        ...target,
        matchedSegmentIds: [...target.matchedSegmentIds],
        unmatchedSegmentIds: [...target.unmatchedSegmentIds],
      })),
    };
  }
}

/** The visitor profile shown in traces: ids plus the tntId split into id and location. */
export function traceProfile(id: Record<string, unknown> | undefined): Record<string, unknown> {
  const tnt = id && typeof id.tntId === "string" ? id.tntId.split(".") : [];
  return { visitorId: { ...id, tntId: tnt[0], profileLocation: tnt[1] } };
}
