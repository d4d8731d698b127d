import type { PreparedArtifact, PreparedRule } from "../artifact/prepare.js";
import { keyHeadOf, visitorIdOf } from "../allocation.js";
import { mboxContextOf } from "../context/mbox.js";
import type {
  DeliveryRequest,
  DecidedResponse,
  ArtifactTrace,
  ModeRequest,
  ModeResponse,
  Notification,
  RequestDetails,
} from "../types.js";
import { copyJson, copyWith, defineOwn, isRecord } from "../util/json.js";
import { NO_GEO_CONTEXT } from "../context/geo.js";
import type { ContextBuilder, RequestContext } from "./context.js";
import { replaceMacros } from "./macros.js";
import { GEO_TOKENS } from "./geo-tokens.js";
import type { Cloner, OptionPlan, RulePlan } from "./plan.js";
import { remoteDependencyOf } from "./remote.js";
import type { DecisionTables } from "./tables.js";
import { ModeTracer, traceProfile } from "./trace.js";

/** Platform pieces a decision needs: no I/O, only a clock and an id source. */
export interface DecideEnvironment {
  client: string;
  now: () => number;
  uuid: () => string;
  contexts: ContextBuilder;
  artifactTrace: () => ArtifactTrace;
}

/** A decision: the response, plus the display notifications it owes Target. */
export interface Decision {
  response: DecidedResponse;
  notifications: Notification[];
  /** The wall-clock time the decision was made at (ms since epoch). */
  timestamp: number;
}

type Mode = "execute" | "prefetch";
type RequestType = "mbox" | "view";

/** State shared by every item of one request. */
class RequestState {
  readonly visitorId: string;
  readonly propertyToken: unknown;
  /**
   * `name-token` keys already notified (as Target keys them, collisions included): the first in
   * a field, any more in a set. Most decisions notify one, and a set per decision is not free.
   */
  private firstSent: string | undefined;
  private moreSent: Set<string> | undefined;
  /** Display notifications owed, in order (no list until the first: most requests owe one or none). */
  notifications: Notification[] | undefined;
  readonly timestamp: number;
  /** Which GEO_TOKENS apply to this request (bit i for token i), and their values by index. */
  readonly geoMask: number;
  readonly geoValues: unknown[] | undefined;
  readonly prepared: PreparedArtifact;
  private readonly generation: number;
  private tailReady = false;

  constructor(
    readonly tables: DecisionTables,
    readonly request: DeliveryRequest,
    readonly context: RequestContext,
    readonly env: DecideEnvironment,
    readonly sessionId: string | undefined,
    now: number,
  ) {
    this.prepared = tables.prepared;
    this.timestamp = now;
    // Visitors known only by an authenticated customer id, or by a non-string id, get a throwaway id, as in Target.
    this.visitorId = visitorIdOf(request.id) ?? env.uuid();
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

  /** A stamp for a new item: its conjunct values start unknown. */
  nextItem(): number {
    return this.tables.nextItem();
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
    if (!this.tailReady) {
      cache.tail.reset(this.visitorId);
      this.tailReady = true;
    }
    const value = cache.tail.allocation(head);
    cache.values[slot] = value;
    cache.stamps[slot] = this.generation;
    return value;
  }
}

const NO_RULES: readonly PreparedRule[] = [];

/** The mbox context of an item without parameters: shared, and frozen so no rule can change it. */
const NO_PARAMETERS: Record<string, unknown> = Object.freeze({}) as Record<string, unknown>;

/** Per-item evaluation data: one object reused across that item's rules. */
interface ItemData {
  item: Record<string, unknown>;
  data: Record<string, unknown>;
  /** Stamp of this item's conjunct values (see `RequestState.sharedHolds`). */
  generation: number;
}

function itemData(state: RequestState, item: Record<string, unknown>): ItemData {
  const { context, env } = state;
  let { page, referring } = context;
  if (item.address !== undefined) {
    // Target reads both page and referring from the item's own URL here.
    const url = isRecord(item.address) ? item.address.url : undefined;
    page = env.contexts.url(url);
    referring = page;
  }
  return {
    item,
    generation: state.nextItem(),
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

/** A split condition: the item-wide conjuncts (shared with the item's other rules), then the rest. */
function evaluateSplit(state: RequestState, rule: PreparedRule, shared: Int32Array, item: ItemData): boolean {
  for (let i = 0; i < shared.length; i++) if (!state.sharedHolds(shared[i] as number, item)) return false;
  const own = rule.own;
  if (own === undefined) return true;
  const data = item.data;
  if (rule.usesAllocation) data.allocation = state.allocation(rule);
  try {
    return Boolean(own(data));
  } catch {
    return false;
  }
}

function evaluate(state: RequestState, rule: PreparedRule, item: ItemData, tracer: ModeTracer | undefined): boolean {
  // A trace shows each rule's whole condition against its own data, so it takes the long way.
  if (!tracer && rule.shared !== undefined) return evaluateSplit(state, rule, rule.shared, item);
  const data = tracer ? { ...item.data } : item.data;
  if (rule.usesAllocation || tracer) data.allocation = state.allocation(rule);
  let satisfied: boolean;
  try {
    satisfied = Boolean(rule.test(data));
  } catch {
    satisfied = false;
  }
  tracer?.traceRule(rule.rule, data, satisfied);
  return satisfied;
}

function responseTokens(state: RequestState, plan: RulePlan): Record<string, unknown> {
  const { geoMask } = state;
  let tokens: Record<string, unknown>;
  if (geoMask === 0) {
    tokens = { ...plan.tokens };
  } else {
    // Clone a template that already has the geo keys, then fill them: adding keys to a clone is slow in V8.
    let template = plan.geoTemplates[geoMask];
    if (!template) {
      const slots: Record<string, unknown> = {};
      GEO_TOKENS.forEach(([token], i) => {
        if (geoMask & (1 << i)) slots[token] = null;
      });
      template = copyWith<Record<string, unknown>>(plan.tokens, slots);
      plan.geoTemplates[geoMask] = template;
    }
    tokens = { ...template };
    const values = state.geoValues as unknown[];
    for (let i = 0; i < GEO_TOKENS.length; i++) if (geoMask & (1 << i)) tokens[(GEO_TOKENS[i] as readonly [string, string])[0]] = values[i];
  }
  return plan.primitiveTokens ? tokens : copyJson(tokens);
}

function withMacros(option: Record<string, unknown>, rule: PreparedRule, item: Record<string, unknown>): void {
  if (option.type === "html") {
    option.content = replaceMacros(option.content, rule.rule.meta, item);
  } else if (option.type === "actions" && Array.isArray(option.content)) {
    option.content = option.content.map((action: unknown) =>
      isRecord(action) ? { ...action, content: replaceMacros(action.content, rule.rule.meta, item) } : action,
    );
  }
}

function stamp(
  state: RequestState,
  rule: PreparedRule,
  plan: RulePlan,
  option: OptionPlan,
  base: Readonly<Record<string, unknown>>,
  item: Record<string, unknown>,
): Record<string, unknown> {
  const copy: Record<string, unknown> = { ...base };
  if (option.hasContent) copy.content = option.cloneContent(option.content);
  copy.responseTokens = responseTokens(state, plan);
  if (option.macros) withMacros(copy, rule, item);
  return copy;
}

// Option lists are allocated at their final size: pushing onto `[]` allocates room for sixteen.
function executeOptions(state: RequestState, rule: PreparedRule, plan: RulePlan, item: Record<string, unknown>): Record<string, unknown>[] {
  const out = new Array<Record<string, unknown>>(plan.executeCount);
  let at = 0;
  for (const option of plan.options) {
    if (option.execute) out[at++] = stamp(state, rule, plan, option, option.execute, item);
  }
  return out;
}

function prefetchOptions(state: RequestState, rule: PreparedRule, plan: RulePlan, item: Record<string, unknown>): Record<string, unknown>[] {
  const { options } = plan;
  const out = new Array<Record<string, unknown>>(options.length);
  for (let i = 0; i < options.length; i++) {
    const option = options[i] as OptionPlan;
    out[i] = stamp(state, rule, plan, option, option.prefetch, item);
  }
  return out;
}

function queueNotification(state: RequestState, rule: PreparedRule, plan: RulePlan, tracer: ModeTracer | undefined): void {
  const { name } = rule.rule.consequence;
  let tokens: string[] | undefined;
  for (const { token, key } of plan.eventTokens) {
    if (!state.markSent(key)) continue;
    // A literal for the first: pushing onto `[]` allocates room for sixteen.
    if (tokens) tokens.push(token as string);
    else tokens = [token as string];
  }
  let notification: Notification | undefined;
  if (tokens) {
    notification = {
      id: state.env.uuid(),
      impressionId: state.env.uuid(),
      timestamp: state.timestamp,
      type: "display",
      mbox: { name },
      tokens,
    };
    if (state.notifications) state.notifications.push(notification);
    else state.notifications = [notification];
  }
  tracer?.traceNotification(rule.rule, notification);
}

const snapshot = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

/**
 * The response item's keys for a plan, with or without metrics and index: the consequence's
 * keys in its order (as Target spreads it), then index. A template cloned and filled per match
 * is far cheaper than adding the keys one by one to a fresh object.
 */
function shapeTemplate(plan: RulePlan, withMetrics: boolean, withIndex: boolean): Record<string, unknown> {
  const slot = (withMetrics ? 2 : 0) + (withIndex ? 1 : 0);
  let template = plan.itemShapes[slot];
  if (template) return template;
  template = {};
  let extra = 0;
  for (const key of plan.keyOrder) {
    if (key === "options") template.options = null;
    else if (key === "metrics") {
      if (withMetrics) template.metrics = null;
    } else {
      const [name, value] = plan.extras[extra++] as readonly [string, unknown, Cloner];
      if (value !== undefined) defineOwn(template, name, null);
    }
  }
  if (!("options" in template)) template.options = null;
  if (withMetrics && !("metrics" in template)) template.metrics = null;
  if (withIndex) template.index = null;
  plan.itemShapes[slot] = template;
  return template;
}

function fromShape(plan: RulePlan, options: unknown, metrics: unknown, index: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = { ...shapeTemplate(plan, metrics !== undefined, index !== undefined) };
  out.options = options;
  if (metrics !== undefined) out.metrics = metrics;
  const { extras } = plan;
  // Indexed rather than destructured in a for-of: this runs for every match.
  for (let i = 0; i < extras.length; i++) {
    const extra = extras[i] as readonly [string, unknown, Cloner];
    if (extra[1] !== undefined) defineOwn(out, extra[0], extra[2](extra[1]));
  }
  if (index !== undefined) out.index = index;
  return out;
}

/** The response item for a matched rule, shaped for the mode and free of artifact objects. */
function shapeMatch(
  state: RequestState,
  rule: PreparedRule,
  item: Record<string, unknown>,
  mode: Mode,
  type: RequestType,
  tracer: ModeTracer | undefined,
): Record<string, unknown> {
  const plan = state.tables.planFor(rule);
  if (mode === "execute") queueNotification(state, rule, plan, tracer);
  const options = mode === "execute" ? executeOptions(state, rule, plan, item) : prefetchOptions(state, rule, plan, item);
  let metrics: unknown;
  if (mode === "execute") metrics = plan.clickMetrics.length > 0 ? copyJson(plan.clickMetrics) : undefined;
  else if (type === "view" && plan.metrics !== undefined) metrics = copyJson(plan.metrics);
  const out = fromShape(plan, options, metrics, item.index);
  if (tracer) out.trace = snapshot(tracer.result());
  return out;
}

/** Decisions for one mode of the request. */
class ModeDecider {
  private readonly tracer: ModeTracer | undefined;
  /** Traces Target leaves live until the mode ends: blank mboxes and the page load. */
  private readonly liveTraces: Array<Record<string, unknown>> = [];

  constructor(
    private readonly state: RequestState,
    private readonly mode: Mode,
  ) {
    const { request, prepared, env, sessionId } = state;
    this.tracer =
      request.trace !== undefined
        ? new ModeTracer(
            {
              clientCode: env.client,
              artifact: env.artifactTrace(),
              profile: traceProfile(request.id as Record<string, unknown> | undefined),
              sessionId,
            },
            prepared.artifact.meta?.environment,
          )
        : undefined;
  }

  private traceRequest(type: string, item: Record<string, unknown>): void {
    const { page } = this.state.context;
    this.tracer?.traceRequest(this.mode, type, item, page.url, page.domain);
  }

  /** An mbox: first matching rule, or every rule for the global mbox. */
  mbox(request: Record<string, unknown>, forPageLoad = false): Array<Record<string, unknown>> {
    const { state, mode, tracer } = this;
    const { prepared } = state;
    const isGlobal = request.name === prepared.globalMbox;
    this.traceRequest("mbox", request);
    const rules = state.tables.servingRules(prepared.mboxes.get(String(request.name)) ?? NO_RULES, state.propertyToken);
    const results: Array<Record<string, unknown>> = [];
    let data: ItemData | undefined;
    for (const rule of rules) {
      data ??= itemData(state, request);
      if (isGlobal && state.keyMatched(rule, data)) continue;
      if (!evaluate(state, rule, data, tracer)) continue;
      const shaped = shapeMatch(state, rule, request, mode, "mbox", tracer);
      if (forPageLoad && tracer) shaped.trace = this.live(tracer.result());
      // One match ends an mbox; a literal list of it is smaller than pushing onto `[]`.
      if (!isGlobal) return [shaped];
      results.push(shaped);
      state.markMatched(rule, data);
    }
    if (!isGlobal && results.length === 0) {
      // Built key by key: deleting undefined keys afterwards made each blank a dictionary-mode object.
      const blank: Record<string, unknown> = {};
      if (request.name !== undefined) blank.name = request.name;
      if (request.index !== undefined) blank.index = request.index;
      if (tracer) blank.trace = this.live(tracer.result());
      return [blank];
    }
    return results;
  }

  /** A view: matched consequences merged by name. */
  view(request: Record<string, unknown>): Array<Record<string, unknown>> {
    const { state, mode, tracer } = this;
    const { prepared } = state;
    this.traceRequest("view", request);
    const named = Object.prototype.hasOwnProperty.call(request, "name") && request.name !== undefined;
    const rules = state.tables.servingRules(named ? (prepared.views.get(String(request.name)) ?? NO_RULES) : prepared.allViews, state.propertyToken);
    // A null-prototype record orders names exactly as Target's plain object does.
    const byName: Record<string, Record<string, unknown>> = Object.create(null) as Record<string, Record<string, unknown>>;
    let data: ItemData | undefined;
    for (const rule of rules) {
      data ??= itemData(state, request);
      if (state.keyMatched(rule, data)) continue;
      if (!evaluate(state, rule, data, tracer)) continue;
      const shaped = shapeMatch(state, rule, request, mode, "view", tracer);
      state.markMatched(rule, data);
      const name = String(shaped.name);
      const earlier = byName[name];
      if (!earlier) {
        byName[name] = shaped;
        continue;
      }
      const metrics = [...asArray(earlier.metrics), ...asArray(shaped.metrics)];
      const merged: Record<string, unknown> = { ...earlier, options: [...asArray(earlier.options), ...asArray(shaped.options)] };
      // Execute views may carry no metrics at all; Target throws there, we merge what exists.
      if (metrics.length > 0 || earlier.metrics !== undefined || shaped.metrics !== undefined) merged.metrics = metrics;
      byName[name] = merged;
    }
    return Object.keys(byName).map((name) => byName[name] as Record<string, unknown>);
  }

  /** The page load: every global-mbox rule, options and metrics pooled. */
  pageLoad(details: RequestDetails): Record<string, unknown> {
    const { state } = this;
    const request = copyWith<Record<string, unknown>>(details, { name: state.prepared.globalMbox });
    if (!this.tracer) return this.pooledPageLoad(request);
    const matches = this.mbox(request, true);
    const options: unknown[] = [];
    const metricsByToken: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
    let trace: unknown;
    for (const match of matches) {
      options.push(...asArray(match.options));
      for (const metric of asArray(match.metrics)) {
        if (isRecord(metric)) metricsByToken[String(metric.eventToken)] = metric;
      }
      trace = match.trace;
    }
    const result: Record<string, unknown> = { options };
    if (trace !== undefined) result.trace = trace;
    const metrics = Object.keys(metricsByToken).map((token) => metricsByToken[token]);
    if (metrics.length > 0) result.metrics = metrics;
    return result;
  }

  /**
   * The page load without a trace, pooled as rules match: the same options, metrics and
   * notifications as shaping each match like an mbox and pooling afterwards, without building
   * the per-match response items nobody sees (a page load matches a rule per activity).
   */
  private pooledPageLoad(request: Record<string, unknown>): Record<string, unknown> {
    const { state, mode } = this;
    const { prepared } = state;
    const rules = state.tables.servingRules(prepared.mboxes.get(prepared.globalMbox) ?? NO_RULES, state.propertyToken);
    const options: unknown[] = [];
    let metricsByToken: Record<string, unknown> | undefined;
    let data: ItemData | undefined;
    for (const rule of rules) {
      data ??= itemData(state, request);
      if (state.keyMatched(rule, data)) continue;
      if (!evaluate(state, rule, data, undefined)) continue;
      state.markMatched(rule, data);
      const plan = state.tables.planFor(rule);
      if (mode === "execute") {
        queueNotification(state, rule, plan, undefined);
        for (const option of plan.options) if (option.execute) options.push(stamp(state, rule, plan, option, option.execute, request));
        for (const metric of plan.clickMetrics) {
          if (isRecord(metric)) (metricsByToken ??= Object.create(null) as Record<string, unknown>)[String(metric.eventToken)] = copyJson(metric);
        }
      } else {
        for (const option of plan.options) options.push(stamp(state, rule, plan, option, option.prefetch, request));
      }
    }
    const result: Record<string, unknown> = { options };
    if (metricsByToken) result.metrics = Object.keys(metricsByToken).map((token) => (metricsByToken as Record<string, unknown>)[token]);
    return result;
  }

  private live(trace: Record<string, unknown>): Record<string, unknown> {
    this.liveTraces.push(trace);
    return trace;
  }

  /** Decide the mode, then freeze live traces into copies that share nothing. */
  run(modeRequest: ModeRequest): ModeResponse {
    const response: ModeResponse = {};
    if (modeRequest.mboxes) {
      const requested = modeRequest.mboxes;
      if (requested.length === 1) {
        // The usual single mbox: its own fresh list of results is the mode's list.
        response.mboxes = this.mbox(requested[0] as Record<string, unknown>);
      } else {
        const mboxes: Array<Record<string, unknown>> = [];
        for (const item of requested) for (const result of this.mbox(item as Record<string, unknown>)) mboxes.push(result);
        response.mboxes = mboxes;
      }
    }
    if (modeRequest.views) {
      const views: Array<Record<string, unknown>> = [];
      for (const item of modeRequest.views) for (const result of this.view(item as Record<string, unknown>)) views.push(result);
      response.views = views;
    }
    if (modeRequest.pageLoad) response.pageLoad = this.pageLoad(modeRequest.pageLoad);
    if (this.liveTraces.length > 0) this.freezeTraces(response);
    return response;
  }

  private freezeTraces(response: ModeResponse): void {
    const items: Array<{ trace?: Record<string, unknown> }> = [...(response.mboxes ?? []), ...(response.views ?? [])];
    if (response.pageLoad) items.push(response.pageLoad);
    for (const item of items) {
      if (isRecord(item.trace) && this.liveTraces.includes(item.trace)) item.trace = snapshot(item.trace);
    }
  }
}

function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

/**
 * Decide a normalized request against the artifact of a decider's tables: pure and
 * synchronous. The request must already carry its visitor ids and request id (see
 * `normalizeRequest`).
 */
export function decide(
  tables: DecisionTables,
  request: DeliveryRequest,
  env: DecideEnvironment,
  sessionId?: string,
): Decision {
  // One clock read serves the context's time and the notifications' timestamp.
  const now = env.now();
  const context = env.contexts.request(request.context ?? {}, now);
  const state = new RequestState(tables, request, context, env, sessionId, now);
  const dependency = remoteDependencyOf(tables.prepared, request);
  const response: DecidedResponse = {
    status: dependency.remoteNeeded ? 206 : 200,
    remoteMboxes: dependency.remoteMboxes,
    remoteViews: dependency.remoteViews,
    requestId: request.requestId as string,
    id: { ...request.id },
    client: env.client,
  };
  if (request.execute) response.execute = new ModeDecider(state, "execute").run(request.execute);
  if (request.prefetch) response.prefetch = new ModeDecider(state, "prefetch").run(request.prefetch);
  return { response, notifications: state.notifications ?? [], timestamp: now };
}
