import { describe, expect, it } from "vitest";
import type { EdgeAnswer } from "../../../../scripts/edge/kit/cases.js";
import { decideAllScript } from "./kit/classic-script.js";
import { createEdgeIsolate, runInIsolate } from "../../../../scripts/edge/kit/isolate.js";
import { BUILT, nodeAnswers, type Flavour } from "./kit/node-answers.js";

// Vercel-style edge functions run in V8 contexts with web-standard globals and no code
// generation from strings. This runs the built bundles in exactly such a context, set up here
// with node:vm, so that a hidden use of a Node global or of eval fails the run.
const { cases, answers } = await nodeAnswers();

async function decideInIsolate(bundle: string): Promise<EdgeAnswer[]> {
  const isolate = createEdgeIsolate();
  runInIsolate(isolate, await decideAllScript(bundle), bundle);
  const decideAll = runInIsolate(isolate, "globalThis.decideAll", "get") as (payload: string) => Promise<string>;
  return JSON.parse(await decideAll(JSON.stringify(cases))) as EdgeAnswer[];
}

const inIsolate: Record<Flavour, EdgeAnswer[]> = {
  full: await decideInIsolate(BUILT.bundleFull),
  lean: await decideInIsolate(BUILT.bundleLean),
};

describe("the bundled engine in a Vercel-style edge isolate (web globals only, no eval)", () => {
  it("is an isolate without Node's globals and with code generation from strings disabled", () => {
    const isolate = createEdgeIsolate();
    expect(runInIsolate(isolate, "[typeof process, typeof Buffer, typeof require, typeof setImmediate].join()", "probe")).toBe(
      "undefined,undefined,undefined,undefined",
    );
    expect(() => runInIsolate(isolate, "new Function('return 1')()", "probe")).toThrow(/Code generation from strings disallowed/);
  });

  it("decides every conformance and fixture request that needs no geo lookup", () => {
    expect(cases.cases.length).toBeGreaterThanOrEqual(39 + 65);
    expect(inIsolate.full.map((a) => a.key)).toEqual(cases.cases.map((c) => c.key));
  });

  describe.each(["full", "lean"] as const)("the %s bundle", (flavour) => {
    it.each(cases.cases.map((c, i) => [c.key, i] as const))("answers %s exactly as Node does", (_key, i) => {
      expect(inIsolate[flavour][i]).toEqual(answers[flavour][i]);
    });
  });
});
