import type { PreparedRule } from "../artifact/prepare.js";
import type { Metric, Option } from "../types.js";
import { copyJson, copyWith, isRecord } from "../util/json.js";
import { compileMacros, type MacroTemplate } from "./macros.js";

/** Makes a fresh copy of one artifact value, chosen once for that value's shape. */
export type Cloner = (value: unknown) => unknown;

const same: Cloner = (value) => value;
const spreadObject: Cloner = (value) => ({ ...(value as Record<string, unknown>) });
const sliceArray: Cloner = (value) => (value as unknown[]).slice();
const deep: Cloner = copyJson;

const isPrimitive = (value: unknown): boolean => value === null || (typeof value !== "object" && typeof value !== "function");

/**
 * The cheapest correct copier for a value: primitives are shared, flat objects spread, flat
 * arrays sliced, anything nested walked. Spread copies `__proto__` as an own key, so it is as
 * safe as the walk for hostile keys.
 */
export function clonerFor(value: unknown): Cloner {
  if (isPrimitive(value)) return same;
  if (Array.isArray(value)) return value.every(isPrimitive) ? sliceArray : deep;
  if (isRecord(value) && Object.values(value).every((v) => isPrimitive(v) && v !== undefined)) return spreadObject;
  return deep;
}

/** One option of a rule, ready to be stamped out per response. */
export interface OptionPlan {
  /** The option without its event token; undefined when execute drops the option as blank. */
  readonly execute: Readonly<Record<string, unknown>> | undefined;
  /** The option with its event token (its own, or the display metric's at the same position). */
  readonly prefetch: Readonly<Record<string, unknown>>;
  readonly content: unknown;
  readonly cloneContent: Cloner;
  readonly hasContent: boolean;
  /** The option's campaign macros, compiled for its rule; undefined when its content has none. */
  readonly macros: OptionMacros | undefined;
}

/** Campaign macros of an option: its html content's template, or a template per action whose content has macros. */
export interface OptionMacros {
  readonly html: MacroTemplate | undefined;
  readonly actions: ReadonlyArray<MacroTemplate | undefined> | undefined;
}

/** Everything about a rule's consequence that does not depend on the request. */
export interface RulePlan {
  readonly options: readonly OptionPlan[];
  /** How many options execute keeps (those not blank), so its list is allocated at its size. */
  readonly executeCount: number;
  /** Consequence keys other than options and metrics, in order, with their copiers. */
  readonly extras: ReadonlyArray<readonly [string, unknown, Cloner]>;
  /** Where `options` and `metrics` sit among the consequence's keys (-1 when absent). */
  readonly keyOrder: readonly string[];
  readonly clickMetrics: readonly Metric[];
  readonly metrics: readonly Metric[] | undefined;
  /**
   * Event tokens of the options, in order, for display notifications, each with the
   * `name-token` key Target dedupes a request's notifications by (built once, not per match).
   */
  readonly eventTokens: ReadonlyArray<{ readonly token: unknown; readonly key: string }>;
  /** Whether every meta response token is a primitive (then a spread copies them safely). */
  readonly primitiveTokens: boolean;
  /** The rule's response tokens before the request's geo tokens: meta tokens, then the method. */
  readonly tokens: Readonly<Record<string, unknown>>;
  /** `tokens` plus empty geo token keys, per set of geo tokens a request brings (filled lazily). */
  readonly geoTemplates: Array<Record<string, unknown> | undefined>;
  /** Response item key templates, by whether metrics and index are present (filled lazily). */
  readonly itemShapes: Array<Record<string, unknown> | undefined>;
}

const withMacroText = (content: unknown): content is string => typeof content === "string" && content.includes("${");

/** The macros of an option's content, split once for its rule (see `compileMacros`). */
function macrosOf(option: Option, meta: unknown): OptionMacros | undefined {
  const { content, type } = option;
  if (type === "html") return withMacroText(content) ? { html: compileMacros(content, meta), actions: undefined } : undefined;
  if (type !== "actions" || !Array.isArray(content)) return undefined;
  const actions = content.map((action: unknown) => (isRecord(action) && withMacroText(action.content) ? compileMacros(action.content, meta) : undefined));
  return actions.some((template) => template !== undefined) ? { html: undefined, actions } : undefined;
}

function template(option: Option, skipEventToken: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(option)) {
    if (skipEventToken && key === "eventToken") continue;
    // Artifacts may give options members the schema does not list; they are kept.
    const value = (option as Record<string, unknown>)[key];
    if (value === undefined) continue;
    // Content is filled per response; other members are small and copied now, once.
    const copy = key === "content" ? null : copyJson(value);
    if (key === "__proto__") Object.defineProperty(out, key, { value: copy, writable: true, enumerable: true, configurable: true });
    else out[key] = copy;
  }
  return out;
}

/**
 * End a template with a `responseTokens` placeholder: adding a key to a spread copy per
 * response costs V8 a slow map transition (~0.5 µs each), assigning an existing one does not.
 */
function withTokenSlot(template: Record<string, unknown>): Record<string, unknown> {
  if (!Object.prototype.hasOwnProperty.call(template, "responseTokens")) template.responseTokens = null;
  return template;
}

/** The plan of a rule's consequence, made on the rule's first match (see `DecisionTables.planFor`). */
export function planOf(rule: PreparedRule): RulePlan {
  const consequence = rule.rule.consequence;
  const options = consequence.options ?? [];
  const metrics = consequence.metrics;
  const optionPlans = options.map((option, i): OptionPlan => {
    const blank = option.type === undefined && option.content === undefined;
    const prefetch = template(option, false);
    if (option.eventToken === undefined) {
      const metric = metrics?.[i];
      if (isRecord(metric) && metric.type === "display" && metric.eventToken !== undefined) prefetch.eventToken = metric.eventToken;
    }
    return {
      execute: blank ? undefined : withTokenSlot(template(option, true)),
      prefetch: withTokenSlot(prefetch),
      content: option.content,
      cloneContent: clonerFor(option.content),
      hasContent: option.content !== undefined,
      macros: macrosOf(option, rule.rule.meta),
    };
  });
  const extras: Array<readonly [string, unknown, Cloner]> = [];
  for (const key of Object.keys(consequence)) {
    if (key === "options" || key === "metrics") continue;
    const value = consequence[key];
    extras.push([key, value, clonerFor(value)]);
  }
  return {
    options: optionPlans,
    executeCount: optionPlans.filter((option) => option.execute !== undefined).length,
    extras,
    keyOrder: Object.keys(consequence),
    clickMetrics: (metrics ?? []).filter((metric) => isRecord(metric) && metric.type === "click"),
    metrics,
    eventTokens: options
      .filter((option) => option.eventToken !== undefined)
      .map((option) => ({ token: option.eventToken, key: `${String(consequence.name)}-${String(option.eventToken)}` })),
    primitiveTokens: Object.values(rule.metaTokens).every(isPrimitive),
    // Built by assignment: V8 clones such an object per response ~5x faster than one made by a spread literal.
    tokens: copyWith<Record<string, unknown>>(rule.metaTokens, { "activity.decisioningMethod": "on-device" }),
    geoTemplates: [],
    itemShapes: [undefined, undefined, undefined, undefined],
  };
}
