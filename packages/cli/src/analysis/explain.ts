/**
 * Why a visitor got what they got: every rule of every requested mbox and view, whether it
 * matched, each condition with the values it read, and the visitor's allocation against the
 * experience's range.
 *
 * The rules chosen are the ones the engine's decision reports as matched (one artifact,
 * prepared once, serves the explanation and the decision). The data each rule sees is
 * assembled from the engine's own pieces (request checks and normalization, ContextBuilder,
 * mboxContextOf, allocationOf, the compiled conditions), in the order the engine assembles it,
 * to show each condition's values and to tell the rules that matched but did not answer
 * (shadowed) from those that did not match.
 */
import {
  allocationOf,
  parseDomain,
  visitorIdOf,
  type DeliveryRequest,
  type DeliveryResponse,
  type GetOffersOptions,
  type Rule,
  type RuleMatch,
  internal,
} from "@decisioning/engine";
import { bucketOf, rangeOf, splitConditionOf, type AllocationRange, type Buckets } from "./allocation.js";
import { evaluate, isOperation, operandsOf, operatorOf, renderLogic, varsOf } from "./logic.js";

const { cleanGeo, compileLogic, ContextBuilder, deciderFor, isRecord, mboxContextOf, normalizeRequest, prepareArtifact, truthy } = internal;
type CompiledLogic = internal.CompiledLogic;
type ContextBuilder = internal.ContextBuilder;
type PreparedArtifact = internal.PreparedArtifact;
type PreparedRule = internal.PreparedRule;
type RequestContext = internal.RequestContext;

/** What a condition (or one of its parts) did. */
export interface ConditionExplanation {
  /** The expression, rendered. */
  text: string;
  /** Its json-logic truthiness. */
  result: boolean;
  /** The value it evaluated to. */
  value?: unknown;
  /** Variables it reads directly (leaves only), with the values it saw. */
  reads?: Array<{ name: string; value: unknown }>;
  /** `and`, `or` or `not` nodes list their parts. */
  op?: "and" | "or" | "not";
  children?: ConditionExplanation[];
  /** False when json-logic never evaluated this part (an earlier part of an `and`/`or` decided). */
  evaluated: boolean;
  /** The evaluation error, when it threw. */
  error?: string;
}

/** How a rule fared. */
export type RuleStatus =
  /** Its condition held and its consequence is in the response. */
  | "chosen"
  /** Its condition did not hold. */
  | "not-matched"
  /** Its condition held, but an earlier rule already answered (same mbox, or same rule key). */
  | "shadowed"
  /** It belongs to other at.js properties than the request's. */
  | "other-property";

/** One rule, explained. */
export interface RuleExplanation {
  location: string;
  /** Position in the location's rule list (1-based, as people count). */
  position: number;
  ruleKey: unknown;
  activity: { id: unknown; name: unknown; type: unknown };
  experience: { id: unknown; name: unknown };
  status: RuleStatus;
  /** The engine's verdict on the whole condition. */
  matched: boolean;
  /** The visitor's allocation for the rule's activity and the range the rule admits, when it splits traffic. */
  allocation?: { value: number; range: AllocationRange; inRange: boolean };
  condition: ConditionExplanation;
  /** Offer types the rule delivers (one entry per option with content). */
  offers: string[];
  /** Why a rule that matched still did not answer. */
  note?: string;
}

/** One requested mbox, view or page load. */
export interface ItemExplanation {
  mode: "execute" | "prefetch";
  type: "mbox" | "view" | "pageLoad";
  /** The mbox or view name (the global mbox for a page load; undefined for "all views"). */
  name: string | undefined;
  index?: unknown;
  /** False when the artifact cannot decide it on-device (listed remote, or not listed local). */
  local: boolean;
  /** Context parts specific to this item: its mbox parameters, and its own URL when it has one. */
  mbox: Record<string, unknown>;
  pageUrl: unknown;
  rules: RuleExplanation[];
}

/** Where the allocation visitor id came from. */
export type VisitorSource = "marketingCloudVisitorId" | "tntId" | "thirdPartyId" | "generated" | "random";

/** The explanation of one request. */
export interface Explanation {
  client: string;
  at: string;
  visitor: { id: string; source: VisitorSource };
  /** The request as decided (ids and request id filled in). */
  request: DeliveryRequest;
  /** Request-wide context every rule saw (time, user, page, referring, geo). */
  context: RequestContext;
  remoteMboxes: string[];
  remoteViews: string[];
  items: ItemExplanation[];
  /** The engine's response to the same request, for reference. */
  response: DeliveryResponse;
}

/** Inputs of {@link explainRequest}. */
export interface ExplainInput {
  client: string;
  artifact: unknown;
  options: GetOffersOptions;
  /** Decision time, ms since epoch. */
  now: number;
  /** Id source for a visitor without ids (default: random). */
  uuid?: () => string;
}

const randomUuid = (): string => globalThis.crypto.randomUUID().replace(/-/g, "");

const varReaders = new Map<string, CompiledLogic>();

/** A variable's value as json-logic's `var` reads it (readers compiled once per name). */
function readVar(name: string, data: unknown): unknown {
  let reader = varReaders.get(name);
  if (!reader) {
    reader = compileLogic({ var: name });
    if (varReaders.size < 10000) varReaders.set(name, reader);
  }
  return reader(data);
}

function explainCondition(expr: unknown, data: unknown, evaluated: boolean): ConditionExplanation {
  let value: unknown;
  let error: string | undefined;
  try {
    value = evaluate(expr, data);
  } catch (cause) {
    error = cause instanceof Error ? cause.message : String(cause);
  }
  const node: ConditionExplanation = { text: renderLogic(expr), result: error === undefined && truthy(value), evaluated };
  if (error !== undefined) node.error = error;
  else node.value = value;
  const op = operatorOf(expr);
  if (op === "and" || op === "or") {
    let decided = !evaluated;
    node.op = op;
    node.children = operandsOf(expr as Record<string, unknown>).map((operand) => {
      const child = explainCondition(operand, data, !decided);
      // json-logic stops at the first falsy operand of `and` and the first truthy one of `or`.
      if (!decided && (op === "and" ? !child.result : child.result)) decided = true;
      return child;
    });
    return node;
  }
  if (op === "!" && isOperation(operandsOf(expr as Record<string, unknown>)[0])) {
    node.op = "not";
    node.children = [explainCondition(operandsOf(expr as Record<string, unknown>)[0], data, evaluated)];
    return node;
  }
  const names = varsOf(expr);
  if (names.length > 0) {
    node.reads = names.map((name) => {
      let read: unknown;
      try {
        read = readVar(name, data);
      } catch {
        read = undefined;
      }
      return { name, value: read };
    });
  }
  return node;
}

/** Types of the options a rule delivers; options with neither type nor content only carry an event token. */
function offerTypes(rule: PreparedRule): string[] {
  const options = rule.rule.consequence.options ?? [];
  return options.filter((option) => option.type !== undefined || option.content !== undefined).map((option) => String(option.type ?? "unknown"));
}

const splits = new WeakMap<PreparedRule, { buckets: Buckets; range: AllocationRange } | undefined>();

class Walker {
  private readonly allocations = new Map<unknown, number>();

  constructor(
    readonly prepared: PreparedArtifact,
    private readonly context: RequestContext,
    private readonly contexts: ContextBuilder,
    private readonly client: string,
    private readonly visitorId: string,
    private readonly propertyToken: unknown,
  ) {}

  /** The rule's traffic split, computed once per rule (it walks all 10000 allocations). */
  private splitOf(rule: PreparedRule): { buckets: Buckets; range: AllocationRange } | undefined {
    if (!splits.has(rule)) {
      const { buckets } = splitConditionOf(rule.rule.condition);
      splits.set(rule, buckets ? { buckets, range: rangeOf(buckets) } : undefined);
    }
    return splits.get(rule);
  }

  private allocation(activityId: unknown): number {
    let value = this.allocations.get(activityId);
    if (value === undefined) {
      value = allocationOf(this.client, activityId as string | number, this.visitorId);
      this.allocations.set(activityId, value);
    }
    return value;
  }

  private servesProperty(rule: PreparedRule): boolean {
    const tokens = rule.propertyTokens;
    if (this.propertyToken === undefined) return tokens === undefined;
    return tokens === undefined || tokens.includes(this.propertyToken);
  }

  /** The data a rule of this item is evaluated against, as the engine builds it. */
  private itemData(item: Record<string, unknown>): Record<string, unknown> {
    let { page, referring } = this.context;
    if (item.address !== undefined) {
      // As in the engine (and Target): an item with its own address reads page and referring from its URL.
      page = this.contexts.url(isRecord(item.address) ? item.address.url : undefined);
      referring = page;
    }
    return {
      current_timestamp: this.context.current_timestamp,
      current_time: this.context.current_time,
      current_day: this.context.current_day,
      user: this.context.user,
      page,
      referring,
      geo: this.context.geo,
      mbox: mboxContextOf(item.parameters ?? {}),
      allocation: 0,
    };
  }

  /**
   * Explain the rules of one item; `chosenRules` are the rules the engine's decision reports for it,
   * `firstMatchOnly` for regular mboxes (else one answer per rule key).
   */
  rules(
    item: Record<string, unknown>,
    rules: readonly PreparedRule[],
    firstMatchOnly: boolean,
    chosenRules: readonly Rule[],
  ): { data: Record<string, unknown>; rules: RuleExplanation[] } {
    const data = this.itemData(item);
    const chosenKeys = new Set<unknown>();
    let chosen: RuleExplanation | undefined;
    const out: RuleExplanation[] = [];
    const positions = new Map<string, number>();
    for (const rule of rules) {
      const meta = rule.rule.meta;
      const location = String(rule.rule.consequence.name ?? meta["location.name"] ?? item.name ?? "");
      const position = (positions.get(location) ?? 0) + 1;
      positions.set(location, position);
      const ruleData = { ...data, allocation: this.allocation(rule.activityId) };
      let matched: boolean;
      try {
        matched = Boolean(rule.test(ruleData));
      } catch {
        matched = false;
      }
      const explained: RuleExplanation = {
        location,
        position,
        ruleKey: rule.ruleKey,
        activity: { id: meta["activity.id"], name: meta["activity.name"], type: meta["activity.type"] },
        experience: { id: meta["experience.id"], name: meta["experience.name"] },
        status: "not-matched",
        matched,
        condition: explainCondition(rule.rule.condition, ruleData, true),
        offers: offerTypes(rule),
      };
      const split = this.splitOf(rule);
      if (split) {
        const value = ruleData.allocation;
        const bucket = bucketOf(value);
        explained.allocation = { value, range: split.range, inRange: bucket !== undefined && split.buckets[bucket] === 1 };
      }
      if (!this.servesProperty(rule)) {
        explained.status = "other-property";
        explained.note = `serves at.js properties ${JSON.stringify(rule.propertyTokens)}, the request has ${this.propertyToken === undefined ? "none" : JSON.stringify(this.propertyToken)}`;
      } else if (chosenRules.includes(rule.rule)) {
        explained.status = "chosen";
        chosen ??= explained;
        chosenKeys.add(rule.ruleKey);
      } else if (matched) {
        explained.status = "shadowed";
        if (firstMatchOnly && chosen) explained.note = `rule #${chosen.position} answered first`;
        else if (!firstMatchOnly && chosenKeys.has(rule.ruleKey))
          explained.note = `an earlier rule with rule key ${JSON.stringify(rule.ruleKey)} already answered`;
        else explained.note = "its condition holds, but the engine's decision did not take it";
      }
      out.push(explained);
    }
    return { data, rules: out };
  }
}

function visitorOf(request: DeliveryRequest, uuid: () => string, hadIds: boolean): Explanation["visitor"] {
  const id = visitorIdOf(request.id);
  if (id === undefined) return { id: uuid(), source: "random" };
  const ids = request.id ?? {};
  if (!hadIds) return { id, source: "generated" };
  if (ids.marketingCloudVisitorId === id) return { id, source: "marketingCloudVisitorId" };
  if (typeof ids.tntId === "string" && ids.tntId.split(".")[0] === id) return { id, source: "tntId" };
  return { id, source: "thirdPartyId" };
}

/** Explains requests against one artifact (prepared once). */
export interface Explainer {
  /** Explain one request decided at `now` (ms since epoch). Throws the engine's `RequestError` for a request it refuses. */
  explain(options: GetOffersOptions, now: number): Explanation;
}

/** Prepare an artifact for explaining many requests; throws the engine's `ArtifactError` for an unusable one. */
export function createExplainer(config: { client: string; artifact: unknown; uuid?: () => string }): Explainer {
  const uuid = config.uuid ?? randomUuid;
  const prepared = prepareArtifact(config.artifact);
  let decisionTime = 0;
  // A visitor known by no usable id gets a throwaway one in the engine, as in Target: the
  // explanation draws it first and hands it over, so the engine decides for the visitor explained.
  let throwawayVisitor: string | undefined;
  const nextId = (): string => {
    const id = throwawayVisitor ?? uuid();
    throwawayVisitor = undefined;
    return id;
  };
  const decider = deciderFor(prepared, {
    client: config.client,
    parseDomainImpl: parseDomain,
    platform: { now: () => decisionTime, uuid: nextId },
    telemetryEnabled: false,
  });
  const contexts = new ContextBuilder(parseDomain);
  return {
    explain(options, now) {
      internal.checkRequest(options);
      decisionTime = now;
      const given = options.request;
      const hadIds = visitorIdOf(given.id ?? undefined) !== undefined;
      const request = normalizeRequest(given, options.targetLocationHint, uuid, cleanGeo(given.context?.geo ?? undefined));
      const context = contexts.request(request.context ?? {}, now);
      const visitor = visitorOf(request, uuid, hadIds);
      const walker = new Walker(prepared, context, contexts, config.client, visitor.id, request.property?.token);
      const dependency = decider.hasRemoteDependency(request);
      if (visitor.source === "random") throwawayVisitor = visitor.id;
      const { response, matches = [] } = decider.decide({ ...options, request }, { matches: true });
      throwawayVisitor = undefined;
      const items = explainItems(prepared, walker, request, dependency, matches);
      return {
        client: config.client,
        at: new Date(now).toISOString(),
        visitor,
        request,
        context,
        remoteMboxes: dependency.remoteMboxes,
        remoteViews: dependency.remoteViews,
        items,
        response,
      };
    },
  };
}

function explainItems(
  prepared: PreparedArtifact,
  walker: Walker,
  request: DeliveryRequest,
  dependency: { remoteMboxes: string[]; remoteViews: string[] },
  matches: readonly RuleMatch[],
): ItemExplanation[] {
  const items: ItemExplanation[] = [];
  const pageUrlOf = (data: Record<string, unknown>): unknown => (isRecord(data.page) ? data.page.url : undefined);
  /** The rules the engine reports as the answer to one item. */
  const chosenFor = (mode: RuleMatch["mode"], kind: RuleMatch["kind"], at: number): Rule[] =>
    matches.filter((match) => match.mode === mode && match.kind === kind && match.item === at).map((match) => match.rule);
  for (const mode of ["execute", "prefetch"] as const) {
    const block = request[mode];
    if (!block) continue;
    for (const [at, raw] of (block.mboxes ?? []).entries()) {
      const item = raw as Record<string, unknown>;
      const name = String(item.name);
      const global = name === prepared.globalMbox;
      const { data, rules } = walker.rules(item, prepared.mboxes.get(name) ?? [], !global, chosenFor(mode, "mbox", at));
      items.push({
        mode,
        type: "mbox",
        name,
        index: item.index,
        local: !dependency.remoteMboxes.includes(name),
        mbox: data.mbox as Record<string, unknown>,
        pageUrl: pageUrlOf(data),
        rules,
      });
    }
    for (const [at, raw] of (block.views ?? []).entries()) {
      const item = raw as Record<string, unknown>;
      const named = Object.prototype.hasOwnProperty.call(item, "name") && item.name !== undefined;
      const name = named ? String(item.name) : undefined;
      const viewRules = name !== undefined ? (prepared.views.get(name) ?? []) : prepared.allViews;
      const { data, rules } = walker.rules(item, viewRules, false, chosenFor(mode, "view", at));
      const local = name === undefined ? dependency.remoteViews.length === 0 : !dependency.remoteViews.includes(name);
      items.push({ mode, type: "view", name, local, mbox: data.mbox as Record<string, unknown>, pageUrl: pageUrlOf(data), rules });
    }
    if (block.pageLoad) {
      const item: Record<string, unknown> = { ...block.pageLoad, name: prepared.globalMbox };
      const { data, rules } = walker.rules(item, prepared.mboxes.get(prepared.globalMbox) ?? [], false, chosenFor(mode, "pageLoad", 0));
      items.push({
        mode,
        type: "pageLoad",
        name: prepared.globalMbox,
        local: !dependency.remoteMboxes.includes(prepared.globalMbox),
        mbox: data.mbox as Record<string, unknown>,
        pageUrl: pageUrlOf(data),
        rules,
      });
    }
  }
  return items;
}

/**
 * Explain how the engine decides a request: every rule of every requested mbox, view and page
 * load, and the engine's response. Throws the engine's `RequestError` for a request it refuses.
 */
export function explainRequest(input: ExplainInput): Explanation {
  return createExplainer({ client: input.client, artifact: input.artifact, ...(input.uuid ? { uuid: input.uuid } : {}) }).explain(input.options, input.now);
}
