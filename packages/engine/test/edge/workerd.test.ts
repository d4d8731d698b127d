import type { Miniflare } from "miniflare";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { repoPath, type EdgeAnswer } from "../../../../scripts/edge/kit/cases.js";
import { BUILT, nodeAnswers, type Flavour } from "./kit/node-answers.js";
import { answersPerBundle, moduleFromFile, startWorker } from "../../../../scripts/edge/kit/workerd.js";

// Node's answers first: they decide which cases count (those needing a geo lookup are left out).
const { cases, answers } = await nodeAnswers();
const runtime = (file: string) => repoPath(`packages/engine/test/edge/runtime/${file}`);

describe("the bundled engine in workerd (miniflare)", () => {
  let worker: Miniflare;
  const inWorkerd: Partial<Record<Flavour, EdgeAnswer[]>> = {};

  beforeAll(async () => {
    worker = startWorker([
      moduleFromFile("decide-worker.js", runtime("decide-worker.js")),
      moduleFromFile("decide-case.js", runtime("decide-case.js")),
      moduleFromFile("engine.js", repoPath(BUILT.bundleFull)),
      moduleFromFile("engine-lean.js", repoPath(BUILT.bundleLean)),
    ]);
    Object.assign(inWorkerd, await answersPerBundle<EdgeAnswer>(worker, cases));
  }, 60_000);

  afterAll(async () => {
    await worker?.dispose();
  });

  it("runs in workerd itself, where neither process nor Buffer exists", async () => {
    const response = await worker.dispatchFetch("http://edge.test/");
    expect(await response.json()).toEqual({ userAgent: "Cloudflare-Workers", process: "undefined", buffer: "undefined" });
  });

  it("decides every conformance and fixture request that needs no geo lookup", () => {
    // 39 of the project's own requests and the 65 of Adobe's schema that need no geo lookup.
    expect(cases.cases.length).toBeGreaterThanOrEqual(39 + 65);
    expect(inWorkerd.full?.map((a) => a.key)).toEqual(cases.cases.map((c) => c.key));
    expect(answers.full.every((a) => a.response !== undefined || a.error !== undefined)).toBe(true);
  });

  describe.each(["full", "lean"] as const)("the %s bundle", (flavour) => {
    it.each(cases.cases.map((c, i) => [c.key, i] as const))("answers %s exactly as Node does", (_key, i) => {
      expect(inWorkerd[flavour]?.[i]).toEqual(answers[flavour][i]);
    });
  });
});
