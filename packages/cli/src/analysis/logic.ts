/**
 * Reading json-logic conditions as data: which variables they read, their top-level conjuncts,
 * and a short human rendering. Evaluation always goes through the engine's own compiler, so
 * the tools never disagree with a decision about what an expression means.
 */
import { internal } from "@decisioning/engine";

const { compileLogic } = internal;
type CompiledLogic = internal.CompiledLogic;

/** A json-logic operation: an object with exactly one key, the operator. */
export function isOperation(expr: unknown): expr is Record<string, unknown> {
  return typeof expr === "object" && expr !== null && !Array.isArray(expr) && Object.keys(expr).length === 1;
}

/** The operator of an operation, or undefined for data. */
export function operatorOf(expr: unknown): string | undefined {
  return isOperation(expr) ? Object.keys(expr)[0] : undefined;
}

/** The operands of an operation (a lone operand is a list of one, as json-logic reads it). */
export function operandsOf(expr: Record<string, unknown>): unknown[] {
  const op = Object.keys(expr)[0] as string;
  const raw = expr[op];
  return Array.isArray(raw) ? raw : [raw];
}

/** The variable path a `var` operation reads ("" is the whole data object). */
function varPath(expr: Record<string, unknown>): string | undefined {
  const [path] = operandsOf(expr);
  if (typeof path === "string") return path;
  if (typeof path === "number") return String(path);
  return path === undefined || path === null ? "" : undefined;
}

const varsCache = new WeakMap<object, string[]>();

/** Every variable path an expression reads, in first-read order, without duplicates (do not mutate the result). */
export function varsOf(expr: unknown): string[] {
  if (typeof expr !== "object" || expr === null) return [];
  let cached = varsCache.get(expr);
  if (!cached) {
    cached = collectVars(expr);
    varsCache.set(expr, cached);
  }
  return cached;
}

function collectVars(expr: unknown): string[] {
  const found = new Set<string>();
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) {
      for (const item of node) walk(item);
      return;
    }
    if (!isOperation(node)) return;
    if (operatorOf(node) === "var") {
      const path = varPath(node);
      if (path !== undefined) found.add(path);
    }
    for (const operand of operandsOf(node)) walk(operand);
  };
  walk(expr);
  return [...found];
}

/** The top-level conjuncts: nested `and`s flattened; a non-`and` condition is its own conjunct. */
export function conjunctsOf(expr: unknown): unknown[] {
  if (operatorOf(expr) !== "and") return [expr];
  return operandsOf(expr as Record<string, unknown>).flatMap(conjunctsOf);
}

/** True when an expression reads `allocation` and nothing else (a traffic split). */
export function isAllocationOnly(expr: unknown): boolean {
  const vars = varsOf(expr);
  return vars.length > 0 && vars.every((name) => name === "allocation");
}

/** True when an expression reads `allocation` anywhere. */
export function readsAllocation(expr: unknown): boolean {
  return varsOf(expr).includes("allocation");
}

const compiled = new WeakMap<object, CompiledLogic>();

/** Evaluate with the engine's compiler; compiled closures are kept per expression object. */
export function evaluate(expr: unknown, data: unknown): unknown {
  if (typeof expr !== "object" || expr === null) return compileLogic(expr)(data);
  let run = compiled.get(expr);
  if (!run) {
    run = compileLogic(expr);
    compiled.set(expr, run);
  }
  return run(data);
}

/** A stable text key for an expression: equal conditions written alike get equal keys. */
export function logicKey(expr: unknown): string {
  return JSON.stringify(expr, (_key, value: unknown) => {
    if (typeof value !== "object" || value === null || Array.isArray(value)) return value;
    const sorted: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) sorted[key] = (value as Record<string, unknown>)[key];
    return sorted;
  });
}

const INFIX = new Set(["==", "===", "!=", "!==", "<", "<=", ">", ">=", "in", "+", "-", "*", "/", "%"]);

/** Where an expression appears, which decides whether it needs parentheses. */
type Place = "top" | "logic" | "operand";

const renderCache = new WeakMap<object, string>();

/** A compact human rendering: `page.domain == "example.com" and allocation < 50`. */
export function renderLogic(expr: unknown, place: Place = "top"): string {
  if (place !== "top" || typeof expr !== "object" || expr === null) return render(expr, place);
  let text = renderCache.get(expr);
  if (text === undefined) {
    text = render(expr, place);
    renderCache.set(expr, text);
  }
  return text;
}

function render(expr: unknown, place: Place): string {
  if (Array.isArray(expr)) return `[${expr.map((item) => renderLogic(item)).join(", ")}]`;
  if (!isOperation(expr)) return JSON.stringify(expr) ?? "undefined";
  const op = operatorOf(expr) as string;
  const args = operandsOf(expr);
  if (op === "var") {
    const path = varPath(expr);
    const base = path === undefined ? `var(${renderLogic(args[0])})` : path === "" ? "data" : path;
    return args.length > 1 ? `${base} ?? ${renderLogic(args[1], "operand")}` : base;
  }
  if (op === "and" || op === "or") {
    const text = args.map((arg) => renderLogic(arg, "logic")).join(` ${op} `);
    return place === "top" ? text : `(${text})`;
  }
  if (op === "!") return `not ${renderLogic(args[0], "operand")}`;
  if (op === "!!") return `truthy ${renderLogic(args[0], "operand")}`;
  // Comparisons bind tighter than and/or, so they need parentheses only inside another comparison.
  const wrap = (text: string): string => (place === "operand" ? `(${text})` : text);
  if ((op === "<" || op === "<=") && args.length === 3) {
    return wrap(`${renderLogic(args[0], "operand")} ${op} ${renderLogic(args[1], "operand")} ${op} ${renderLogic(args[2], "operand")}`);
  }
  if (INFIX.has(op) && args.length === 2) return wrap(`${renderLogic(args[0], "operand")} ${op} ${renderLogic(args[1], "operand")}`);
  return `${op}(${args.map((arg) => renderLogic(arg)).join(", ")})`;
}
