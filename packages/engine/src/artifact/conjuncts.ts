/*
 * A rule's condition seen as a conjunction, so that an item's rules can share work: the parts
 * that do not read `allocation` have one value for every rule evaluated against the same item
 * (page load, mbox or view), and most rules fail on one of them (wrong domain, wrong browser).
 *
 * The split is only taken when it cannot change a rule's outcome. A rule matches when the JS
 * truthiness of its condition's value is true, and a throw counts as no match. For an `and`
 * whose conjuncts never evaluate to an array, that is exactly "every conjunct is truthy":
 * json-logic's `and` returns the first falsy conjunct (falsy for JS too, unless it is `[]`)
 * or the last one, and a throwing conjunct either throws (no match) or sits behind a falsy
 * one (no match). So the conjuncts can be checked in any order, each once per item.
 */

/** Operators whose value is always a boolean, whatever their operands. */
const BOOLEAN_OPERATORS = new Set(["==", "===", "!=", "!==", "<", "<=", ">", ">=", "!", "!!", "in"]);

function isOperation(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value) && Object.keys(value).length === 1;
}

function operandsOf(expr: Record<string, unknown>, op: string): readonly unknown[] {
  const raw = expr[op];
  return Array.isArray(raw) ? raw : [raw];
}

/** Whether an expression's value can never be an array (json-logic falsy yet JS truthy). */
function neverArray(expr: unknown): boolean {
  if (!isOperation(expr)) return false;
  const op = Object.keys(expr)[0] as string;
  if (BOOLEAN_OPERATORS.has(op)) return true;
  if (op === "and" || op === "or") {
    const operands = operandsOf(expr, op);
    // An empty `and`/`or` gives undefined: still not an array, but keep to the plain case.
    return operands.length > 0 && operands.every(neverArray);
  }
  return false;
}

function flatten(expr: unknown, into: unknown[]): void {
  if (isOperation(expr) && Object.keys(expr)[0] === "and") {
    for (const operand of operandsOf(expr, "and")) flatten(operand, into);
  } else {
    into.push(expr);
  }
}

/**
 * The conjuncts that must all hold for the condition to match, in order, or undefined when
 * its outcome could depend on evaluation order or on array values.
 */
export function conjunctsOf(condition: unknown): unknown[] | undefined {
  if (!neverArray(condition)) return undefined;
  const all: unknown[] = [];
  flatten(condition, all);
  return all;
}
