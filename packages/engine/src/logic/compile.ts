/*
 * json-logic expressions compiled once into closures, with the exact semantics of the json-logic-js
 * copy bundled in @adobe/target-decisioning-engine 1.9.3 (json-logic-js 2.0.5 except that `reduce`
 * uses its third operand raw, unevaluated, as the initial accumulator).
 *
 * Deliberate departures from the reference, all on paths a rules artifact should never take:
 * - `log` returns its first operand without printing: a decisioning hot path must not write to a
 *   console, and the returned value is the same.
 * - `method` is not an operator in that json-logic-js (it was removed in 2.0), so it fails with
 *   "Unrecognized operation method" exactly like the reference. Nothing here ever calls a function
 *   found in data or in the expression, so an artifact cannot reach `Function`.
 * - Expressions nested deeper than MAX_LOGIC_DEPTH evaluate to an error instead of recursing until
 *   the stack runs out; this also turns cyclic expressions into that error.
 * - Operators with more operands than the engine's argument limit (tens of thousands) work here,
 *   where the reference's `Function.prototype.apply` throws a RangeError.
 * - Error messages the reference gets from V8 naming its own variables ("b.indexOf is not a
 *   function", "operation.apply is not a function") are reproduced as V8 words them.
 * The expression is read once, at compile time: mutating it afterwards does not change the closure.
 */

/** A compiled condition: evaluates against a data object. */
export type CompiledLogic = (data: unknown) => unknown;

/** Deepest nesting of arrays and operator objects accepted; deeper expressions evaluate to an error. */
export const MAX_LOGIC_DEPTH = 200;

type Node = {
  readonly run: CompiledLogic;
  /**
   * Set when the node reads no data and evaluates without throwing: the value of one evaluation.
   * Arrays in it belong to the compiler and serve only as read-only operands, never as results,
   * because the reference hands out a fresh array on every evaluation.
   */
  readonly known?: { readonly value: unknown };
};

type Impl = (args: readonly unknown[], data: unknown) => unknown;

type Resolved = { readonly name: string } | { readonly fail: () => Error };

class DepthExceeded extends Error {}

const depthMessage = `Logic expression nests deeper than ${MAX_LOGIC_DEPTH} levels`;

/** Truthiness exactly as json-logic-js defines it (empty array is falsy). */
export function truthy(value: unknown): boolean {
  return Array.isArray(value) ? value.length !== 0 : !!value;
}

/** Compile a json-logic expression once into a closure with json-logic-js semantics. */
export function compileLogic(expr: unknown): CompiledLogic {
  try {
    return build(expr, 0).run;
  } catch (error) {
    if (!(error instanceof DepthExceeded)) throw error;
    return () => {
      throw new Error(depthMessage);
    };
  }
}

/** Names of operators used by an expression that compileLogic does not know (for validation). */
export function unknownOperators(expr: unknown): string[] {
  return scan(expr).unknown;
}

/** Human-readable problems that make an expression fail at evaluation: unknown operators, too-deep nesting. */
export function logicProblems(expr: unknown): string[] {
  const { unknown, tooDeep } = scan(expr);
  const problems = unknown.map((op) => `Unrecognized operation ${JSON.stringify(op)}`);
  if (tooDeep) problems.push(depthMessage);
  return problems;
}

function isLogic(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value) && Object.keys(value).length === 1;
}

function isObjectLike(value: unknown): value is object {
  return (typeof value === "object" && value !== null) || typeof value === "function";
}

function constNode(value: unknown): Node {
  return { run: () => value, known: { value } };
}

const UNDEFINED_NODE = constNode(undefined);
const NULL_NODE = constNode(null);

function primitiveKnown(node: Node): boolean {
  return node.known !== undefined && !isObjectLike(node.known.value);
}

/** Evaluates a pure node once so later evaluations skip the work; a throw stays a runtime throw. */
function fold(run: CompiledLogic): Node {
  let value: unknown;
  try {
    value = run(undefined);
  } catch {
    return { run };
  }
  return isObjectLike(value) ? { run, known: { value } } : constNode(value);
}

const SCOPED = new Set(["filter", "map", "reduce", "all", "none", "some"]);

function operandsOf(expr: Record<string, unknown>, op: string): readonly unknown[] {
  const raw = expr[op];
  return Array.isArray(raw) ? raw : [raw];
}

function build(expr: unknown, depth: number): Node {
  if (Array.isArray(expr)) return buildArray(expr, depth + 1);
  if (!isLogic(expr)) return isObjectLike(expr) ? { run: () => expr, known: { value: expr } } : constNode(expr);
  if (depth + 1 > MAX_LOGIC_DEPTH) throw new DepthExceeded();
  const op = Object.keys(expr)[0] as string;
  const operands = operandsOf(expr, op);
  const at = (i: number): Node => build(operands[i], depth + 1);
  if (SCOPED.has(op)) return buildScoped(op, at(0), at(1), operands[2]);
  const nodes: Node[] = [];
  // An index loop rather than map: holes in the operand list reach operators as undefined.
  for (let i = 0; i < operands.length; i++) nodes.push(at(i));
  if (op === "if" || op === "?:") return buildIf(nodes);
  if (op === "and" || op === "or") return buildAndOr(op === "and", nodes);
  return buildEager(resolveOperation(op), nodes);
}

function buildArray(items: readonly unknown[], depth: number): Node {
  if (depth > MAX_LOGIC_DEPTH) throw new DepthExceeded();
  const n = items.length;
  const nodes: Node[] = [];
  const present: number[] = [];
  for (let i = 0; i < n; i++) {
    if (!(i in items)) continue;
    nodes.push(build(items[i], depth));
    present.push(i);
  }
  const runs = nodes.map((node) => node.run);
  let run: CompiledLogic;
  if (present.length < n) {
    // Array.prototype.map keeps holes, and `in`/indexOf can tell a hole from undefined.
    run = (data) => {
      const out = new Array<unknown>(n);
      for (let j = 0; j < present.length; j++) out[present[j] as number] = (runs[j] as CompiledLogic)(data);
      return out;
    };
  } else {
    run = (data) => {
      const out = new Array<unknown>(n);
      for (let i = 0; i < n; i++) out[i] = (runs[i] as CompiledLogic)(data);
      return out;
    };
  }
  return nodes.every((node) => node.known !== undefined) ? fold(run) : { run };
}

function buildIf(nodes: readonly Node[]): Node {
  const conds: Node[] = [];
  const thens: Node[] = [];
  let otherwise: Node = NULL_NODE;
  let i = 0;
  for (; i < nodes.length - 1; i += 2) {
    const cond = nodes[i] as Node;
    const then = nodes[i + 1] as Node;
    if (cond.known !== undefined) {
      // A known condition decides statically: unreachable branches are never evaluated anyway.
      if (truthy(cond.known.value)) {
        otherwise = then;
        break;
      }
      continue;
    }
    conds.push(cond);
    thens.push(then);
  }
  if (i < nodes.length - 1) i = nodes.length; // stopped at a known-true condition
  if (nodes.length === i + 1) otherwise = nodes[i] as Node;
  if (conds.length === 0) return otherwise;
  const e = otherwise.run;
  if (conds.length === 1) {
    const c = (conds[0] as Node).run;
    const t = (thens[0] as Node).run;
    return { run: (data) => (truthy(c(data)) ? t(data) : e(data)) };
  }
  const cs = conds.map((node) => node.run);
  const ts = thens.map((node) => node.run);
  return {
    run: (data) => {
      for (let j = 0; j < cs.length; j++) {
        if (truthy((cs[j] as CompiledLogic)(data))) return (ts[j] as CompiledLogic)(data);
      }
      return e(data);
    },
  };
}

/** `and` returns the first falsy operand or the last; `or` the first truthy or the last. */
function buildAndOr(isAnd: boolean, nodes: readonly Node[]): Node {
  const kept: Node[] = [];
  for (let i = 0; i < nodes.length; i++) {
    const node = nodes[i] as Node;
    const last = i === nodes.length - 1;
    if (node.known !== undefined && !last) {
      if (truthy(node.known.value) !== isAnd) {
        kept.push(node);
        break;
      }
      continue;
    }
    kept.push(node);
  }
  if (kept.length === 0) return UNDEFINED_NODE;
  if (kept.length === 1) return kept[0] as Node;
  const runs = kept.map((node) => node.run);
  if (runs.length === 2) {
    const a = runs[0] as CompiledLogic;
    const b = runs[1] as CompiledLogic;
    return {
      run: isAnd
        ? (data) => {
            const first = a(data);
            return truthy(first) ? b(data) : first;
          }
        : (data) => {
            const first = a(data);
            return truthy(first) ? first : b(data);
          },
    };
  }
  return {
    run: (data) => {
      let current: unknown;
      for (let i = 0; i < runs.length; i++) {
        current = (runs[i] as CompiledLogic)(data);
        if (truthy(current) !== isAnd) return current;
      }
      return current;
    },
  };
}

function buildScoped(op: string, source: Node, body: Node, rawInitial: unknown): Node {
  const items = source.run;
  const f = body.run;
  let run: CompiledLogic;
  switch (op) {
    case "filter":
      run = (data) => {
        const list = items(data);
        return Array.isArray(list) ? list.filter((item) => truthy(f(item))) : [];
      };
      break;
    case "map":
      run = (data) => {
        const list = items(data);
        return Array.isArray(list) ? list.map((item) => f(item)) : [];
      };
      break;
    case "reduce": {
      // The bundled json-logic-js uses the third operand as written, without evaluating it.
      const initial = rawInitial !== undefined ? rawInitial : null;
      run = (data) => {
        const list = items(data);
        if (!Array.isArray(list)) return initial;
        return list.reduce((accumulator: unknown, current: unknown) => f({ current, accumulator }), initial);
      };
      break;
    }
    case "all":
      run = (data) => {
        const list = items(data);
        if (!Array.isArray(list) || list.length === 0) return false;
        for (let i = 0; i < list.length; i++) if (!truthy(f(list[i]))) return false;
        return true;
      };
      break;
    case "none":
      run = (data) => {
        const list = items(data);
        if (!Array.isArray(list) || list.length === 0) return true;
        for (let i = 0; i < list.length; i++) if (truthy(f(list[i]))) return false;
        return true;
      };
      break;
    default: // some
      run = (data) => {
        const list = items(data);
        if (!Array.isArray(list) || list.length === 0) return false;
        for (let i = 0; i < list.length; i++) if (truthy(f(list[i]))) return true;
        return false;
      };
  }
  // The body sees only elements of the source, so a known source makes the whole result known.
  return source.known !== undefined ? fold(run) : { run };
}

// ---------------------------------------------------------------------------------------------
// Eagerly evaluated operators: every operand is evaluated, in order, before the operator runs.

let emptyReduceMessage: string | undefined;

function emptyReduceError(): TypeError {
  if (emptyReduceMessage === undefined) {
    // The reference's message comes from the engine's own Array.prototype.reduce; ask the engine.
    try {
      ([] as unknown[]).reduce((x) => x);
      emptyReduceMessage = "Reduce of empty array with no initial value";
    } catch (error) {
      emptyReduceMessage = (error as Error).message;
    }
  }
  return new TypeError(emptyReduceMessage);
}

function lt(a: unknown, b: unknown, c: unknown, orEqual: boolean): boolean {
  const x = a as number;
  const y = b as number;
  if (c === undefined) return orEqual ? x <= y : x < y;
  return orEqual ? x <= y && y <= (c as number) : x < y && y < (c as number);
}

function inOp(a: unknown, b: unknown): boolean {
  if (!b) return false;
  if (typeof b === "string") return b.indexOf(a as string) !== -1;
  if (Array.isArray(b)) return b.indexOf(a) !== -1;
  const indexOf = (b as { indexOf?: unknown }).indexOf;
  if (indexOf === undefined) return false;
  if (typeof indexOf !== "function") throw new TypeError("b.indexOf is not a function");
  // Objects reached through data (a String object, Array.prototype via "constructor.prototype"): the
  // reference calls their indexOf too, and none reachable from JSON data can do more than search.
  return (indexOf as (this: unknown, x: unknown) => number).call(b, a) !== -1;
}

function substrOp(source: unknown, start: unknown, end: unknown): string {
  const s = String(source);
  if ((end as number) < 0) {
    // Negative length counts from the end, as PHP does.
    const tail = s.substr(start as number);
    return tail.substr(0, tail.length + (end as number));
  }
  return s.substr(start as number, end as number);
}

function plus(args: readonly unknown[]): number {
  // parseFloat of the running sum is an identity here: the sum starts at +0 and cannot become -0.
  let sum = 0;
  for (let i = 0; i < args.length; i++) sum = sum + parseFloat(args[i] as string);
  return sum;
}

function times(args: readonly unknown[]): unknown {
  if (args.length === 0) throw emptyReduceError();
  if (args.length === 1) return args[0];
  let product = parseFloat(args[0] as string) * parseFloat(args[1] as string);
  // The reference reparses the running product, which turns -0 into +0.
  for (let i = 2; i < args.length; i++) product = (product === 0 ? 0 : product) * parseFloat(args[i] as string);
  return product;
}

function extreme(args: readonly unknown[], isMin: boolean): number {
  // Pairwise Math.min/max coerces every operand in order, like one call with all of them.
  let result = isMin ? Infinity : -Infinity;
  for (let i = 0; i < args.length; i++) {
    result = isMin ? Math.min(result, args[i] as number) : Math.max(result, args[i] as number);
  }
  return result;
}

function merge(args: readonly unknown[]): unknown[] {
  let out: unknown[] = [];
  for (let i = 0; i < args.length; i++) out = out.concat(args[i]);
  return out;
}

function walk(data: unknown, parts: readonly string[], notFound: unknown): unknown {
  let current = data;
  for (let i = 0; i < parts.length; i++) {
    if (current === null || current === undefined) return notFound;
    current = (current as Record<string, unknown>)[parts[i] as string];
    if (current === undefined) return notFound;
  }
  return current;
}

function varOp(data: unknown, path: unknown, fallback: unknown): unknown {
  const notFound = fallback === undefined ? null : fallback;
  if (path === undefined || path === "" || path === null) return data;
  return walk(data, String(path).split("."), notFound);
}

/** json-logic-js `apply` on a value produced at evaluation time (missing keys are applied again). */
function applyValue(value: unknown, data: unknown): unknown {
  return isObjectLike(value) ? compileLogic(value)(data) : value;
}

/** json-logic-js `apply({"var": key}, data)`. */
function varOfKey(key: unknown, data: unknown): unknown {
  if (!Array.isArray(key)) return varOp(data, applyValue(key, data), undefined);
  const args = key.map((item) => applyValue(item, data));
  return varOp(data, args[0], args[1]);
}

function missingOp(args: readonly unknown[], data: unknown): unknown[] {
  const first = args[0];
  const keys: readonly unknown[] = Array.isArray(first) ? first : args;
  const missing: unknown[] = [];
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i];
    const value = varOfKey(key, data);
    if (value === null || value === "") missing.push(key);
  }
  return missing;
}

function missingSomeOp(need: unknown, options: unknown, data: unknown): unknown[] {
  // The reference applies {"missing": options}, so the option list is evaluated a second time.
  const operands: readonly unknown[] = Array.isArray(options) ? options : [options];
  const missing = missingOp(
    operands.map((item) => applyValue(item, data)),
    data,
  );
  if ((options as { length: number }).length - missing.length >= (need as number)) return [];
  return missing;
}

const OPS = new Map<string, Impl>([
  ["==", (a) => a[0] == a[1]],
  ["===", (a) => a[0] === a[1]],
  ["!=", (a) => a[0] != a[1]],
  ["!==", (a) => a[0] !== a[1]],
  [">", (a) => (a[0] as number) > (a[1] as number)],
  [">=", (a) => (a[0] as number) >= (a[1] as number)],
  ["<", (a) => lt(a[0], a[1], a[2], false)],
  ["<=", (a) => lt(a[0], a[1], a[2], true)],
  ["!!", (a) => truthy(a[0])],
  ["!", (a) => !truthy(a[0])],
  ["%", (a) => (a[0] as number) % (a[1] as number)],
  ["log", (a) => a[0]],
  ["in", (a) => inOp(a[0], a[1])],
  ["cat", (a) => a.join("")],
  ["substr", (a) => substrOp(a[0], a[1], a[2])],
  ["+", (a) => plus(a)],
  ["*", (a) => times(a)],
  ["-", (a) => (a[1] === undefined ? -(a[0] as number) : (a[0] as number) - (a[1] as number))],
  ["/", (a) => (a[0] as number) / (a[1] as number)],
  ["min", (a) => extreme(a, true)],
  ["max", (a) => extreme(a, false)],
  ["merge", (a) => merge(a)],
  ["var", (a, data) => varOp(data, a[0], a[1])],
  ["missing", (a, data) => missingOp(a, data)],
  ["missing_some", (a, data) => missingSomeOp(a[0], a[1], data)],
]);

const READS_DATA = new Set(["var", "missing", "missing_some"]);

/** Operands a fixed-arity operator uses; `+` and `*` are variadic and specialised only up to two. */
const ARITY: Readonly<Record<string, number>> = {
  "==": 2,
  "===": 2,
  "!=": 2,
  "!==": 2,
  ">": 2,
  ">=": 2,
  "<": 3,
  "<=": 3,
  "!!": 1,
  "!": 1,
  "%": 2,
  log: 1,
  in: 2,
  "-": 2,
  "/": 2,
  var: 2,
};

/**
 * The reference looks an operator up with hasOwnProperty on its table and, for dotted names, walks
 * own properties from there: each operator is a strict-mode function expression (own `length`,
 * `name` = the operator, `prototype` whose own `constructor` leads back to it), so e.g.
 * "var.prototype.constructor" is var and "var.length" is a number that cannot be applied.
 */
type Cursor =
  | { readonly kind: "table" }
  | { readonly kind: "fn"; readonly name: string }
  | { readonly kind: "proto"; readonly name: string }
  | { readonly kind: "value"; readonly value: string | number };

function step(cursor: Cursor, key: string): Cursor | undefined {
  switch (cursor.kind) {
    case "table":
      return OPS.has(key) ? { kind: "fn", name: key } : undefined;
    case "fn":
      if (key === "length") return { kind: "value", value: 0 };
      if (key === "name") return { kind: "value", value: cursor.name };
      if (key === "prototype") return { kind: "proto", name: cursor.name };
      return undefined;
    case "proto":
      return key === "constructor" ? { kind: "fn", name: cursor.name } : undefined;
    default:
      if (typeof cursor.value !== "string" || !Object.prototype.hasOwnProperty.call(cursor.value, key)) return undefined;
      return { kind: "value", value: (cursor.value as unknown as Record<string, string | number>)[key] as string | number };
  }
}

function resolveOperation(op: string): Resolved {
  if (OPS.has(op)) return { name: op };
  if (op.indexOf(".") > 0) {
    const parts = op.split(".");
    let cursor: Cursor = { kind: "table" };
    for (let i = 0; i < parts.length; i++) {
      const next = step(cursor, parts[i] as string);
      if (next === undefined) {
        const failedAt = parts.slice(0, i + 1).join(".");
        return { fail: () => new Error(`Unrecognized operation ${op} (failed at ${failedAt})`) };
      }
      cursor = next;
    }
    if (cursor.kind === "fn") return { name: cursor.name };
    return { fail: () => new TypeError("operation.apply is not a function") };
  }
  return { fail: () => new Error(`Unrecognized operation ${op}`) };
}

function buildEager(resolved: Resolved, nodes: readonly Node[]): Node {
  const runs = nodes.map((node) => node.run);
  const all = (data: unknown): unknown[] => {
    const out = new Array<unknown>(runs.length);
    for (let i = 0; i < runs.length; i++) out[i] = (runs[i] as CompiledLogic)(data);
    return out;
  };
  if ("fail" in resolved) {
    const fail = resolved.fail;
    return {
      run: (data) => {
        all(data);
        throw fail();
      },
    };
  }
  const name = resolved.name;
  const impl = OPS.get(name) as Impl;
  const arity = ARITY[name];
  // Operands past an operator's arity are still evaluated, for their errors; known ones cannot throw.
  const fits = arity !== undefined ? nodes.slice(arity).every((node) => node.known !== undefined) : (name === "+" || name === "*") && nodes.length <= 2;
  const special = fits ? specialise(name, nodes) : name === "missing" ? buildMissing(nodes) : undefined;
  const node: Node = special ?? { run: (data) => impl(all(data), data) };
  if (node.known !== undefined || READS_DATA.has(name)) return node;
  return nodes.every((n) => n.known !== undefined) ? fold(node.run) : node;
}

function specialise(name: string, nodes: readonly Node[]): Node | undefined {
  const n0 = nodes[0] ?? UNDEFINED_NODE;
  const n1 = nodes[1] ?? UNDEFINED_NODE;
  const a = n0.run;
  const b = n1.run;
  switch (name) {
    case "==":
    case "===":
    case "!=":
    case "!==":
    case ">":
    case ">=":
      return { run: compare(name, n0, n1) };
    case "<":
    case "<=": {
      const n2 = nodes[2] ?? UNDEFINED_NODE;
      if (n2.known !== undefined && n2.known.value === undefined) return { run: compare(name, n0, n1) };
      return { run: between(name === "<=", n0, n1, n2) };
    }
    case "!":
      return { run: (data) => !truthy(a(data)) };
    case "!!":
      return { run: (data) => truthy(a(data)) };
    case "log":
      return n0;
    case "in":
      return { run: buildIn(n0, n1) };
    case "%":
      return { run: (data) => (a(data) as number) % (b(data) as number) };
    case "/":
      return { run: (data) => (a(data) as number) / (b(data) as number) };
    case "-":
      if (nodes.length <= 1) return { run: (data) => -(a(data) as number) };
      return {
        run: (data) => {
          const x = a(data);
          const y = b(data);
          return y === undefined ? -(x as number) : (x as number) - (y as number);
        },
      };
    case "+":
      if (nodes.length === 0) return constNode(0);
      if (nodes.length === 1) return { run: (data) => 0 + parseFloat(a(data) as string) };
      return {
        run: (data) => {
          const x = a(data);
          const y = b(data);
          return 0 + parseFloat(x as string) + parseFloat(y as string);
        },
      };
    case "*":
      if (nodes.length === 0) return undefined;
      if (nodes.length === 1) return n0;
      return {
        run: (data) => {
          const x = a(data);
          const y = b(data);
          return parseFloat(x as string) * parseFloat(y as string);
        },
      };
    case "var":
      return buildVar(n0, n1);
    default:
      return undefined;
  }
}

/** `missing` with literal keys: the paths are split once. */
function buildMissing(nodes: readonly Node[]): Node | undefined {
  if (!nodes.every((node) => node.known !== undefined)) return undefined;
  const values = nodes.map((node) => node.known?.value);
  const first = values[0];
  const keys: readonly unknown[] = Array.isArray(first) ? first : values;
  const paths: (readonly string[] | undefined)[] = [];
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i];
    // Object keys get applied as logic again at evaluation time; leave those to the generic path.
    if (isObjectLike(key)) return undefined;
    paths.push(key === undefined || key === "" || key === null ? undefined : String(key).split("."));
  }
  return {
    run: (data) => {
      const missing: unknown[] = [];
      for (let i = 0; i < paths.length; i++) {
        const parts = paths[i];
        const value = parts === undefined ? data : walk(data, parts, null);
        if (value === null || value === "") missing.push(keys[i]);
      }
      return missing;
    },
  };
}

function compare(name: string, n0: Node, n1: Node): CompiledLogic {
  const a = n0.run;
  const b = n1.run;
  if (primitiveKnown(n1)) {
    const c = n1.known?.value;
    switch (name) {
      case "==":
        return (data) => a(data) == c;
      case "===":
        return (data) => a(data) === c;
      case "!=":
        return (data) => a(data) != c;
      case "!==":
        return (data) => a(data) !== c;
      case ">":
        return (data) => (a(data) as number) > (c as number);
      case ">=":
        return (data) => (a(data) as number) >= (c as number);
      case "<":
        return (data) => (a(data) as number) < (c as number);
      default:
        return (data) => (a(data) as number) <= (c as number);
    }
  }
  if (primitiveKnown(n0)) {
    const c = n0.known?.value;
    switch (name) {
      case "==":
        return (data) => c == b(data);
      case "===":
        return (data) => c === b(data);
      case "!=":
        return (data) => c != b(data);
      case "!==":
        return (data) => c !== b(data);
      case ">":
        return (data) => (c as number) > (b(data) as number);
      case ">=":
        return (data) => (c as number) >= (b(data) as number);
      case "<":
        return (data) => (c as number) < (b(data) as number);
      default:
        return (data) => (c as number) <= (b(data) as number);
    }
  }
  switch (name) {
    case "==":
      return (data) => a(data) == b(data);
    case "===":
      return (data) => a(data) === b(data);
    case "!=":
      return (data) => a(data) != b(data);
    case "!==":
      return (data) => a(data) !== b(data);
    case ">":
      return (data) => (a(data) as number) > (b(data) as number);
    case ">=":
      return (data) => (a(data) as number) >= (b(data) as number);
    case "<":
      return (data) => (a(data) as number) < (b(data) as number);
    default:
      return (data) => (a(data) as number) <= (b(data) as number);
  }
}

/** Three-operand `<`/`<=`: a range check, the usual shape of time-window conditions. */
function between(orEqual: boolean, n0: Node, n1: Node, n2: Node): CompiledLogic {
  const a = n0.run;
  const b = n1.run;
  const c = n2.run;
  if (primitiveKnown(n0) && primitiveKnown(n2)) {
    const low = n0.known?.value as number;
    const high = n2.known?.value as number;
    return orEqual
      ? (data) => {
          const y = b(data) as number;
          return low <= y && y <= high;
        }
      : (data) => {
          const y = b(data) as number;
          return low < y && y < high;
        };
  }
  return (data) => {
    const x = a(data);
    const y = b(data);
    return lt(x, y, c(data), orEqual);
  };
}

function buildIn(n0: Node, n1: Node): CompiledLogic {
  const a = n0.run;
  const b = n1.run;
  if (n1.known !== undefined) {
    const haystack = n1.known.value;
    if (!haystack) return (data) => (a(data), false);
    if (typeof haystack === "string") return (data) => haystack.indexOf(a(data) as string) !== -1;
    if (Array.isArray(haystack)) {
      if (haystack.length > 8 && haystack.every((item) => !isObjectLike(item))) {
        // A Set answers like indexOf (===) for primitives except NaN, which indexOf never finds.
        const set = new Set<unknown>(haystack);
        return (data) => {
          const x = a(data);
          return x === x && set.has(x);
        };
      }
      return (data) => haystack.indexOf(a(data)) !== -1;
    }
  }
  if (primitiveKnown(n0)) {
    const needle = n0.known?.value;
    return (data) => {
      const haystack = b(data);
      if (typeof haystack === "string" && haystack !== "") return haystack.indexOf(needle as string) !== -1;
      return inOp(needle, haystack);
    };
  }
  return (data) => inOp(a(data), b(data));
}

function buildVar(n0: Node, n1: Node): Node | undefined {
  if (n0.known === undefined) {
    const a = n0.run;
    const b = n1.run;
    // Computed paths usually repeat, so remember the last split.
    let lastPath: string | undefined;
    let lastParts: readonly string[] = [];
    return {
      run: (data) => {
        const path = a(data);
        const fallback = b(data);
        if (typeof path !== "string" || path === "") return varOp(data, path, fallback);
        if (path !== lastPath) {
          lastParts = path.split(".");
          lastPath = path;
        }
        return walk(data, lastParts, fallback === undefined ? null : fallback);
      },
    };
  }
  const path = n0.known.value;
  if (path === undefined || path === "" || path === null) {
    if (n1.known !== undefined) return { run: (data) => data };
    const b = n1.run;
    return { run: (data) => (b(data), data) };
  }
  let parts: readonly string[];
  try {
    parts = String(path).split(".");
  } catch {
    return undefined; // the generic closure reproduces the conversion error at evaluation
  }
  if (!primitiveKnown(n1)) {
    const b = n1.run;
    return {
      run: (data) => {
        const fallback = b(data);
        return walk(data, parts, fallback === undefined ? null : fallback);
      },
    };
  }
  const fallback = n1.known?.value;
  const nf = fallback === undefined ? null : fallback;
  const p0 = parts[0] as string;
  const p1 = parts[1] as string;
  const p2 = parts[2] as string;
  switch (parts.length) {
    case 1:
      return {
        run: (data) => {
          if (data === null || data === undefined) return nf;
          const v = (data as Record<string, unknown>)[p0];
          return v === undefined ? nf : v;
        },
      };
    case 2:
      return {
        run: (data) => {
          if (data === null || data === undefined) return nf;
          const v = (data as Record<string, unknown>)[p0];
          if (v === null || v === undefined) return nf;
          const w = (v as Record<string, unknown>)[p1];
          return w === undefined ? nf : w;
        },
      };
    case 3:
      return {
        run: (data) => {
          if (data === null || data === undefined) return nf;
          const v = (data as Record<string, unknown>)[p0];
          if (v === null || v === undefined) return nf;
          const w = (v as Record<string, unknown>)[p1];
          if (w === null || w === undefined) return nf;
          const x = (w as Record<string, unknown>)[p2];
          return x === undefined ? nf : x;
        },
      };
    default:
      return { run: (data) => walk(data, parts, nf) };
  }
}

// ---------------------------------------------------------------------------------------------
// Static validation, walking exactly the positions build() compiles.

function scan(expr: unknown): { unknown: string[]; tooDeep: boolean } {
  const unknown = new Set<string>();
  let tooDeep = false;
  const visit = (value: unknown, depth: number): void => {
    if (tooDeep) return;
    if (Array.isArray(value)) {
      if (depth + 1 > MAX_LOGIC_DEPTH) {
        tooDeep = true;
        return;
      }
      for (let i = 0; i < value.length; i++) if (i in value) visit(value[i], depth + 1);
      return;
    }
    if (!isLogic(value)) return;
    if (depth + 1 > MAX_LOGIC_DEPTH) {
      tooDeep = true;
      return;
    }
    const op = Object.keys(value)[0] as string;
    const operands = operandsOf(value, op);
    const scoped = SCOPED.has(op);
    const count = scoped ? 2 : operands.length;
    const special = scoped || op === "if" || op === "?:" || op === "and" || op === "or";
    if (!special && "fail" in resolveOperation(op)) unknown.add(op);
    for (let i = 0; i < count; i++) visit(operands[i], depth + 1);
  };
  visit(expr, 0);
  return { unknown: [...unknown], tooDeep };
}
