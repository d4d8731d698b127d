/**
 * The engine's hardening kit: the shared hostile input (hostile.js) plus the real artifacts to
 * decide against.
 */
import { readdirSync, readFileSync } from "node:fs";

export * from "./hostile.js";

type Dict = Record<string, unknown>;

const ROOT = new URL("../../../../", import.meta.url);
const SCHEMA_ARTIFACTS = new URL("fixtures/conformance/target-sdk-testing/schema/artifacts/", ROOT);

/** Real artifacts by name: `fixtures/artifacts/*.json` and the conformance schema's. */
export function realArtifacts(): Array<{ name: string; artifact: Dict }> {
  const out: Array<{ name: string; artifact: Dict }> = [];
  const folders = [new URL("fixtures/artifacts/", ROOT), SCHEMA_ARTIFACTS];
  for (const folder of folders) {
    const names = readdirSync(folder).filter((name) => name.endsWith(".json"));
    for (const name of names.sort()) out.push({ name, artifact: JSON.parse(readFileSync(new URL(name, folder), "utf8")) as Dict });
  }
  return out;
}

/** Mbox and view names an artifact knows, so requests reach its rules. */
export function namesOf(artifact: Dict): { mboxes: string[]; views: string[] } {
  const rules = (artifact.rules ?? {}) as { mboxes?: Dict; views?: Dict };
  const mboxes = Object.keys(rules.mboxes ?? {});
  const views = Object.keys(rules.views ?? {});
  return { mboxes: mboxes.length > 0 ? mboxes.slice(0, 6) : ["flags"], views: views.slice(0, 4) };
}
