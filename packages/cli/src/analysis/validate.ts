/**
 * Checks beyond "can the engine load it": rules that can never fire, traffic splits with holes
 * or double-booked visitors, and lists that disagree with the rules.
 */
import { ArtifactError, validateArtifact, internal } from "@decisioning/engine";
import { allBuckets, complement, countOf, covers, formatRange, intersect, rangeOf, union, type Buckets } from "./allocation.js";
import { evaluate, logicKey, varsOf } from "./logic.js";
import { audienceText, modelOf, type ArtifactModel, type LocationModel, type RuleModel } from "./model.js";

const { truthy } = internal;

/** How bad an issue is: errors fail `validate`, warnings only with `--strict`. */
export type Severity = "error" | "warning";

/** What kind of issue was found. */
export type IssueCode =
  | "schema"
  | "unknown-operator"
  | "never-matches"
  | "unreachable-rule"
  | "allocation-overlap"
  | "allocation-gap"
  | "local-without-rules"
  | "local-and-remote"
  | "unlisted-location";

/** One finding. */
export interface Issue {
  severity: Severity;
  code: IssueCode;
  message: string;
  /** JSON path of the rule or field at fault, when there is one. */
  path?: string;
}

/** The outcome of validating an artifact. */
export interface ValidationReport {
  /** True when there are no errors (warnings allowed). */
  valid: boolean;
  errors: number;
  warnings: number;
  issues: Issue[];
}

const describeRule = (rule: RuleModel): string =>
  `rule #${rule.position + 1} (activity ${rule.activityId}${rule.activityName ? ` "${rule.activityName}"` : ""}, experience ${JSON.stringify(rule.experienceName ?? rule.experienceKey)})`;

/** Audience conjuncts that can be false: constant-true ones are dropped; undefined when a constant is false. */
function liveAudience(rule: RuleModel): Set<string> | undefined {
  const live = new Set<string>();
  for (const conjunct of rule.split.audience) {
    if (varsOf(conjunct).length > 0) {
      live.add(logicKey(conjunct));
      continue;
    }
    let value: unknown;
    try {
      value = evaluate(conjunct, {});
    } catch {
      return undefined;
    }
    if (!truthy(value)) return undefined;
  }
  return live;
}

/** Whether every request rule `b` serves is also served by rule `a` (property tokens). */
function servesAllOf(a: RuleModel, b: RuleModel): boolean {
  if (a.propertyTokens === undefined) return true;
  if (b.propertyTokens === undefined) return false;
  return b.propertyTokens.every((token) => a.propertyTokens?.includes(token));
}

function isSubset(small: ReadonlySet<string>, big: ReadonlySet<string>): boolean {
  for (const item of small) if (!big.has(item)) return false;
  return true;
}

function checkRules(model: ArtifactModel, issues: Issue[]): void {
  for (const rule of model.rules) {
    for (const problem of rule.problems) {
      issues.push({
        severity: "error",
        code: "unknown-operator",
        path: `${rule.path}.condition`,
        message: `${describeRule(rule)} can never match: ${problem}`,
      });
    }
    if (rule.problems.length > 0) continue;
    if (liveAudience(rule) === undefined || rule.rule.condition === undefined) {
      issues.push({
        severity: "warning",
        code: "never-matches",
        path: `${rule.path}.condition`,
        message: `${describeRule(rule)} can never match: its condition is always false`,
      });
    } else if (rule.split.buckets && countOf(rule.split.buckets) === 0) {
      issues.push({
        severity: "warning",
        code: "never-matches",
        path: `${rule.path}.condition`,
        message: `${describeRule(rule)} can never match: its traffic split admits no visitor`,
      });
    }
  }
}

function checkShadowing(location: LocationModel, issues: Issue[]): void {
  // A regular mbox stops at its first match; the global mbox and views stop per rule key.
  const firstMatchOnly = location.kind === "mbox" && !location.global;
  const audiences = location.rules.map(liveAudience);
  location.rules.forEach((rule, j) => {
    const own = audiences[j];
    if (own === undefined || rule.problems.length > 0) return;
    const target = rule.split.buckets ?? allBuckets();
    const shadowers: RuleModel[] = [];
    const sets: Buckets[] = [];
    for (let i = 0; i < j; i++) {
      const earlier = location.rules[i] as RuleModel;
      const theirs = audiences[i];
      if (theirs === undefined || earlier.problems.length > 0) continue;
      if (!firstMatchOnly && earlier.ruleKey !== rule.ruleKey) continue;
      if (!servesAllOf(earlier, rule) || !isSubset(theirs, own)) continue;
      const set = earlier.split.buckets ?? allBuckets();
      if (countOf(intersect(set, target)) === 0) continue;
      shadowers.push(earlier);
      sets.push(set);
    }
    if (shadowers.length === 0 || !covers(union(sets), target)) return;
    const by = shadowers.map((s) => `#${s.position + 1}`).join(", ");
    issues.push({
      severity: "warning",
      code: "unreachable-rule",
      path: rule.path,
      message: `${describeRule(rule)} at ${location.kind} "${location.name}" is unreachable: every visitor it targets is taken first by rule${shadowers.length > 1 ? "s" : ""} ${by}`,
    });
  });
}

function checkSplits(model: ArtifactModel, issues: Issue[]): void {
  for (const activity of model.activities) {
    if (!activity.split) continue;
    // Rules that target the same visitors at the same place must share the traffic between them.
    const groups = new Map<string, RuleModel[]>();
    for (const rule of activity.rules) {
      // Rules that can never match take no traffic; they are reported on their own.
      if (!rule.split.buckets || rule.problems.length > 0 || liveAudience(rule) === undefined) continue;
      const key = JSON.stringify([rule.kind, rule.location, rule.audienceKey, rule.propertyTokens ?? null]);
      groups.set(key, [...(groups.get(key) ?? []), rule]);
    }
    for (const rules of groups.values()) {
      const first = rules[0] as RuleModel;
      const audience = audienceText(first);
      const where = `${first.kind} "${first.location}"${audience === "everyone" ? "" : ` (audience: ${audience})`}`;
      const byExperience = new Map<string, Buckets>();
      for (const rule of rules) {
        const earlier = byExperience.get(rule.experienceKey);
        byExperience.set(rule.experienceKey, earlier ? union([earlier, rule.split.buckets as Buckets]) : (rule.split.buckets as Buckets));
      }
      const names = new Map(rules.map((r) => [r.experienceKey, r.experienceName ?? r.experienceKey]));
      const entries = [...byExperience.entries()];
      for (let a = 0; a < entries.length; a++) {
        for (let b = a + 1; b < entries.length; b++) {
          const [keyA, setA] = entries[a] as [string, Buckets];
          const [keyB, setB] = entries[b] as [string, Buckets];
          const both = intersect(setA, setB);
          if (countOf(both) === 0) continue;
          issues.push({
            severity: "error",
            code: "allocation-overlap",
            path: first.path,
            message: `activity ${activity.id} at ${where}: experiences ${JSON.stringify(names.get(keyA))} and ${JSON.stringify(names.get(keyB))} both claim allocation ${formatRange(rangeOf(both))}`,
          });
        }
      }
      const missing = complement(union([...byExperience.values()]));
      if (countOf(missing) > 0) {
        issues.push({
          severity: "warning",
          code: "allocation-gap",
          path: first.path,
          message: `activity ${activity.id} at ${where}: visitors with allocation ${formatRange(rangeOf(missing))} get none of its experiences`,
        });
      }
    }
  }
}

function checkLists(model: ArtifactModel, issues: Issue[]): void {
  for (const location of [...model.mboxes, ...model.views]) {
    const list = location.kind === "mbox" ? "localMboxes" : "localViews";
    const remoteList = location.kind === "mbox" ? "remoteMboxes" : "remoteViews";
    if (location.local && location.rules.length === 0) {
      issues.push({
        severity: "warning",
        code: "local-without-rules",
        path: list,
        message: `${location.kind} "${location.name}" is listed in ${list} but has no rules: it always gets empty content`,
      });
    }
    if (location.local && location.remote) {
      issues.push({
        severity: "warning",
        code: "local-and-remote",
        path: remoteList,
        message: `${location.kind} "${location.name}" is listed both in ${list} and ${remoteList}: requests for it always need the Delivery API`,
      });
    }
    if (!location.local && !location.remote && location.rules.length > 0) {
      issues.push({
        severity: "warning",
        code: "unlisted-location",
        path: location.rules[0]?.path,
        message: `${location.kind} "${location.name}" has rules but is not in ${list}: on-device answers for it come with status 206, and hybrid clients ask the Delivery API instead`,
      });
    }
  }
}

/** Validate an artifact: the engine's schema checks, then semantic checks on its rules. */
export function validateDeep(json: unknown): ValidationReport {
  const issues: Issue[] = [];
  let model: ArtifactModel | undefined;
  try {
    model = modelOf(validateArtifact(json));
  } catch (error) {
    if (!(error instanceof ArtifactError)) throw error;
    issues.push({ severity: "error", code: "schema", message: error.message, ...(error.field ? { path: error.field } : {}) });
  }
  if (model) {
    checkRules(model, issues);
    for (const location of [...model.mboxes, ...model.views]) checkShadowing(location, issues);
    checkSplits(model, issues);
    checkLists(model, issues);
  }
  const errors = issues.filter((issue) => issue.severity === "error").length;
  return { valid: errors === 0, errors, warnings: issues.length - errors, issues };
}
