import { compileLogic, logicProblems, type CompiledLogic } from "../logic/compile.js";
import type { Artifact, Rule } from "../types.js";
import { conjunctsOf } from "./conjuncts.js";
import { validateArtifact } from "./validate.js";

/** The global (page-load) mbox name when the artifact does not name one. */
export const DEFAULT_GLOBAL_MBOX = "target-global-mbox";

/** Rule meta keys that become response tokens when the account enabled them. */
const META_TOKEN_KEYS = [
  "activity.id",
  "activity.name",
  "activity.type",
  "experience.id",
  "experience.name",
  "location.id",
  "location.name",
  "location.type",
  "offer.id",
  "offer.name",
  "option.id",
  "option.name",
] as const;

/** A rule made ready to decide: its condition compiled and its constant parts computed. */
export interface PreparedRule {
  readonly rule: Rule;
  readonly ruleKey: unknown;
  readonly activityId: unknown;
  /** The compiled condition; JS truthiness of its result decides, as in the reference. */
  readonly test: (data: unknown) => unknown;
  /** Property tokens the rule is limited to, or undefined when it serves every property. */
  readonly propertyTokens: readonly unknown[] | undefined;
  /** Response tokens taken from the rule's meta (only the enabled ones). */
  readonly metaTokens: Readonly<Record<string, unknown>>;
  /** Index of the rule among all the artifact's rules (for per-rule tables). */
  readonly ruleSlot: number;
  /** Index of the rule's activity among the artifact's activities (for per-request caches). */
  readonly activitySlot: number;
  /** Index of the rule's `ruleKey` among the artifact's distinct rule keys (for per-item marks). */
  readonly ruleKeySlot: number;
  /** Whether the condition may read `allocation`; when not, no hash is computed for it. */
  readonly usesAllocation: boolean;
  /**
   * When the condition is a plain conjunction (see conjuncts.ts): its conjuncts that read only
   * item-wide data, as indexes into `PreparedArtifact.sharedTests`, whose values an item's
   * rules share. Undefined when the whole condition must run as `test`.
   */
  readonly shared: Int32Array | undefined;
  /** With `shared`: the remaining conjuncts, all of which must hold; undefined when none remain. */
  readonly own: CompiledLogic | undefined;
}

/**
 * An artifact indexed and compiled once at load, so a decision touches only requested names.
 * It never changes afterwards: what decisions cache lives in their decider's tables.
 */
export interface PreparedArtifact {
  readonly artifact: Artifact;
  readonly globalMbox: string;
  readonly mboxes: ReadonlyMap<string, readonly PreparedRule[]>;
  readonly views: ReadonlyMap<string, readonly PreparedRule[]>;
  /** Every view rule, in artifact order, for view requests that name no view. */
  readonly allViews: readonly PreparedRule[];
  readonly localMboxes: ReadonlySet<unknown>;
  readonly localViews: ReadonlySet<unknown>;
  /** Mboxes listed local and not remote: the artifact decides them alone. */
  readonly decidableMboxes: ReadonlySet<unknown>;
  readonly remoteMboxes: readonly string[];
  readonly remoteViews: readonly string[];
  readonly responseTokens: ReadonlySet<string>;
  readonly geoTargetingEnabled: boolean;
  /** Conditions that could not be compiled; those rules never match. */
  readonly problems: readonly string[];
  /** How many rules the artifact has (mboxes and views). */
  readonly ruleCount: number;
  /** Whether any rule is limited to at.js properties; if none is, every rule serves every request. */
  readonly propertyScoped: boolean;
  /** How many distinct activities the rules belong to. */
  readonly activityCount: number;
  /** How many distinct rule keys the rules have. */
  readonly ruleKeyCount: number;
  /** Distinct item-wide conjuncts of the rules' conditions, compiled; see `PreparedRule.shared`. */
  readonly sharedTests: readonly CompiledLogic[];
}

const NEVER = (): boolean => false;

/**
 * Compiled conditions of one artifact, keyed by their JSON text. Artifacts repeat the same
 * audience and allocation conditions across experiences and activities; sharing one closure
 * per distinct condition keeps the prepared artifact's heap close to its JSON size.
 */
type ConditionCache = Map<string, Compiled>;

interface Compiled {
  test: (data: unknown) => unknown;
  problems: string[];
  usesAllocation: boolean;
}

/** Per-artifact state shared while preparing rules. */
interface PrepareState {
  tokens: ReadonlySet<string>;
  problems: string[];
  cache: ConditionCache;
  /** Rules prepared so far. */
  ruleCount: number;
  activities: Map<unknown, number>;
  ruleKeys: Map<unknown, number>;
  /** Item-wide conjuncts by JSON text, each with its index in `sharedTests`. */
  sharedIds: Map<string, number>;
  sharedTests: CompiledLogic[];
}

// A `var` whose path is computed or empty (the whole data), or `missing` (which reads keys by
// name), may read anything, allocation included.
const DYNAMIC_READ = /"var":\s*(?:\[\s*)?(?:[[{\]]|""|null)|"missing/;

function readsAllocation(json: string): boolean {
  return json.includes("allocation") || DYNAMIC_READ.test(json);
}

function compileCondition(condition: unknown, cache: ConditionCache): Compiled {
  const key = JSON.stringify(condition) ?? "undefined";
  let compiled = cache.get(key);
  if (!compiled) {
    const problems = logicProblems(condition);
    compiled = {
      test: problems.length > 0 ? NEVER : compileLogic(condition),
      problems,
      usesAllocation: readsAllocation(key),
    };
    cache.set(key, compiled);
  }
  return compiled;
}

/** The condition's item-wide conjuncts (registered artifact-wide) and the rest, when it splits. */
function splitCondition(condition: unknown, state: PrepareState): Pick<PreparedRule, "shared" | "own"> {
  const conjuncts = conjunctsOf(condition);
  if (!conjuncts) return { shared: undefined, own: undefined };
  const shared: number[] = [];
  const own: unknown[] = [];
  for (const conjunct of conjuncts) {
    const key = JSON.stringify(conjunct) ?? "undefined";
    if (readsAllocation(key)) {
      own.push(conjunct);
      continue;
    }
    let id = state.sharedIds.get(key);
    if (id === undefined) {
      id = state.sharedTests.length;
      state.sharedTests.push(compileLogic(conjunct));
      state.sharedIds.set(key, id);
    }
    shared.push(id);
  }
  const rest = own.length === 0 ? undefined : compileCondition(own.length === 1 ? own[0] : { and: own }, state.cache).test;
  return { shared: Int32Array.from(shared), own: rest };
}

function prepareRule(rule: Rule, field: string, state: PrepareState): PreparedRule {
  const { tokens, problems, cache, activities } = state;
  const compiled = compileCondition(rule.condition, cache);
  if (compiled.problems.length > 0) problems.push(`${field}.condition: ${compiled.problems.join("; ")}`);
  const { test } = compiled;
  const metaTokens: Record<string, unknown> = {};
  for (const key of META_TOKEN_KEYS) {
    const value = rule.meta[key];
    if (tokens.has(key) && value !== undefined) metaTokens[key] = value;
  }
  const propertyTokens = Array.isArray(rule.propertyTokens) && rule.propertyTokens.length > 0 ? rule.propertyTokens : undefined;
  const activityId = rule.meta["activity.id"];
  let activitySlot = activities.get(activityId);
  if (activitySlot === undefined) {
    activitySlot = activities.size;
    activities.set(activityId, activitySlot);
  }
  let ruleKeySlot = state.ruleKeys.get(rule.ruleKey);
  if (ruleKeySlot === undefined) {
    ruleKeySlot = state.ruleKeys.size;
    state.ruleKeys.set(rule.ruleKey, ruleKeySlot);
  }
  const split = compiled.problems.length > 0 ? { shared: undefined, own: undefined } : splitCondition(rule.condition, state);
  return {
    rule,
    ruleSlot: state.ruleCount++,
    ruleKey: rule.ruleKey,
    activityId,
    test,
    propertyTokens,
    metaTokens,
    activitySlot,
    ruleKeySlot,
    usesAllocation: compiled.usesAllocation,
    shared: split.shared,
    own: split.own,
  };
}

function prepareRuleMap(map: Record<string, Rule[]> | undefined, kind: string, state: PrepareState): Map<string, PreparedRule[]> {
  const result = new Map<string, PreparedRule[]>();
  if (!map) return result;
  for (const name of Object.keys(map)) {
    const rules = map[name] ?? [];
    result.set(
      name,
      rules.map((rule, i) => prepareRule(rule, `rules.${kind}[${JSON.stringify(name)}][${i}]`, state)),
    );
  }
  return result;
}

/**
 * Validate an artifact and prepare it for deciding: index rules by name, compile every
 * condition into a closure, precompute response tokens. Throws an `ArtifactError` when the
 * artifact cannot be used.
 */
export function prepareArtifact(value: unknown): PreparedArtifact {
  const artifact = validateArtifact(value);
  const responseTokens = new Set(artifact.responseTokens ?? []);
  const problems: string[] = [];
  const state: PrepareState = {
    tokens: responseTokens,
    problems,
    cache: new Map(),
    ruleCount: 0,
    activities: new Map(),
    ruleKeys: new Map(),
    sharedIds: new Map(),
    sharedTests: [],
  };
  const mboxes = prepareRuleMap(artifact.rules.mboxes, "mboxes", state);
  const views = prepareRuleMap(artifact.rules.views, "views", state);
  const localMboxes = new Set<unknown>(artifact.localMboxes ?? []);
  const remoteMboxes = artifact.remoteMboxes ?? [];
  const remote = new Set<unknown>(remoteMboxes);
  const allViews = [...views.values()].flat();
  return {
    artifact,
    globalMbox: artifact.globalMbox || DEFAULT_GLOBAL_MBOX,
    mboxes,
    views,
    allViews,
    localMboxes,
    localViews: new Set(artifact.localViews ?? []),
    decidableMboxes: new Set([...localMboxes].filter((name) => !remote.has(name))),
    remoteMboxes,
    remoteViews: artifact.remoteViews ?? [],
    responseTokens,
    geoTargetingEnabled: Boolean(artifact.geoTargetingEnabled),
    problems,
    ruleCount: state.ruleCount,
    propertyScoped:
      [...mboxes.values()].some((rules) => rules.some((rule) => rule.propertyTokens !== undefined)) ||
      allViews.some((rule) => rule.propertyTokens !== undefined),
    activityCount: state.activities.size,
    ruleKeyCount: state.ruleKeys.size,
    sharedTests: state.sharedTests,
  };
}
