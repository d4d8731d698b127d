import { pathToFileURL } from "node:url";
import { assertBuilt, loadEdgeCases, repoPath, withoutGeoLookups, type EdgeCases } from "../../../../scripts/edge/kit/cases.js";
// @ts-expect-error: plain JS shared with workerd and Chromium, without typings.
import { decideWithClient } from "./runtime/client-case.js";
// @ts-expect-error: plain JS shared with workerd and Chromium, without typings.
import { decideCases } from "../../../engine/test/edge/runtime/decide-case.js";

/** One case decided through TargetClient, as `runtime/client-case.js` reports it. */
export interface ClientAnswer {
  key: string;
  offers?: unknown;
  attributes?: unknown;
  deliveries: unknown[];
  error?: { name?: string; code?: string; message: string };
}

/** Which client: on the default engine (Public Suffix List) or on the lean one. */
export type ClientFlavour = "full" | "lean";

/** The built client files the runtime tests load, relative to the repository. */
export const CLIENT_BUILT = {
  nodeFull: "packages/client/dist/index.js",
  bundleFull: "packages/client/dist/bundle/client.js",
  bundleLean: "packages/client/dist/bundle/client-lean.js",
} as const;

/**
 * The cases and Node's answers. The lean client exists only bundled (its engine import is
 * aliased to the lean entry), so Node answers for it by running that bundle.
 */
export async function clientNodeAnswers(): Promise<{ cases: EdgeCases; answers: Record<ClientFlavour, ClientAnswer[]> }> {
  assertBuilt(["packages/engine/dist/index.js", ...Object.values(CLIENT_BUILT)]);
  const all = loadEdgeCases();
  // Geo-lookup cases are found with the engine, as for the engine's own runtime tests.
  const engine = (await import(pathToFileURL(repoPath("packages/engine/dist/index.js")).href)) as unknown;
  const cases = withoutGeoLookups(all, await decideCases(engine, all));
  const full = (await import(pathToFileURL(repoPath(CLIENT_BUILT.nodeFull)).href)) as unknown;
  const lean = (await import(pathToFileURL(repoPath(CLIENT_BUILT.bundleLean)).href)) as unknown;
  return {
    cases,
    answers: { full: (await decideWithClient(full, cases)) as ClientAnswer[], lean: (await decideWithClient(lean, cases)) as ClientAnswer[] },
  };
}
