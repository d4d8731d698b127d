import { KeyTail, type KeyHead } from "../allocation.js";
import type { PreparedArtifact, PreparedRule } from "../artifact/prepare.js";
import { GEO_TOKENS } from "./geo-tokens.js";
import type { RuleFacts } from "../types.js";
import { ruleFactsOf } from "./matches.js";
import { planOf, type RulePlan } from "./plan.js";

/** The rules of one list that serve each property token seen so far. */
interface ServingRules {
  /** Whether any rule of the list is limited to properties; if none is, every rule serves every request. */
  readonly scoped: boolean;
  readonly byToken: Map<unknown, readonly PreparedRule[]>;
}

/** Stamps are Int32: past this many requests or items, the tables start over rather than trust a recycled number. */
const LAST_GENERATION = 0x7ffffff0;

/**
 * The working memory of one decider: allocations per activity, conjunct values and matched rule
 * keys per item, hashed key heads, response plans per rule and rules per property token.
 * Decisions run to completion synchronously, so one set of tables serves every request: a
 * request (or item) takes a new generation number and only trusts slots stamped with it. Tables
 * per request cost as much as the decision on artifacts with thousands of activities.
 */
export class DecisionTables {
  /** Generation of the request being decided; allocations are trusted when stamped with it. */
  generation = 0;
  /** Allocations of the request being decided, one slot per activity. */
  readonly stamps: Int32Array;
  readonly values: Float64Array;
  /** Hashed key heads (`client.activityId.`) per activity, made on first use. */
  readonly heads: Array<KeyHead | undefined>;
  /** The key tail of the request being decided. */
  readonly tail = new KeyTail();
  /** Generation of the item being decided; conjunct values and matched keys are stamped with it. */
  itemGeneration = 0;
  /** Values of the artifact's item-wide conjuncts for the item being decided. */
  readonly sharedStamps: Int32Array;
  readonly sharedValues: Uint8Array;
  /** Per rule key, the generation of the last item one of its rules matched for. */
  readonly matchedStamps: Int32Array;
  /** Which GEO_TOKENS the artifact enables (bit i for token i). */
  readonly geoEnabled: number;
  /** Response plans per rule (`PreparedRule.ruleSlot`), each made on the rule's first match. */
  private readonly plans: Array<RulePlan | undefined>;
  /** What each rule's meta says (`PreparedRule.ruleSlot`), made when a decision first reports the rule as a match. */
  private facts: Array<RuleFacts | undefined> | undefined;
  /** Rule lists filtered by property token, per list, for artifacts whose rules are scoped to properties. */
  private readonly serving = new Map<readonly PreparedRule[], ServingRules>();

  constructor(
    readonly prepared: PreparedArtifact,
    readonly client: string,
  ) {
    this.stamps = new Int32Array(prepared.activityCount);
    this.values = new Float64Array(prepared.activityCount);
    this.heads = new Array<KeyHead | undefined>(prepared.activityCount).fill(undefined);
    this.sharedStamps = new Int32Array(prepared.sharedTests.length);
    this.sharedValues = new Uint8Array(prepared.sharedTests.length);
    this.matchedStamps = new Int32Array(prepared.ruleKeyCount);
    this.geoEnabled = GEO_TOKENS.reduce((mask, [token], i) => (prepared.responseTokens.has(token) ? mask | (1 << i) : mask), 0);
    this.plans = new Array<RulePlan | undefined>(prepared.ruleCount).fill(undefined);
  }

  /** A generation for a new request: its allocations start unknown. */
  nextRequest(): number {
    if (this.generation >= LAST_GENERATION) {
      this.stamps.fill(0);
      this.generation = 0;
    }
    return ++this.generation;
  }

  /** A generation for a new item: its conjunct values and matched keys start unknown. */
  nextItem(): number {
    if (this.itemGeneration >= LAST_GENERATION) {
      // Earlier items are finished when a new one starts, so forgetting their values is safe.
      this.sharedStamps.fill(0);
      this.matchedStamps.fill(0);
      this.itemGeneration = 0;
    }
    return ++this.itemGeneration;
  }

  /** The rule's response plan, made on its first match and kept as long as these tables. */
  planFor(rule: PreparedRule): RulePlan {
    let plan = this.plans[rule.ruleSlot];
    if (plan === undefined) {
      plan = planOf(rule);
      this.plans[rule.ruleSlot] = plan;
    }
    return plan;
  }

  /** What the rule's meta says, for decisions that report their matches. */
  factsOf(rule: PreparedRule): RuleFacts {
    const facts = (this.facts ??= new Array<RuleFacts | undefined>(this.prepared.ruleCount).fill(undefined));
    let found = facts[rule.ruleSlot];
    if (found === undefined) {
      found = ruleFactsOf(rule);
      facts[rule.ruleSlot] = found;
    }
    return found;
  }

  /**
   * The rules of a list that serve a request's property token (Target's workspaces): rules
   * without tokens serve everyone. Filtered lists are built once per token and list.
   */
  servingRules(rules: readonly PreparedRule[], token: unknown): readonly PreparedRule[] {
    // Most artifacts scope no rule to a property: then every list serves every request as it is.
    if (!this.prepared.propertyScoped) return rules;
    let serving = this.serving.get(rules);
    if (!serving) {
      serving = { scoped: rules.some((rule) => rule.propertyTokens !== undefined), byToken: new Map() };
      this.serving.set(rules, serving);
    }
    if (!serving.scoped) return rules;
    let list = serving.byToken.get(token);
    if (!list) {
      list = rules.filter((rule) => rule.propertyTokens === undefined || (token !== undefined && rule.propertyTokens.includes(token)));
      // Unknown tokens share the tokenless list, so hostile tokens cannot grow the tables.
      const known = token === undefined || rules.some((rule) => rule.propertyTokens?.includes(token));
      if (known) serving.byToken.set(token, list);
    }
    return list;
  }
}
