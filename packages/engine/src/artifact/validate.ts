import { ArtifactError, ErrorCode } from "../errors.js";
import type { Artifact, Rule } from "../types.js";

/** The only artifact major version this library decides. */
export const SUPPORTED_MAJOR_VERSION = 1;

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);

const at = (path: string, key: string): string => `${path}[${JSON.stringify(key)}]`;

function invalid(field: string, problem: string): ArtifactError {
  return new ArtifactError(ErrorCode.ArtifactInvalid, `Invalid artifact: ${field} ${problem}`, { field });
}

/**
 * Deepest nesting of objects and arrays accepted in an artifact. Target's artifacts nest under
 * 20 levels; conditions may nest up to the logic compiler's own limit (200) below their rule.
 * Deeper documents would overflow the stack of the recursive steps that copy offers into
 * responses, so they are refused at load, with the place named.
 */
export const MAX_ARTIFACT_DEPTH = 512;

interface Visit {
  value: unknown;
  depth: number;
  key: string | number;
  parent: Visit | undefined;
}

function pathOf(visit: Visit): string {
  const keys: Array<string | number> = [];
  for (let step: Visit | undefined = visit; step?.parent; step = step.parent) keys.unshift(step.key);
  // Past a few levels the path says nothing more about where the problem is.
  return keys.slice(0, 8).reduce<string>((path, key) => {
    if (typeof key === "number") return `${path}[${key}]`;
    if (path === "") return key;
    return /^[A-Za-z_$][\w$]*$/.test(key) ? `${path}.${key}` : at(path, key);
  }, "");
}

const TOO_DEEP = `nests objects or arrays more than ${MAX_ARTIFACT_DEPTH} levels deep`;
// Array methods read `constructor` to build their results; JSON cannot give an array one, code can.
const OWN_CONSTRUCTOR = "is an array with its own `constructor` property, which no JSON array has";

/**
 * The JSON path and problem of the first value nested deeper than {@link MAX_ARTIFACT_DEPTH},
 * or of an array that array methods would choke on, found without recursion.
 */
function shapeProblemAt(root: Record<string, unknown>): { path: string; problem: string } | undefined {
  const stack: Visit[] = [{ value: root, depth: 0, key: "", parent: undefined }];
  // A cycle (only an artifact built in code can have one) runs into the depth limit too.
  while (stack.length > 0) {
    const visit = stack.pop() as Visit;
    const { value, depth } = visit;
    if (typeof value !== "object" || value === null) continue;
    if (depth >= MAX_ARTIFACT_DEPTH) return { path: pathOf(visit), problem: TOO_DEEP };
    if (Array.isArray(value)) {
      if (Object.prototype.hasOwnProperty.call(value, "constructor")) return { path: pathOf(visit) || "artifact", problem: OWN_CONSTRUCTOR };
      for (let i = 0; i < value.length; i++) {
        const item: unknown = value[i];
        // Only objects and arrays can nest: leaves (most of an artifact) get no visit.
        if (typeof item === "object" && item !== null) stack.push({ value: item, depth: depth + 1, key: i, parent: visit });
      }
    } else {
      for (const key of Object.keys(value)) {
        const item = (value as Record<string, unknown>)[key];
        if (typeof item === "object" && item !== null) stack.push({ value: item, depth: depth + 1, key, parent: visit });
      }
    }
  }
  return undefined;
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

// Names, tokens and activity ids become strings while deciding (keys, hashes, notifications);
// converting an object can throw, so only scalars are accepted there.
function checkScalar(value: unknown, field: string): void {
  if (typeof value === "object" && value !== null) throw invalid(field, "must be a string or a number");
}

function checkRule(rule: unknown, field: string): asserts rule is Rule {
  if (!isObject(rule)) throw invalid(field, "must be an object");
  if (!isObject(rule.meta)) throw invalid(`${field}.meta`, "must be an object");
  checkScalar(rule.meta["activity.id"], `${field}.meta["activity.id"]`);
  if (!isObject(rule.consequence)) throw invalid(`${field}.consequence`, "must be an object");
  const { options, metrics, name } = rule.consequence;
  checkScalar(name, `${field}.consequence.name`);
  if (options !== undefined && !Array.isArray(options)) throw invalid(`${field}.consequence.options`, "must be an array");
  if (Array.isArray(options)) {
    options.forEach((option, i) => {
      if (!isObject(option)) throw invalid(`${field}.consequence.options[${i}]`, "must be an object");
      checkScalar(option.eventToken, `${field}.consequence.options[${i}].eventToken`);
    });
  }
  if (metrics !== undefined && !Array.isArray(metrics)) throw invalid(`${field}.consequence.metrics`, "must be an array");
  if (Array.isArray(metrics)) {
    metrics.forEach((metric, i) => {
      if (!isObject(metric)) throw invalid(`${field}.consequence.metrics[${i}]`, "must be an object");
      checkScalar(metric.eventToken, `${field}.consequence.metrics[${i}].eventToken`);
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
  if (typeof value.version !== "string") throw invalid("version", 'must be a semver string such as "1.0.0"');
  const major = majorVersionOf(value.version);
  if (major !== SUPPORTED_MAJOR_VERSION) {
    throw new ArtifactError(
      ErrorCode.ArtifactVersionUnsupported,
      `The decisioning artifact version (${value.version}) is not supported. This library is compatible with this major version: ${SUPPORTED_MAJOR_VERSION}`,
      { field: "version" },
    );
  }
  if (value.rules === undefined) throw invalid("rules", "is missing");
  const shape = shapeProblemAt(value);
  if (shape !== undefined) throw invalid(shape.path, shape.problem);
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
