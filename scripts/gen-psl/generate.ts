// Regenerates packages/engine/src/context/psl-data.ts from the Public Suffix List rules that
// @adobe/target-tools 1.7.2 bundles (inside its copy of psl), so our domain parsing sees exactly
// the list the reference engine sees, not whatever the live list says today.
//
//   pnpm psl            write the file (scripts/gen-psl/generate.ts)
//   pnpm psl --check    fail if the committed file is stale
import { readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const outFile = join(root, "packages/engine/src/context/psl-data.ts");
const require = createRequire(join(root, "package.json"));
// The reference's psl calls the Node built-in, so matching must use the same encoder.
const punycode = require("node:punycode") as { toASCII(domain: string): string };

const toolsDir = dirname(require.resolve("@adobe/target-tools/package.json"));
const toolsPkg = JSON.parse(readFileSync(join(toolsDir, "package.json"), "utf8")) as { version: string; dependencies?: Record<string, string> };
const bundle = readFileSync(join(toolsDir, "dist/index.js"), "utf8");

const rules = extractRules(bundle);
const pslRange = toolsPkg.dependencies?.psl ?? "unknown";
// psl 1.10 replaced this module (ESM build, its own punycode import); the bundled copy is older.
if (!bundle.includes("punySuffix: -1") || !/require\(['"]punycode['"]\)/.test(bundle)) {
  throw new Error("the bundled psl no longer looks like psl 1.9; re-check its matching semantics");
}
const pslVersion = pslRange === "^1.9.0" ? "1.9.0" : `${pslRange} (check)`;

const live = liveRules(rules);
const tree = buildTree(live);
const data = serialize(tree);
verify(data, live);

const dropped = rules.filter((r) => !live.includes(r));
const source = render({ data, rules, dropped, pslVersion, toolsVersion: toolsPkg.version });

if (process.argv.includes("--check")) {
  if (readFileSync(outFile, "utf8") !== source) {
    console.error(`${outFile} is stale; run pnpm psl`);
    process.exit(1);
  }
} else {
  writeFileSync(outFile, source);
}
const bytes = Buffer.byteLength(data);
console.log(
  `psl ${pslVersion}: ${rules.length} rules, ${live.length} kept, data ${bytes} B, ` +
    `${gzipSync(data, { level: 9 }).length} B gzipped (whole file ${gzipSync(source, { level: 9 }).length} B gzipped)`,
);

/** The JSON array that the bundle assigns to `var rules`. */
function extractRules(text: string): string[] {
  const start = text.indexOf("var rules = [");
  if (start < 0) throw new Error("no `var rules = [` in the target-tools bundle");
  const open = text.indexOf("[", start);
  const close = text.indexOf("\n];", open);
  if (close < 0) throw new Error("unterminated rules array in the target-tools bundle");
  const list: unknown = JSON.parse(text.slice(open, close + 2));
  if (!Array.isArray(list) || list.length < 1000 || !list.every((r) => typeof r === "string")) {
    throw new Error("the rules array does not look like the Public Suffix List");
  }
  return list as string[];
}

/**
 * psl picks the LAST rule in list order whose suffix matches, not the longest. A rule listed
 * before one of its own parent suffixes can therefore never win (e.g. `com.fm` before `fm`), and
 * dropping those makes "longest match" give psl's answer, so the list can be stored as a trie.
 */
function liveRules(list: string[]): string[] {
  const suffixOf = (rule: string) => rule.replace(/^(\*\.|!)/, "");
  const indexBySuffix = new Map<string, number>();
  list.forEach((rule, i) => {
    const puny = punycode.toASCII(suffixOf(rule));
    if (indexBySuffix.has(puny)) throw new Error(`two rules share the suffix ${puny}; the trie can't hold both`);
    indexBySuffix.set(puny, i);
  });
  return list.filter((rule, i) => {
    const labels = punycode.toASCII(suffixOf(rule)).split(".");
    for (let k = 1; k < labels.length; k++) {
      const parent = indexBySuffix.get(labels.slice(k).join("."));
      if (parent !== undefined && parent > i) return false;
    }
    return true;
  });
}

/** A label of the trie: its rule kind ("" a rule, "*" wildcard, "!" exception, "?" none) and its children by label. */
interface TrieNode {
  kind: string;
  children: Map<string, TrieNode>;
}

function buildTree(list: string[]): TrieNode {
  const top: TrieNode = { kind: "?", children: new Map() };
  for (const rule of list) {
    let kind = "";
    let suffix = rule;
    if (rule.startsWith("*.")) {
      kind = "*";
      suffix = rule.slice(2);
    } else if (rule.startsWith("!")) {
      kind = "!";
      suffix = rule.slice(1);
    }
    let node = top;
    for (const label of suffix.split(".").reverse()) {
      if (!/^[^,()*!?A-Z.]+$/.test(label)) throw new Error(`label ${JSON.stringify(label)} clashes with the format`);
      let child = node.children.get(label);
      if (!child) {
        child = { kind: "?", children: new Map() };
        node.children.set(label, child);
      }
      node = child;
    }
    node.kind = kind;
  }
  return top;
}

/** Siblings are sorted and front-coded: an A–Z after the flag reuses 1–26 leading chars of the previous one. */
function serialize(node: TrieNode): string {
  const labels = [...node.children.keys()].sort();
  let previous = "";
  const out: string[] = [];
  for (const label of labels) {
    const child = node.children.get(label) as TrieNode;
    let shared = 0;
    const limit = Math.min(label.length, previous.length, 26);
    while (shared < limit && label[shared] === previous[shared]) shared++;
    // Never split a surrogate pair: a lone half can't be written as UTF-8.
    if (shared > 0 && /[\uD800-\uDBFF]/.test(label[shared - 1] as string)) shared--;
    let item = child.kind;
    item += shared >= 1 ? String.fromCharCode(64 + shared) + label.slice(shared) : label;
    if (child.children.size > 0) item += `(${serialize(child)})`;
    out.push(item);
    previous = label;
  }
  return out.join(",");
}

/** Decodes `data` independently of the engine and checks it holds exactly the kept rules. */
function verify(text: string, list: string[]): void {
  const found: string[] = [];
  const path: string[] = [];
  const previousAt = [""];
  let i = 0;
  while (i < text.length) {
    let kind = "";
    if ("*!?".includes(text[i] as string)) kind = text[i++] as string;
    let label = "";
    const code = text.charCodeAt(i);
    if (code >= 65 && code <= 90) {
      label = (previousAt[path.length] as string).slice(0, code - 64);
      i++;
    }
    const start = i;
    while (i < text.length && !",()".includes(text[i] as string)) i++;
    label += text.slice(start, i);
    previousAt[path.length] = label;
    const suffix = [label, ...path.slice().reverse()].join(".");
    if (kind === "*") found.push(`*.${suffix}`);
    else if (kind === "!") found.push(`!${suffix}`);
    else if (kind === "") found.push(suffix);
    if (text[i] === "(") {
      path.push(label);
      previousAt[path.length] = "";
      i++;
    }
    while (text[i] === ")") {
      path.pop();
      i++;
    }
    if (text[i] === ",") i++;
  }
  const want = [...list].sort();
  found.sort();
  if (want.length !== found.length || want.some((r, k) => r !== found[k])) {
    throw new Error("the serialized trie does not round-trip to the rule list");
  }
}

/** What the generated file says: the data and where it comes from. */
interface Rendered {
  data: string;
  rules: string[];
  dropped: string[];
  pslVersion: string;
  toolsVersion: string;
}

function render({ data, rules: all, dropped, pslVersion: version, toolsVersion }: Rendered): string {
  return `// GENERATED by \`pnpm psl\` (scripts/gen-psl); do not edit by hand.
//
// Data from the Mozilla Public Suffix List (https://publicsuffix.org/), licensed under the
// Mozilla Public License 2.0 (https://mozilla.org/MPL/2.0/). This is the snapshot that
// psl ${version} carries, as bundled in @adobe/target-tools ${toolsVersion}: ${all.length} rules.
// Left out, because psl picks the last matching rule in list order and these come before
// their own parent suffix, so they can never win: ${dropped.join(", ") || "none"}.
//
// Format: a reverse-label trie. Siblings are separated by "," and a node's children follow it in
// "( )". A node is [flag][prefix]label: flag "" is a rule for that suffix, "*" a wildcard rule
// "*.suffix", "!" an exception rule "!suffix", "?" no rule (only a path to deeper ones). Siblings
// are sorted; an uppercase A-Z prefix means "the first 1-26 characters of the previous sibling".
// Labels keep the list's own spelling (Unicode, not punycode).

/** The Public Suffix List rules psl ${version} knows, as a serialized reverse-label trie. */
export const PSL_RULES =
  ${JSON.stringify(data)};
`;
}
