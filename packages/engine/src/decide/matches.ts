import type { PreparedRule } from "../artifact/prepare.js";
import type { MetaRef, RuleFacts, RuleMatch } from "../types.js";
import { isRecord } from "../util/json.js";

const idOf = (value: unknown): string | number | undefined => (typeof value === "string" || typeof value === "number" ? value : undefined);
const nameOf = (value: unknown): string | undefined => (typeof value === "string" ? value : undefined);

/**
 * Whether a condition reads the `allocation` variable: a traffic split. Exact, unlike the
 * prepared rule's `usesAllocation`, which only has to be safe (any mention counts there).
 */
function readsAllocation(expression: unknown): boolean {
  if (Array.isArray(expression)) return expression.some(readsAllocation);
  if (!isRecord(expression)) return false;
  for (const operator of Object.keys(expression)) {
    const operand = expression[operator];
    if (operator === "var" && (Array.isArray(operand) ? operand[0] : operand) === "allocation") return true;
    if (readsAllocation(operand)) return true;
  }
  return false;
}

function refOf(meta: Record<string, unknown>, what: string): MetaRef {
  return { id: idOf(meta[`${what}.id`]), name: nameOf(meta[`${what}.name`]) };
}

/** What a rule's meta says about it. */
export function ruleFactsOf(prepared: PreparedRule): RuleFacts {
  const { rule } = prepared;
  const meta = rule.meta as Record<string, unknown>;
  return {
    rule,
    ruleKey: nameOf(rule.ruleKey),
    activity: { id: idOf(meta["activity.id"] ?? rule.activityId), name: nameOf(meta["activity.name"]), type: nameOf(meta["activity.type"]) },
    experience: refOf(meta, "experience"),
    offer: refOf(meta, "offer"),
    option: refOf(meta, "option"),
    split: readsAllocation(rule.condition),
  };
}

/** A rule that answered an item. */
export function ruleMatchOf(facts: RuleFacts, mode: RuleMatch["mode"], kind: RuleMatch["kind"], item: number, name: string): RuleMatch {
  return { mode, kind, item, name, ...facts };
}
