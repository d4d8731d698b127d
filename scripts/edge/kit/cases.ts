// The requests every runtime test decides, and where the repository is. The packages' tests
// import it (and the rest of this kit) from here, so that both packages decide the same cases.
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { type MockDate, loadConformanceTests, mockDateToMs } from "../../conformance/harness.js";

/** One request to decide, as shipped to a runtime: the artifact is an index into `artifacts`. */
export interface EdgeCase {
  key: string;
  artifact: number;
  conf: Record<string, unknown>;
  input: unknown;
  now: number;
}

/** What the runtimes receive: artifacts once each, and the cases that point at them. */
export interface EdgeCases {
  artifacts: unknown[];
  cases: EdgeCase[];
}

/** One decided case, as `runtime/decide-case.js` reports it. */
export interface EdgeAnswer {
  key: string;
  response?: unknown;
  notifications: unknown[];
  geoLookups: number;
  error?: { name?: string; code?: string; message: string };
}

/** fixtures/engine/cases.json: the project's own requests over one of fixtures/artifacts. */
interface OwnCases {
  artifact: string;
  conf: Record<string, unknown>;
  cases: Array<{ key: string; input: unknown; mockDate?: MockDate; mockGeo?: unknown }>;
}

const repo = new URL("../../../", import.meta.url);

/** Absolute path of a file in the repository. */
export const repoPath = (path: string): string => fileURLToPath(new URL(path, repo));

/** Throw, naming what is missing, unless every repository-relative path exists. */
export function assertBuilt(paths: readonly string[]): void {
  const missing = paths.filter((path) => !existsSync(repoPath(path)));
  // Fail loudly, never skip: a missing build is a broken pipeline, not a missing runtime.
  if (missing.length > 0) throw new Error(`missing ${missing.join(", ")}: run \`pnpm build\` first (it also builds the edge bundles)`);
}

// Cases without a mocked date still need one clock that every runtime shares.
const DEFAULT_NOW = Date.UTC(2025, 0, 1);

/**
 * Adobe's conformance requests (fixtures/conformance) and the project's own fixture
 * requests, minus those that mock a geo lookup: a runtime given no geo service would answer
 * differently.
 */
export function loadEdgeCases(): EdgeCases {
  const artifacts: unknown[] = [];
  const index = new Map<unknown, number>();
  const artifactIndex = (artifact: unknown): number => {
    let i = index.get(artifact);
    if (i === undefined) {
      i = artifacts.push(artifact) - 1;
      index.set(artifact, i);
    }
    return i;
  };
  const cases: EdgeCase[] = [];

  const conformance = loadConformanceTests(repoPath("fixtures/conformance/target-sdk-testing"));
  // The harness parses a suite's artifact once per test; key them by text to send each once.
  const byText = new Map<string, unknown>();
  for (const t of conformance) {
    if (t.mockGeo) continue;
    const text = JSON.stringify(t.artifact);
    if (!byText.has(text)) byText.set(text, t.artifact);
    cases.push({
      key: `${t.suite} › ${t.key}`,
      artifact: artifactIndex(byText.get(text)),
      conf: t.conf,
      input: t.input,
      now: mockDateToMs(t.mockDate) ?? DEFAULT_NOW,
    });
  }

  const read = (path: string): unknown => JSON.parse(readFileSync(repoPath(`fixtures/${path}`), "utf8"));
  const own = read("engine/cases.json") as OwnCases;
  const ownArtifact = artifactIndex(read(`artifacts/${own.artifact}.json`));
  for (const t of own.cases) {
    if (t.mockGeo) continue;
    cases.push({ key: `fixtures › ${t.key}`, artifact: ownArtifact, conf: own.conf, input: t.input, now: mockDateToMs(t.mockDate) ?? DEFAULT_NOW });
  }
  return { artifacts, cases };
}

/** Only the cases whose Node answer needed no geo lookup: those are the ones a runtime must match. */
export function withoutGeoLookups(all: EdgeCases, nodeAnswers: readonly EdgeAnswer[]): EdgeCases {
  const keep = new Set(nodeAnswers.filter((a) => a.geoLookups === 0).map((a) => a.key));
  return { artifacts: all.artifacts, cases: all.cases.filter((c) => keep.has(c.key)) };
}
