/** The project's own fixtures, shared by the CLI tests. */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ROOT } from "./binary.js";

/** Path of the feature artifact, relative to the repository root (where commands run). */
export const FEATURES = "fixtures/artifacts/features.json";
/** Path of the large real-world artifact, relative to the repository root. */
export const LARGE = "fixtures/conformance/real-world/artifact-large.json";

/** Read a JSON file relative to the repository root. */
export const readJsonFile = (path: string): any => JSON.parse(readFileSync(join(ROOT, path), "utf8"));

/** The feature artifact, parsed. */
export const features = (): any => readJsonFile(FEATURES);

/** The engine fixture cases (fixtures/engine/cases.json): requests with a decision time. */
export const engineCases = (): Array<{ key: string; input: any; now: number }> => {
  const { cases } = readJsonFile("fixtures/engine/cases.json");
  return cases.map((test: any) => {
    const m = { hours: 0, minutes: 0, seconds: 0, ...test.mockDate };
    const now = test.mockDate ? Date.UTC(m.year, m.month, m.date, m.hours, m.minutes, m.seconds) : Date.UTC(2025, 0, 1);
    return { key: test.key, input: test.input, now };
  });
};

const dir = mkdtempSync(join(tmpdir(), "decisioning-cli-test-"));

/** Write a JSON value to a temporary file; returns its absolute path. */
export function tempJson(name: string, value: unknown): string {
  return tempFile(name, typeof value === "string" ? value : JSON.stringify(value));
}

/** Write text or bytes to a temporary file; returns its absolute path. */
export function tempFile(name: string, content: string | Uint8Array): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}
