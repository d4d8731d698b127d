import { formatRange } from "../analysis/allocation.js";
import type { ConditionExplanation, Explanation, ItemExplanation, RuleExplanation } from "../analysis/explain.js";
import { brief } from "./text.js";

const mark = (ok: boolean): string => (ok ? "✓" : "✗");

/** Context values that are instants in ms since epoch, shown as ISO 8601 (UTC). */
const TIMESTAMPS = new Set(["current_timestamp"]);
/** ms since epoch between 2001 and 2286: the numbers a date condition compares with. */
const EPOCH_MS = /(?<![\w.])\d{12,13}(?![\w.])/g;

function isoOf(ms: number): string | undefined {
  const date = new Date(ms);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

function readValue(name: string, value: unknown): string {
  if (TIMESTAMPS.has(name) && typeof value === "number") return isoOf(value) ?? brief(value, 48);
  return brief(value, 48);
}

// Date-range audiences compare current_timestamp with epoch numbers; people read dates.
function conditionText(node: ConditionExplanation): string {
  if (!(node.reads ?? []).some((read) => TIMESTAMPS.has(read.name))) return node.text;
  return node.text.replace(EPOCH_MS, (digits) => isoOf(Number(digits)) ?? digits);
}

/** What a rule delivers: its offer types, or the activity's default content when it has no offer. */
function offersOf(rule: RuleExplanation): string {
  return rule.offers.length > 0 ? `[${rule.offers.join(", ")}]` : "[default content: no offer]";
}

const STATUS: Record<RuleExplanation["status"], string> = {
  chosen: "CHOSEN",
  "not-matched": "no match",
  shadowed: "matched, not used",
  "other-property": "skipped",
};

function conditionLines(node: ConditionExplanation, indent: string, out: string[]): void {
  const prefix = node.evaluated ? mark(node.result) : "·";
  const skipped = node.evaluated ? "" : "  (not evaluated)";
  if (node.children && node.op) {
    const label = node.op === "and" ? "all of" : node.op === "or" ? "any of" : "not";
    out.push(`${indent}${prefix} ${label}:${skipped}`);
    for (const child of node.children) conditionLines(child, `${indent}    `, out);
    return;
  }
  const reads = (node.reads ?? []).map((read) => `${read.name} = ${readValue(read.name, read.value)}`).join(", ");
  const error = node.error ? `  error: ${node.error}` : "";
  out.push(`${indent}${prefix} ${conditionText(node)}${reads ? `    [${reads}]` : ""}${error}${skipped}`);
}

function ruleLines(rule: RuleExplanation, item: ItemExplanation, out: string[]): void {
  const activity = `activity ${String(rule.activity.id)}${rule.activity.name ? ` "${String(rule.activity.name)}"` : ""}${rule.activity.type ? ` (${String(rule.activity.type)})` : ""}`;
  const experience = `experience ${JSON.stringify(rule.experience.name ?? rule.experience.id ?? null)}`;
  // Only rules pooled from several views need their location named.
  const where = rule.location && rule.location !== item.name && item.type !== "pageLoad" ? `${rule.location} ` : "";
  out.push(`  ${where}#${rule.position} ${mark(rule.matched)} ${STATUS[rule.status]}: ${activity} › ${experience} ${offersOf(rule)}`);
  if (rule.note) out.push(`      ${rule.note}`);
  if (rule.allocation) {
    const { value, range, inRange } = rule.allocation;
    out.push(`      allocation ${value.toFixed(2)} ${inRange ? "is in" : "is not in"} the experience's range ${formatRange(range)}`);
  }
  conditionLines(rule.condition, "      ", out);
}

function itemTitle(item: ItemExplanation): string {
  if (item.type === "pageLoad") return `${item.mode} page load (global mbox "${item.name ?? ""}")`;
  if (item.type === "view") return `${item.mode} view ${item.name === undefined ? "(all views)" : `"${item.name}"`}`;
  return `${item.mode} mbox "${item.name ?? ""}"${item.index !== undefined ? ` (index ${String(item.index)})` : ""}`;
}

function outcomeLine(item: ItemExplanation): string {
  const chosen = item.rules.filter((rule) => rule.status === "chosen");
  if (chosen.length === 0) {
    if (item.rules.length === 0) return "  → no rules: nothing to show";
    return item.type === "mbox" ? "  → no rule matched: the mbox answers with no content" : "  → no rule matched";
  }
  const names = chosen.map(
    (rule) =>
      `#${rule.position} (activity ${String(rule.activity.id)} › ${JSON.stringify(rule.experience.name ?? rule.experience.id ?? null)}${rule.offers.length === 0 ? ": default content" : ""})`,
  );
  const defaults = chosen.every((rule) => rule.offers.length === 0) ? ": the visitor sees the page's default content (no offer)" : "";
  return `  → answered by ${names.length === 1 ? "rule" : "rules"} ${names.join(", ")}${defaults}`;
}

/** The explanation as text for a terminal. */
export function formatExplanation(explanation: Explanation): string {
  const out: string[] = [];
  const { visitor, context } = explanation;
  const source =
    visitor.source === "generated"
      ? "generated: the request had no visitor id"
      : visitor.source === "random"
        ? "random: only an authenticated customer id, allocation is drawn per request"
        : visitor.source;
  out.push(`visitor ${visitor.id} (${source}), client ${explanation.client}, at ${explanation.at}`);
  const page = context.page as Record<string, unknown>;
  const user = context.user as Record<string, unknown>;
  const facts = [
    `page ${page.url ? JSON.stringify(page.url) : "(no URL)"}`,
    `browser ${String(user.browserType)} ${String(user.browserVersion)} on ${String(user.platform)}`,
    `day ${context.current_day}, time ${context.current_time} UTC`,
  ];
  const geo = Object.entries(context.geo).filter(([, value]) => value !== undefined);
  if (geo.length > 0) facts.push(`geo ${geo.map(([key, value]) => `${key}=${String(value)}`).join(" ")}`);
  out.push(`context: ${facts.join(" · ")}`);
  for (const item of explanation.items) {
    out.push("");
    out.push(itemTitle(item));
    if (!item.local) out.push("  (needs the Delivery API: the artifact lists it as remote or not at all; on-device the answer has status 206)");
    if (Object.keys(item.mbox).length > 0) out.push(`  mbox parameters: ${brief(item.mbox, 100)}`);
    for (const rule of item.rules) ruleLines(rule, item, out);
    out.push(outcomeLine(item));
  }
  if (explanation.items.length === 0) out.push("", "the request asks for no mbox, view or page load");
  return `${out.join("\n")}\n`;
}
