import { Lru } from "../util/lru.js";
import { PSL_RULES } from "./psl-data.js";

/** How a host splits around its registrable domain, as targeting rules see it. */
export type DomainParts = {
  readonly domain: string;
  readonly subdomain: string;
  readonly topLevelDomain: string;
};

/**
 * Splits a host with the Public Suffix List the way the reference's `parseDomainPsl` does
 * (psl 1.9.0 semantics, quirks included): hosts psl rejects or can't place under a listed suffix
 * come back whole as `domain`, and a subdomain starting with "www" loses its first 4 characters.
 * Results are frozen and shared, since hosts repeat across requests.
 */
export function parseDomain(host: string): DomainParts {
  const cached = cache.get(host);
  if (cached !== undefined) return cached;
  const parts = Object.freeze(computeDomainParts(host));
  // Long hosts are always rejected; keeping them would let one request pin megabytes.
  if (host.length <= MAX_CACHED_HOST_LENGTH) cache.set(host, parts);
  return parts;
}

const MAX_CACHED_HOST_LENGTH = 512;
const cache = new Lru<string, DomainParts>(1000);

const RULE_NONE = 0;
const RULE_PLAIN = 1;
const RULE_WILDCARD = 2;
const RULE_EXCEPTION = 3;
type RuleKind = typeof RULE_NONE | typeof RULE_PLAIN | typeof RULE_WILDCARD | typeof RULE_EXCEPTION;

type TrieNode = {
  children: Map<string, TrieNode> | undefined;
  kind: RuleKind;
  /** The rule's suffix in the list's own spelling, which psl reports as the TLD. */
  suffix: string;
};

let trie: TrieNode | undefined;

function computeDomainParts(host: string): DomainParts {
  const rejected: DomainParts = { subdomain: "", domain: host, topLevelDomain: "" };

  let name = host.toLowerCase();
  if (name.endsWith(".")) name = name.slice(0, -1);
  // Every code point yields at least one ASCII character, so past this psl's 255 limit is exceeded.
  if (name.length > 2 * MAX_ASCII_LENGTH) return rejected;

  const asciiLabels = toAsciiLabels(name);
  if (asciiLabels === undefined) return rejected;

  const nameLabels = name.split(".");
  // psl treats ".local" as a non-Internet TLD.
  if (nameLabels[nameLabels.length - 1] === "local") return rejected;

  const rule = findRule(asciiLabels);
  if (rule === undefined) return rejected;

  // psl counts private labels on the name split at "." only, while it matched on the name split
  // at every IDNA dot; both views are kept so "a.b。co.uk" comes out the way psl has it.
  const tldLabels = rule.suffix.split(".");
  const privateLabels = nameLabels.slice(0, nameLabels.length - tldLabels.length);
  if (rule.kind === RULE_EXCEPTION) privateLabels.push(tldLabels.shift() as string);
  if (privateLabels.length === 0) return rejected;
  if (rule.kind === RULE_WILDCARD) {
    tldLabels.unshift(privateLabels.pop() as string);
    if (privateLabels.length === 0) return rejected;
  }

  const topLevelDomain = tldLabels.join(".");
  let domain = `${privateLabels.pop() as string}.${topLevelDomain}`;
  let subdomain = privateLabels.join(".");
  // psl only punycodes its output when the input already held punycode.
  if (name.includes("xn--")) {
    domain = toAsciiName(domain);
    subdomain = toAsciiName(subdomain);
  }
  if (subdomain.startsWith("www")) subdomain = subdomain.slice(4);
  return { subdomain, domain, topLevelDomain };
}

/** The deepest listed suffix of the name; with psl's shadowed rules removed this is psl's pick. */
function findRule(asciiLabels: readonly string[]): TrieNode | undefined {
  let node: TrieNode | undefined = trie ?? (trie = buildTrie(PSL_RULES));
  let best: TrieNode | undefined;
  for (let i = asciiLabels.length - 1; i >= 0 && node !== undefined; i--) {
    node = node.children?.get(asciiLabels[i] as string);
    if (node !== undefined && node.kind !== RULE_NONE) best = node;
  }
  return best;
}

/** Decodes the serialized trie of psl-data.ts (its header documents the format). */
function buildTrie(data: string): TrieNode {
  const root: TrieNode = { children: undefined, kind: RULE_NONE, suffix: "" };
  const parents: TrieNode[] = [root];
  const path: string[] = [];
  const previousAt: string[] = [""];
  const n = data.length;
  let i = 0;
  while (i < n) {
    let kind: RuleKind = RULE_PLAIN;
    const flag = data.charCodeAt(i);
    if (flag === 0x2a /* * */) kind = RULE_WILDCARD;
    else if (flag === 0x21 /* ! */) kind = RULE_EXCEPTION;
    else if (flag === 0x3f /* ? */) kind = RULE_NONE;
    if (kind !== RULE_PLAIN) i++;

    const depth = path.length;
    let label = "";
    const prefix = data.charCodeAt(i);
    if (prefix >= 0x41 && prefix <= 0x5a) {
      label = (previousAt[depth] ?? "").slice(0, prefix - 0x40);
      i++;
    }
    const start = i;
    while (i < n) {
      const c = data.charCodeAt(i);
      if (c === 0x2c /* , */ || c === 0x28 /* ( */ || c === 0x29 /* ) */) break;
      i++;
    }
    label += data.slice(start, i);
    previousAt[depth] = label;

    const parent = parents[depth] as TrieNode;
    const key = toAsciiLabel(label) ?? label;
    const children = parent.children ?? (parent.children = new Map());
    let node = children.get(key);
    if (node === undefined) {
      node = { children: undefined, kind: RULE_NONE, suffix: "" };
      children.set(key, node);
    }
    if (kind !== RULE_NONE) {
      node.kind = kind;
      node.suffix = [label, ...path.slice().reverse()].join(".");
    }

    if (data.charCodeAt(i) === 0x28) {
      path.push(label);
      parents[depth + 1] = node;
      previousAt[depth + 1] = "";
      i++;
    }
    while (data.charCodeAt(i) === 0x29) {
      path.pop();
      i++;
    }
    if (data.charCodeAt(i) === 0x2c) i++;
  }
  return root;
}

const MAX_ASCII_LENGTH = 255;
const MAX_LABEL_LENGTH = 63;
// IDNA treats these as dots too (full stop, ideographic, fullwidth and halfwidth full stops).
const IDNA_DOTS = /[.\u3002\uFF0E\uFF61]/;

/**
 * The name's labels in punycode, or undefined when psl would reject the name: it must be 1-255
 * ASCII characters, with labels of 1-63 characters from [a-z0-9-] not starting or ending in "-".
 */
function toAsciiLabels(name: string): string[] | undefined {
  // Node's punycode keeps the part up to "@" verbatim, and "@" is never a valid label character.
  if (name.length === 0 || name.includes("@")) return undefined;
  const labels = name.split(IDNA_DOTS);
  let total = labels.length - 1;
  for (let k = 0; k < labels.length; k++) {
    const label = labels[k] as string;
    const ascii = toAsciiLabel(label) ?? label;
    if (!isValidAsciiLabel(ascii)) return undefined;
    total += ascii.length;
    labels[k] = ascii;
  }
  return total <= MAX_ASCII_LENGTH ? labels : undefined;
}

function isValidAsciiLabel(label: string): boolean {
  const n = label.length;
  if (n === 0 || n > MAX_LABEL_LENGTH) return false;
  if (label.charCodeAt(0) === 0x2d || label.charCodeAt(n - 1) === 0x2d) return false;
  for (let i = 0; i < n; i++) {
    const c = label.charCodeAt(i);
    const ok = (c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39) || c === 0x2d;
    if (!ok) return false;
  }
  return true;
}

/** Punycodes each non-ASCII label, like Node's `punycode.toASCII` on an "@"-free name. */
function toAsciiName(name: string): string {
  if (name === "") return name;
  const labels = name.split(IDNA_DOTS);
  for (let k = 0; k < labels.length; k++) {
    const label = labels[k] as string;
    labels[k] = toAsciiLabel(label) ?? label;
  }
  return labels.join(".");
}

/**
 * "xn--" plus the RFC 3492 encoding when the label has a non-ASCII character, otherwise
 * undefined. Labels too long to ever be valid come back as an over-long placeholder instead of
 * being encoded, which bounds the quadratic encoder and avoids its overflow.
 */
function toAsciiLabel(label: string): string | undefined {
  let nonAscii = false;
  for (let i = 0; i < label.length; i++) {
    if (label.charCodeAt(i) > 0x7f) {
      nonAscii = true;
      break;
    }
  }
  if (!nonAscii) return undefined;
  const codePoints: number[] = [];
  for (const ch of label) {
    // "xn--" and one digit per non-ASCII code point already exceed 63 characters here.
    if (codePoints.length >= MAX_LABEL_LENGTH - 4) return TOO_LONG_LABEL;
    codePoints.push(ch.codePointAt(0) as number);
  }
  return `xn--${punycodeEncode(codePoints)}`;
}

const TOO_LONG_LABEL = "-".repeat(MAX_LABEL_LENGTH + 1);

const BASE = 36;
const T_MIN = 1;
const T_MAX = 26;
const SKEW = 38;
const DAMP = 700;
const INITIAL_BIAS = 72;
const INITIAL_N = 0x80;

/** RFC 3492 section 6.3, for short inputs (callers cap the length, so no overflow checks). */
function punycodeEncode(input: readonly number[]): string {
  let output = "";
  for (const cp of input) if (cp < 0x80) output += String.fromCharCode(cp);
  const basicCount = output.length;
  let handled = basicCount;
  if (basicCount > 0) output += "-";

  let n = INITIAL_N;
  let delta = 0;
  let bias = INITIAL_BIAS;
  while (handled < input.length) {
    let m = Number.MAX_SAFE_INTEGER;
    for (const cp of input) if (cp >= n && cp < m) m = cp;
    delta += (m - n) * (handled + 1);
    n = m;
    for (const cp of input) {
      if (cp < n) delta++;
      if (cp !== n) continue;
      let q = delta;
      for (let k = BASE; ; k += BASE) {
        const t = k <= bias ? T_MIN : k >= bias + T_MAX ? T_MAX : k - bias;
        if (q < t) break;
        output += encodeDigit(t + ((q - t) % (BASE - t)));
        q = Math.floor((q - t) / (BASE - t));
      }
      output += encodeDigit(q);
      bias = adaptBias(delta, handled + 1, handled === basicCount);
      delta = 0;
      handled++;
    }
    delta++;
    n++;
  }
  return output;
}

function adaptBias(delta: number, pointCount: number, first: boolean): number {
  let d = first ? Math.floor(delta / DAMP) : Math.floor(delta / 2);
  d += Math.floor(d / pointCount);
  let k = 0;
  while (d > ((BASE - T_MIN) * T_MAX) >> 1) {
    d = Math.floor(d / (BASE - T_MIN));
    k += BASE;
  }
  return k + Math.floor(((BASE - T_MIN + 1) * d) / (d + SKEW));
}

function encodeDigit(d: number): string {
  // 0-25 are a-z, 26-35 are 0-9; lowercase, as Node's punycode writes them.
  return String.fromCharCode(d < 26 ? d + 0x61 : d + 0x16);
}
