import type { PreparedRule } from "../artifact/prepare.js";
import type { ItemData, RequestState } from "./request-state.js";
import type { ModeTracer } from "./trace.js";

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

/** Whether the rule's condition holds for the item; a condition that throws does not. */
export function evaluate(state: RequestState, rule: PreparedRule, item: ItemData, tracer: ModeTracer | undefined): boolean {
  // A trace shows each rule's whole condition against its own data (allocation included), so it
  // takes the long way; the tracer copies the data only for the rules whose context it keeps.
  if (!tracer && rule.shared !== undefined) return evaluateSplit(state, rule, rule.shared, item);
  const data = item.data;
  if (rule.usesAllocation || tracer) data.allocation = state.allocation(rule);
  let satisfied: boolean;
  try {
    satisfied = Boolean(rule.test(data));
  } catch {
    satisfied = false;
  }
  tracer?.traceRule(rule, data, satisfied);
  return satisfied;
}
