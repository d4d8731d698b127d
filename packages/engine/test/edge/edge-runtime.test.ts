import { EdgeRuntime } from "edge-runtime";
import { describe, expect, it } from "vitest";
import type { EdgeAnswer } from "../../../../scripts/edge/kit/cases.js";
import { decideAllScript } from "./kit/classic-script.js";
import { BUILT, nodeAnswers, type Flavour } from "./kit/node-answers.js";

// Vercel's own Edge Runtime (the `edge-runtime` package that `vercel dev` and Next.js use for
// edge functions): its globals, its fetch and its restrictions. The built bundles must answer
// exactly as Node does.
const { cases, answers } = await nodeAnswers();

async function decideInEdgeRuntime(bundle: string): Promise<EdgeAnswer[]> {
  const runtime = new EdgeRuntime({ initialCode: await decideAllScript(bundle) });
  const decideAll = runtime.evaluate<(payload: string) => Promise<string>>("globalThis.decideAll");
  return JSON.parse(await decideAll(JSON.stringify(cases))) as EdgeAnswer[];
}

const inRuntime: Record<Flavour, EdgeAnswer[]> = {
  full: await decideInEdgeRuntime(BUILT.bundleFull),
  lean: await decideInEdgeRuntime(BUILT.bundleLean),
};

describe("the bundled engine in Vercel's Edge Runtime (edge-runtime 4)", () => {
  it("runs where Node's globals are absent", () => {
    const runtime = new EdgeRuntime();
    expect(runtime.evaluate("[typeof process, typeof require, typeof Buffer].join()")).toBe("undefined,undefined,undefined");
  });

  it("decides every conformance and fixture request that needs no geo lookup", () => {
    expect(inRuntime.full.map((a) => a.key)).toEqual(cases.cases.map((c) => c.key));
  });

  describe.each(["full", "lean"] as const)("the %s bundle", (flavour) => {
    it.each(cases.cases.map((c, i) => [c.key, i] as const))("answers %s exactly as Node does", (_key, i) => {
      expect(inRuntime[flavour][i]).toEqual(answers[flavour][i]);
    });
  });
});
