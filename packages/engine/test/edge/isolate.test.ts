import * as esbuild from "esbuild";
import { describe, expect, it } from "vitest";
import { repoPath, type EdgeAnswer } from "../../../../scripts/edge/kit/cases.mjs";
import { createEdgeIsolate, runInIsolate } from "../../../../scripts/edge/kit/isolate.mjs";
import { BUILT, nodeAnswers, type Flavour } from "./kit/node-answers.js";

// Vercel-style edge functions run in V8 contexts with web-standard globals and no code
// generation from strings. This runs the built bundles in exactly such a context, set up here
// with node:vm, so that a hidden use of a Node global or of eval fails the run.
const { cases, answers } = await nodeAnswers();

/** The bundle and the shared case runner as one classic script that sets `globalThis.decideAll`. */
async function isolateScript(bundle: string): Promise<string> {
  const result = await esbuild.build({
    stdin: {
      contents: [
        `import * as engine from ${JSON.stringify(repoPath(bundle))};`,
        `import { decideCases } from ${JSON.stringify(repoPath("packages/engine/test/edge/runtime/decide-case.js"))};`,
        // JSON out, so the host compares plain values and not objects of another realm.
        "globalThis.decideAll = (payload) => decideCases(engine, JSON.parse(payload)).then((answers) => JSON.stringify(answers));",
      ].join("\n"),
      resolveDir: repoPath(""),
      loader: "js",
    },
    bundle: true,
    format: "iife",
    platform: "neutral",
    write: false,
    logLevel: "silent",
  });
  return result.outputFiles[0]!.text;
}

async function decideInIsolate(bundle: string): Promise<EdgeAnswer[]> {
  const isolate = createEdgeIsolate();
  runInIsolate(isolate, await isolateScript(bundle), bundle);
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
    expect(runInIsolate(isolate, "[typeof process, typeof Buffer, typeof require, typeof setImmediate].join()", "probe")).toBe("undefined,undefined,undefined,undefined");
    expect(() => runInIsolate(isolate, "new Function('return 1')()", "probe")).toThrow(/Code generation from strings disallowed/);
  });

  it("decides every conformance and fixture request that needs no geo lookup", () => {
    expect(cases.cases.length).toBeGreaterThanOrEqual(39);
    expect(inIsolate.full.map((a) => a.key)).toEqual(cases.cases.map((c) => c.key));
  });

  describe.each(["full", "lean"] as const)("the %s bundle", (flavour) => {
    it.each(cases.cases.map((c, i) => [c.key, i] as const))("answers %s exactly as Node does", (_key, i) => {
      expect(inIsolate[flavour][i]).toEqual(answers[flavour][i]);
    });
  });
});
