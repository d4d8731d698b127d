/**
 * Pin a test to one allocation or one experience by rewriting a copy of the artifact, so the
 * real engine runs unchanged and every visitor takes the same branch.
 */
import type { Artifact, Rule } from "@decisioning/engine";
import { TestingError, TestingErrorCode } from "./errors.js";

/** Which activity to rewrite: its name or id (default: every activity). */
export interface ActivitySelector {
  activity?: string | number;
}

const isOperation = (expr: unknown): expr is Record<string, unknown> =>
  typeof expr === "object" && expr !== null && !Array.isArray(expr) && Object.keys(expr).length === 1;

function readsAllocation(expr: unknown): boolean {
  if (Array.isArray(expr)) return expr.some(readsAllocation);
  if (!isOperation(expr)) return false;
  const [op] = Object.keys(expr) as [string];
  const operand = expr[op];
  if (op === "var") return (Array.isArray(operand) ? operand[0] : operand) === "allocation";
  return readsAllocation(operand);
}

/** A copy of `expr` with every read of `allocation` replaced by a constant. */
function withAllocation(expr: unknown, value: number): unknown {
  if (Array.isArray(expr)) return expr.map((item) => withAllocation(item, value));
  if (!isOperation(expr)) return expr;
  const [op] = Object.keys(expr) as [string];
  if (op === "var" && readsAllocation(expr)) return value;
  return { [op]: withAllocation(expr[op], value) };
}

/** A copy of `expr` whose top-level conjuncts that test the allocation are dropped. */
function withoutSplit(expr: unknown): unknown {
  if (!isOperation(expr)) return expr;
  const [op] = Object.keys(expr) as [string];
  if (op !== "and") return readsAllocation(expr) ? true : expr;
  const operands = (Array.isArray(expr.and) ? expr.and : [expr.and]).map(withoutSplit).filter((part) => part !== true);
  if (operands.length === 0) return true;
  return operands.length === 1 ? operands[0] : { and: operands };
}

const selects = (rule: Rule, selector: ActivitySelector): boolean =>
  selector.activity === undefined ||
  rule.meta["activity.id"] === selector.activity ||
  rule.meta["activity.name"] === selector.activity ||
  String(rule.meta["activity.id"]) === String(selector.activity);

function mapRules(artifact: Artifact, map: (rule: Rule) => Rule | undefined): Artifact {
  const copy = JSON.parse(JSON.stringify(artifact)) as Artifact;
  for (const kind of ["mboxes", "views"] as const) {
    const lists = copy.rules[kind] ?? {};
    for (const name of Object.keys(lists)) lists[name] = (lists[name] ?? []).flatMap((rule) => map(rule) ?? []);
  }
  return copy;
}

/**
 * A copy of the artifact in which every visitor has this allocation (0..99.99) for the
 * selected activities: their split conditions read the constant instead of the visitor's bucket.
 */
export function forceAllocation(artifact: Artifact, allocation: number, selector: ActivitySelector = {}): Artifact {
  if (!(allocation >= 0 && allocation < 100)) throw new TestingError(TestingErrorCode.InvalidArgument, `an allocation is in [0, 100), got ${allocation}`);
  let found = selector.activity === undefined;
  const result = mapRules(artifact, (rule) => {
    if (!selects(rule, selector)) return rule;
    found = true;
    return { ...rule, condition: withAllocation(rule.condition, allocation) };
  });
  if (!found) throw new TestingError(TestingErrorCode.NotInArtifact, `no activity ${JSON.stringify(selector.activity)} in the artifact`);
  return result;
}

/**
 * A copy of the artifact in which the activity always serves this experience (name or id):
 * the other experiences' rules are removed and the split is lifted; audiences still apply.
 */
export function forceExperience(artifact: Artifact, selector: { activity: string | number; experience: string | number }): Artifact {
  let found = false;
  const result = mapRules(artifact, (rule) => {
    if (!selects(rule, selector)) return rule;
    const meta = rule.meta;
    const chosen = meta["experience.name"] === selector.experience || String(meta["experience.id"]) === String(selector.experience);
    if (!chosen) return undefined;
    found = true;
    return { ...rule, condition: withoutSplit(rule.condition) };
  });
  if (!found) {
    throw new TestingError(
      TestingErrorCode.NotInArtifact,
      `activity ${JSON.stringify(selector.activity)} has no experience ${JSON.stringify(selector.experience)}`,
    );
  }
  return result;
}
