import type { PreparedRule } from "../artifact/prepare.js";
import { copyJson, copyWith, defineOwn, isRecord } from "../util/json.js";
import { GEO_TOKENS } from "./geo-tokens.js";
import type { MacroTemplate } from "./macros.js";
import type { Cloner, OptionPlan, RulePlan } from "./plan.js";
import type { Mode, RequestState } from "./request-state.js";
import type { ModeTracer } from "./trace.js";

/** The kind of item a response item answers. */
export type RequestType = "mbox" | "view";

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

/** Actions whose content has macros get it rendered; every action gets its content key, as Target's spread of each action gives. */
function withActionMacros(actions: unknown[], templates: ReadonlyArray<MacroTemplate | undefined>, item: Record<string, unknown>): unknown[] {
  return actions.map((action: unknown, i) => (isRecord(action) ? { ...action, content: templates[i]?.render(item) ?? action.content } : action));
}

/** A response option stamped from its template: content copied (or rendered from its macros), response tokens filled in. */
export function stamp(
  state: RequestState,
  plan: RulePlan,
  option: OptionPlan,
  base: Readonly<Record<string, unknown>>,
  item: Record<string, unknown>,
): Record<string, unknown> {
  const copy: Record<string, unknown> = { ...base };
  const { macros } = option;
  if (macros?.html) copy.content = macros.html.render(item);
  else if (option.hasContent) copy.content = option.cloneContent(option.content);
  copy.responseTokens = responseTokens(state, plan);
  if (macros?.actions) copy.content = withActionMacros(copy.content as unknown[], macros.actions, item);
  return copy;
}

// Option lists are allocated at their final size: pushing onto `[]` allocates room for sixteen.
function executeOptions(state: RequestState, plan: RulePlan, item: Record<string, unknown>): Record<string, unknown>[] {
  const out = new Array<Record<string, unknown>>(plan.executeCount);
  let at = 0;
  for (const option of plan.options) {
    if (option.execute) out[at++] = stamp(state, plan, option, option.execute, item);
  }
  return out;
}

function prefetchOptions(state: RequestState, plan: RulePlan, item: Record<string, unknown>): Record<string, unknown>[] {
  const { options } = plan;
  const out = new Array<Record<string, unknown>>(options.length);
  for (let i = 0; i < options.length; i++) {
    const option = options[i] as OptionPlan;
    out[i] = stamp(state, plan, option, option.prefetch, item);
  }
  return out;
}

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

/** The response item for a matched rule, shaped for the mode and free of artifact objects (its trace is the caller's). */
export function shapeMatch(
  state: RequestState,
  rule: PreparedRule,
  item: Record<string, unknown>,
  mode: Mode,
  type: RequestType,
  tracer: ModeTracer | undefined,
): Record<string, unknown> {
  const plan = state.tables.planFor(rule);
  if (mode === "execute") state.queueNotification(rule, plan, tracer);
  const options = mode === "execute" ? executeOptions(state, plan, item) : prefetchOptions(state, plan, item);
  let metrics: unknown;
  if (mode === "execute") metrics = plan.clickMetrics.length > 0 ? copyJson(plan.clickMetrics) : undefined;
  else if (type === "view" && plan.metrics !== undefined) metrics = copyJson(plan.metrics);
  return fromShape(plan, options, metrics, item.index);
}
