import type { PreparedArtifact, PreparedRule } from "../artifact/prepare.js";
import type { ForcedAllocations } from "../config/forced.js";
import { keyHeadOf, visitorIdOf } from "../allocation.js";
import { NO_GEO_CONTEXT } from "../context/geo.js";
import { mboxContextOf } from "../context/mbox.js";
import type { ArtifactTrace, DeliveryRequest, Notification, RuleMatch } from "../types.js";
import { isRecord } from "../util/json.js";
import type { ContextBuilder, RequestContext } from "./context.js";
import { GEO_TOKENS } from "./geo-tokens.js";
import { ruleMatchOf } from "./matches.js";
import type { RulePlan } from "./plan.js";
import type { DecisionTables } from "./tables.js";
import type { ModeTracer } from "./trace.js";

/** Platform pieces a decision needs: no I/O, only a clock and an id source. */
export interface DecideEnvironment {
  client: string;
  now: () => number;
  uuid: () => string;
  contexts: ContextBuilder;
  artifactTrace: () => ArtifactTrace;
  /** Visitors whose allocation is fixed per activity (tests); undefined when none is. */
  forced: ForcedAllocations | undefined;
}

/** The part of a request being decided: `execute` (impressions counted now) or `prefetch`. */
export type Mode = "execute" | "prefetch";

/** The mbox context of an item without parameters: shared, and frozen so no rule can change it. */
const NO_PARAMETERS: Record<string, unknown> = Object.freeze({}) as Record<string, unknown>;

/** Per-item evaluation data: one object reused across that item's rules. */
export interface ItemData {
  item: Record<string, unknown>;
  data: Record<string, unknown>;
  /** Stamp of this item's conjunct values (see `RequestState.sharedHolds`). */
  generation: number;
}

/** State shared by every item of one request: the visitor, the notifications owed, the geo tokens. */
export class RequestState {
  readonly visitorId: string;
  /** This visitor's forced allocations by activity id, when the decider has any for it. */
  private readonly forced: ReadonlyMap<string, number> | undefined;
  readonly propertyToken: unknown;
  /**
   * `name-token` keys already notified (as Target keys them, collisions included): the first in
   * a field, any more in a set. Most decisions notify one, and a set per decision is not free.
   */
  private firstSent: string | undefined;
  private moreSent: Set<string> | undefined;
  /** Display notifications owed, in order (no list until the first: most requests owe one or none). */
  notifications: Notification[] | undefined;
  /** The rules that answered, when the caller asked for them; undefined otherwise, so decisions pay one check per match. */
  readonly matches: RuleMatch[] | undefined;
  readonly timestamp: number;
  /** Which GEO_TOKENS apply to this request (bit i for token i), and their values by index. */
  readonly geoMask: number;
  readonly geoValues: unknown[] | undefined;
  readonly prepared: PreparedArtifact;
  private readonly generation: number;
  private tailReady = false;
  /** Whether a forced allocation answered in place of the hash. */
  private forcedRead = false;

  constructor(
    readonly tables: DecisionTables,
    readonly request: DeliveryRequest,
    readonly context: RequestContext,
    readonly env: DecideEnvironment,
    readonly sessionId: string | undefined,
    now: number,
    reportMatches: boolean,
  ) {
    this.prepared = tables.prepared;
    this.matches = reportMatches ? [] : undefined;
    this.timestamp = now;
    // Visitors known only by an authenticated customer id, or by a non-string id, get a throwaway id, as in Target.
    this.visitorId = visitorIdOf(request.id) ?? env.uuid();
    // Forced allocations are looked up once per request, and only when some are configured.
    this.forced = env.forced === undefined ? undefined : env.forced.get(this.visitorId);
    this.propertyToken = request.property?.token;
    let geoMask = 0;
    let geoValues: unknown[] | undefined;
    if (tables.geoEnabled !== 0 && context.geo !== NO_GEO_CONTEXT) {
      // Most requests carry no geo values: the mask comes first, the values only when it is set.
      const { geo } = context;
      for (let i = 0; i < GEO_TOKENS.length; i++) {
        if (tables.geoEnabled & (1 << i) && geo[(GEO_TOKENS[i] as readonly [string, string])[1]] !== undefined) geoMask |= 1 << i;
      }
      if (geoMask !== 0) geoValues = GEO_TOKENS.map(([, key]) => geo[key]);
    }
    this.geoMask = geoMask;
    this.geoValues = geoValues;
    this.generation = tables.nextRequest();
  }

  /** Whether a condition of this request read the visitor's allocation (it is hashed on the first read). */
  get allocationRead(): boolean {
    return this.tailReady || this.forcedRead;
  }

  /** Remember a notified key; false when it was notified already. */
  markSent(key: string): boolean {
    if (this.firstSent === undefined) {
      this.firstSent = key;
      return true;
    }
    if (key === this.firstSent) return false;
    if (this.moreSent === undefined) this.moreSent = new Set();
    else if (this.moreSent.has(key)) return false;
    this.moreSent.add(key);
    return true;
  }

  /** Whether a rule with this rule's key already matched for the item (global mbox and views take one per key). */
  keyMatched(rule: PreparedRule, item: ItemData): boolean {
    return this.tables.matchedStamps[rule.ruleKeySlot] === item.generation;
  }

  /** Mark the rule's key as matched for the item. */
  markMatched(rule: PreparedRule, item: ItemData): void {
    this.tables.matchedStamps[rule.ruleKeySlot] = item.generation;
  }

  /** Whether the artifact's item-wide conjunct `id` holds for the item; evaluated once per item. */
  sharedHolds(id: number, item: ItemData): boolean {
    const cache = this.tables;
    if (cache.sharedStamps[id] === item.generation) return cache.sharedValues[id] === 1;
    let holds: boolean;
    try {
      holds = Boolean((this.prepared.sharedTests[id] as (data: unknown) => unknown)(item.data));
    } catch {
      // A throwing conjunct fails its rule whatever the other conjuncts say.
      holds = false;
    }
    cache.sharedStamps[id] = item.generation;
    cache.sharedValues[id] = holds ? 1 : 0;
    return holds;
  }

  /** The visitor's allocation for the rule's activity, hashed once per activity per request. */
  allocation(rule: PreparedRule): number {
    const cache = this.tables;
    const slot = rule.activitySlot;
    if (cache.stamps[slot] === this.generation) return cache.values[slot] ?? 0;
    let head = cache.heads[slot];
    if (head === undefined) {
      // Target joins the key parts as an array does, so a missing activity id becomes "".
      const activityId = rule.activityId === undefined || rule.activityId === null ? "" : (rule.activityId as string | number);
      head = keyHeadOf(cache.client, activityId);
      cache.heads[slot] = head;
    }
    const forced = this.forced === undefined ? undefined : this.forced.get(String(rule.activityId));
    let value: number;
    if (forced !== undefined) {
      value = forced;
      this.forcedRead = true;
    } else {
      if (!this.tailReady) {
        cache.tail.reset(this.visitorId);
        this.tailReady = true;
      }
      value = cache.tail.allocation(head);
    }
    cache.values[slot] = value;
    cache.stamps[slot] = this.generation;
    return value;
  }

  /** The evaluation data of an item, shared by its rules; a new generation for its conjunct values. */
  itemData(item: Record<string, unknown>): ItemData {
    const { context, env } = this;
    let { page, referring } = context;
    if (item.address !== undefined) {
      // Target reads both page and referring from the item's own URL here.
      const url = isRecord(item.address) ? item.address.url : undefined;
      page = env.contexts.url(url);
      referring = page;
    }
    return {
      item,
      generation: this.tables.nextItem(),
      data: {
        current_timestamp: context.current_timestamp,
        current_time: context.current_time,
        current_day: context.current_day,
        user: context.user,
        page,
        referring,
        geo: context.geo,
        mbox: item.parameters ? mboxContextOf(item.parameters) : NO_PARAMETERS,
        allocation: 0,
      },
    };
  }

  /** Report a rule that answered an item (call only when `matches` is defined). */
  recordMatch(rule: PreparedRule, mode: Mode, kind: RuleMatch["kind"], item: number, name: string): void {
    (this.matches as RuleMatch[]).push(ruleMatchOf(this.tables.factsOf(rule), mode, kind, item, name));
  }

  /** Owe Target a display notification for a matched execute rule: its event tokens not notified yet, if any. */
  queueNotification(rule: PreparedRule, plan: RulePlan, tracer: ModeTracer | undefined): void {
    const { name } = rule.rule.consequence;
    let tokens: string[] | undefined;
    for (const { token, key } of plan.eventTokens) {
      if (!this.markSent(key)) continue;
      // A literal for the first: pushing onto `[]` allocates room for sixteen.
      if (tokens) tokens.push(token as string);
      else tokens = [token as string];
    }
    let notification: Notification | undefined;
    if (tokens) {
      notification = {
        id: this.env.uuid(),
        impressionId: this.env.uuid(),
        timestamp: this.timestamp,
        type: "display",
        mbox: { name },
        tokens,
      };
      if (this.notifications) this.notifications.push(notification);
      else this.notifications = [notification];
    }
    tracer?.traceNotification(rule.rule, notification);
  }
}
