// The requests every runtime test decides, and where the repository is. Plain JS with a
// declaration file beside it, so that tests of any package can import it (TypeScript's rootDir
// forbids importing another package's .ts sources).
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { loadConformanceTests } from "../../conformance/harness.mjs";

const repo = new URL("../../../", import.meta.url);

/** Absolute path of a file in the repository. */
export const repoPath = (path) => fileURLToPath(new URL(path, repo));

/** Throw, naming what is missing, unless every repository-relative path exists. */
export function assertBuilt(paths) {
  const missing = paths.filter((path) => !existsSync(repoPath(path)));
  // Fail loudly, never skip: a missing build is a broken pipeline, not a missing runtime.
  if (missing.length > 0) throw new Error(`missing ${missing.join(", ")}: run \`pnpm build\` first (it also builds the edge bundles)`);
}

// Cases without a mocked date still need one clock that every runtime shares.
const DEFAULT_NOW = Date.UTC(2025, 0, 1);

function mockDateToMs(mock) {
  if (!mock) return DEFAULT_NOW;
  const m = { hours: 0, minutes: 0, seconds: 0, ...mock };
  return Date.UTC(m.year, m.month, m.date, m.hours, m.minutes, m.seconds);
}

/**
 * Adobe's conformance requests (fixtures/conformance) and the project's own fixture
 * requests, minus those that mock a geo lookup: a runtime given no geo service would answer
 * differently.
 */
export function loadEdgeCases() {
  const artifacts = [];
  const index = new Map();
  const artifactIndex = (artifact) => {
    let i = index.get(artifact);
    if (i === undefined) {
      i = artifacts.push(artifact) - 1;
      index.set(artifact, i);
    }
    return i;
  };
  const cases = [];

  const conformance = loadConformanceTests(repoPath("fixtures/conformance/target-sdk-testing"));
  // The harness parses a suite's artifact once per test; key them by text to send each once.
  const byText = new Map();
  for (const t of conformance) {
    if (t.mockGeo) continue;
    const text = JSON.stringify(t.artifact);
    if (!byText.has(text)) byText.set(text, t.artifact);
    cases.push({ key: `${t.suite} › ${t.key}`, artifact: artifactIndex(byText.get(text)), conf: t.conf, input: t.input, now: mockDateToMs(t.mockDate) });
  }

  const read = (path) => JSON.parse(readFileSync(repoPath(`fixtures/${path}`), "utf8"));
  const own = read("engine/cases.json");
  const ownArtifact = artifactIndex(read(`artifacts/${own.artifact}.json`));
  for (const t of own.cases) {
    if (t.mockGeo) continue;
    cases.push({ key: `fixtures › ${t.key}`, artifact: ownArtifact, conf: own.conf, input: t.input, now: mockDateToMs(t.mockDate) });
  }
  return { artifacts, cases };
}

/** Only the cases whose Node answer needed no geo lookup: those are the ones a runtime must match. */
export function withoutGeoLookups(all, nodeAnswers) {
  const keep = new Set(nodeAnswers.filter((a) => a.geoLookups === 0).map((a) => a.key));
  return { artifacts: all.artifacts, cases: all.cases.filter((c) => keep.has(c.key)) };
}
