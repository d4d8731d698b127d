import { pathToFileURL } from "node:url";
// @ts-expect-error: plain JS shared with workerd and Chromium, without typings.
import { decideCases } from "../runtime/decide-case.js";
import {
  assertBuilt as assertFiles,
  loadEdgeCases,
  repoPath,
  withoutGeoLookups,
  type EdgeAnswer,
  type EdgeCases,
} from "../../../../../scripts/edge/kit/cases.js";

/** Which build of the engine: the default entry (Public Suffix List) or the lean one. */
export type Flavour = "full" | "lean";

/** The built files a runtime test needs, relative to the repository. */
export const BUILT = {
  nodeFull: "packages/engine/dist/index.js",
  nodeLean: "packages/engine/dist/lean.js",
  bundleFull: "packages/engine/dist/bundle/engine.js",
  bundleLean: "packages/engine/dist/bundle/engine-lean.js",
} as const;

/** Throw unless the engine's build and its edge bundles are there. */
export function assertBuilt(): void {
  assertFiles(Object.values(BUILT));
}

/** The cases every runtime must answer, and Node's answers to them from the built package. */
export async function nodeAnswers(): Promise<{ cases: EdgeCases; answers: Record<Flavour, EdgeAnswer[]> }> {
  assertBuilt();
  const all = loadEdgeCases();
  const full = (await import(pathToFileURL(repoPath(BUILT.nodeFull)).href)) as unknown;
  const lean = (await import(pathToFileURL(repoPath(BUILT.nodeLean)).href)) as unknown;
  const fullAnswers = (await decideCases(full, all)) as EdgeAnswer[];
  const cases = withoutGeoLookups(all, fullAnswers);
  const kept = new Set(cases.cases.map((c) => c.key));
  return {
    cases,
    answers: {
      full: fullAnswers.filter((a) => kept.has(a.key)),
      lean: (await decideCases(lean, cases)) as EdgeAnswer[],
    },
  };
}
