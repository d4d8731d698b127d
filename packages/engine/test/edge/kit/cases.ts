import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
// @ts-expect-error: a plain ES module shared with the conformance runner, without typings.
import { loadConformanceTests } from "../../../../../scripts/conformance/harness.mjs";

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

const repo = new URL("../../../../../", import.meta.url);
/** Absolute path of a file in the repository. */
export const repoPath = (path: string): string => fileURLToPath(new URL(path, repo));

// Cases without a mocked date still need one clock that every runtime shares.
const DEFAULT_NOW = Date.UTC(2025, 0, 1);

function mockDateToMs(mock: Record<string, number> | undefined): number {
  if (!mock) return DEFAULT_NOW;
  const m = { hours: 0, minutes: 0, seconds: 0, ...mock } as Record<string, number>;
  return Date.UTC(m.year!, m.month!, m.date!, m.hours, m.minutes, m.seconds);
}

/**
 * Adobe's conformance requests (when ../shared is present) and the project's own fixture requests,
 * minus those that mock a geo lookup: a runtime given no geo service would answer differently.
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

  const shared = repoPath("../shared/conformance/target-sdk-testing");
  const conformance = existsSync(shared) ? loadConformanceTests(shared) : [];
  // The harness parses a suite's artifact once per test; key them by text to send each once.
  const byText = new Map<string, unknown>();
  for (const t of conformance) {
    if (t.mockGeo) continue;
    const text = JSON.stringify(t.artifact);
    if (!byText.has(text)) byText.set(text, t.artifact);
    cases.push({ key: `${t.suite} › ${t.key}`, artifact: artifactIndex(byText.get(text)), conf: t.conf, input: t.input, now: mockDateToMs(t.mockDate) });
  }

  const read = (path: string): any => JSON.parse(readFileSync(repoPath(`fixtures/${path}`), "utf8"));
  const own = read("engine/cases.json");
  const ownArtifact = artifactIndex(read(`artifacts/${own.artifact}.json`));
  for (const t of own.cases) {
    if (t.mockGeo) continue;
    cases.push({ key: `fixtures › ${t.key}`, artifact: ownArtifact, conf: own.conf, input: t.input, now: mockDateToMs(t.mockDate) });
  }
  return { artifacts, cases };
}

/** Only the cases whose Node answer needed no geo lookup: those are the ones a runtime must match. */
export function withoutGeoLookups(all: EdgeCases, nodeAnswers: readonly EdgeAnswer[]): EdgeCases {
  const keep = new Set(nodeAnswers.filter((a) => a.geoLookups === 0).map((a) => a.key));
  return { artifacts: all.artifacts, cases: all.cases.filter((c) => keep.has(c.key)) };
}
