import { createRequire } from "node:module";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compileLogic } from "../../src/logic/compile.js";

// json-logic-js 2.0.5, the package that defines condition semantics. The compiler follows the
// copy bundled in Adobe's engine, which differs from 2.0.5 only in `reduce`'s initial value,
// so `reduce` is left out here (compile.test.ts covers it against the bundled copy).
const require = createRequire(import.meta.url);
const jsonLogic = require("json-logic-js") as { apply(logic: unknown, data?: unknown): unknown };

const path = fc.constantFrom("a", "b", "a.b", "list", "s", "n", "missing.deep", "");
const leaf = fc.oneof(fc.integer({ min: -5, max: 5 }), fc.constantFrom("x", "X", "", "10", "ab"), fc.boolean(), fc.constant(null));
const expression = fc.letrec((tie) => ({
  expr: fc.oneof(
    { depthSize: "small" },
    leaf,
    path.map((p) => ({ var: p })),
    fc
      .tuple(
        fc.constantFrom(
          "==",
          "!=",
          "===",
          "!==",
          "<",
          "<=",
          ">",
          ">=",
          "in",
          "+",
          "-",
          "*",
          "/",
          "%",
          "cat",
          "min",
          "max",
          "and",
          "or",
          "if",
          "substr",
          "merge",
        ),
        fc.array(tie("expr"), { minLength: 1, maxLength: 3 }),
      )
      .map(([op, args]) => ({ [op]: args })),
    tie("expr").map((e) => ({ "!": [e] })),
    tie("expr").map((e) => ({ "!!": [e] })),
  ),
})).expr;
const data = fc.record({
  a: fc.oneof(leaf, fc.record({ b: leaf })),
  b: leaf,
  list: fc.array(leaf, { maxLength: 4 }),
  s: fc.string({ maxLength: 6 }),
  n: fc.integer(),
});

function outcome(run: () => unknown): { value?: unknown; error?: string } {
  try {
    return { value: run() };
  } catch (error) {
    return { error: (error as Error).message };
  }
}

describe("compileLogic against json-logic-js 2.0.5", () => {
  it("gives the same results as jsonLogic.apply on random expressions", () => {
    fc.assert(
      fc.property(expression, data, (expr, input) => {
        const ours = outcome(() => compileLogic(expr)(input));
        const theirs = outcome(() => jsonLogic.apply(expr, input));
        if (theirs.error !== undefined) expect(ours.error).toBeDefined();
        else expect(ours).toEqual(theirs);
      }),
      { numRuns: 5000 },
    );
  });
});
