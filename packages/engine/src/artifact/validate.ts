import { ArtifactError, ErrorCode } from "../errors.js";
import type { Artifact, Rule } from "../types.js";

/** The only artifact major version this library decides. */
export const SUPPORTED_MAJOR_VERSION = 1;

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

const at = (path: string, key: string): string => `${path}[${JSON.stringify(key)}]`;

function invalid(field: string, problem: string): ArtifactError {
  return new ArtifactError(ErrorCode.ArtifactInvalid, `Invalid artifact: ${field} ${problem}`, { field });
}

/** The major version of a semver string, or NaN. */
export function majorVersionOf(version: string): number {
  return Number.parseInt(version.split(".")[0] ?? "", 10);
}

function checkStringList(artifact: Record<string, unknown>, key: string): void {
  const list = artifact[key];
  if (list === undefined) return;
  if (!Array.isArray(list)) throw invalid(key, "must be an array of names");
  list.forEach((name, i) => {
    if (typeof name !== "string") throw invalid(`${key}[${i}]`, "must be a string");
  });
}

function checkRule(rule: unknown, field: string): asserts rule is Rule {
  if (!isObject(rule)) throw invalid(field, "must be an object");
  if (!isObject(rule.meta)) throw invalid(`${field}.meta`, "must be an object");
  if (!isObject(rule.consequence)) throw invalid(`${field}.consequence`, "must be an object");
  const { options, metrics } = rule.consequence;
  if (options !== undefined && !Array.isArray(options)) throw invalid(`${field}.consequence.options`, "must be an array");
  if (Array.isArray(options)) {
    options.forEach((option, i) => {
      if (!isObject(option)) throw invalid(`${field}.consequence.options[${i}]`, "must be an object");
    });
  }
  if (metrics !== undefined && !Array.isArray(metrics)) throw invalid(`${field}.consequence.metrics`, "must be an array");
  if (Array.isArray(metrics)) {
    metrics.forEach((metric, i) => {
      if (!isObject(metric)) throw invalid(`${field}.consequence.metrics[${i}]`, "must be an object");
    });
  }
  const tokens = rule.propertyTokens;
  if (tokens !== undefined && tokens !== null && !Array.isArray(tokens)) {
    throw invalid(`${field}.propertyTokens`, "must be an array of property tokens");
  }
  if (rule.ruleKey !== undefined && typeof rule.ruleKey !== "string" && typeof rule.ruleKey !== "number") {
    throw invalid(`${field}.ruleKey`, "must be a string");
  }
}

function checkRuleMap(rules: Record<string, unknown>, key: "mboxes" | "views"): void {
  const map = rules[key];
  if (map === undefined) return;
  if (!isObject(map)) throw invalid(`rules.${key}`, "must be an object of rule lists keyed by name");
  for (const name of Object.keys(map)) {
    const list = map[name];
    const field = at(`rules.${key}`, name);
    if (!Array.isArray(list)) throw invalid(field, "must be an array of rules");
    list.forEach((rule, i) => checkRule(rule, `${field}[${i}]`));
  }
}

/**
 * Check that a parsed JSON document is an artifact this library can decide, and return it
 * typed. Throws an {@link ArtifactError} naming the field and the problem otherwise.
 */
export function validateArtifact(value: unknown): Artifact {
  if (!isObject(value)) throw invalid("artifact", "must be a JSON object");
  if (typeof value.version !== "string") throw invalid("version", "must be a semver string such as \"1.0.0\"");
  const major = majorVersionOf(value.version);
  if (major !== SUPPORTED_MAJOR_VERSION) {
    throw new ArtifactError(
      ErrorCode.ArtifactVersionUnsupported,
      `The decisioning artifact version (${value.version}) is not supported. This library is compatible with this major version: ${SUPPORTED_MAJOR_VERSION}`,
      { field: "version" },
    );
  }
  if (value.rules === undefined) throw invalid("rules", "is missing");
  if (!isObject(value.rules)) throw invalid("rules", "must be an object with `mboxes` and `views`");
  checkRuleMap(value.rules, "mboxes");
  checkRuleMap(value.rules, "views");
  for (const key of ["localMboxes", "remoteMboxes", "localViews", "remoteViews", "responseTokens"]) {
    checkStringList(value, key);
  }
  if (value.globalMbox !== undefined && typeof value.globalMbox !== "string") throw invalid("globalMbox", "must be a string");
  if (value.meta !== undefined && !isObject(value.meta)) throw invalid("meta", "must be an object");
  return value as unknown as Artifact;
}
