/** The parts of a page or referring URL that targeting rules can test. */
export type UrlParts = {
  url: string;
  host: string;
  path: string;
  query: string;
  fragment: string;
};

const COLON = 0x3a;
const AT = 0x40;
const SLASH = 0x2f;
const QUESTION = 0x3f;
const HASH = 0x23;
const DOT = 0x2e;

/**
 * Splits a URL exactly as the reference does with `parse-uri` in loose mode, quirks included,
 * so that rules written against Adobe's engine see the same host, path, query and fragment.
 *
 * The reference regex backtracks catastrophically on long input, so this is a single forward
 * pass instead. That is exact because every group after the scheme is optional and the regex has
 * no end anchor: the first greedy reading always succeeds, so nothing backtracks across groups.
 * Its costly lookahead only moves the directory/file boundary, and path is their concatenation.
 */
export function parseUrl(url: string): UrlParts {
  const s = url;
  const n = s.length;
  if (n === 0) return { url, host: "", path: "", query: "", fragment: "" };

  let p = 0;

  // A scheme is skipped when the start looks like "user:password@", because the reference
  // prefers reading that as credentials rather than as a scheme.
  if (!looksLikeLeadingCredentials(s)) {
    let i = 0;
    while (i < n && !isSchemeStop(s.charCodeAt(i))) i++;
    if (i > 0 && i < n && s.charCodeAt(i) === COLON) p = i + 1;
  }

  if (s.charCodeAt(p) === SLASH && s.charCodeAt(p + 1) === SLASH) p += 2;

  // Credentials may run over "/", "?" and "#": "http://a.com/x?y=a@b.com" has host "b.com".
  const u = indexOfColonOrAt(s, p);
  if (u < n) {
    if (s.charCodeAt(u) === AT) {
      p = u + 1;
    } else {
      const v = indexOfColonOrAt(s, u + 1);
      if (v < n && s.charCodeAt(v) === AT) p = v + 1;
    }
  }

  const hostStart = p;
  while (p < n && !isHostStop(s.charCodeAt(p))) p++;
  const host = s.slice(hostStart, p);

  // A colon ends the host even without digits after it; whatever follows becomes the path.
  if (s.charCodeAt(p) === COLON) {
    p++;
    while (p < n && isDigit(s.charCodeAt(p))) p++;
  }

  const pathStart = p;
  if (s.charCodeAt(p) === SLASH) {
    while (p < n && !isQueryOrFragmentStart(s.charCodeAt(p))) p++;
  } else {
    // Without a leading slash only one segment counts, and the match ends at the next slash,
    // so a later "?" or "#" no longer yields a query or fragment.
    while (p < n && !isSegmentStop(s.charCodeAt(p))) p++;
  }
  const path = s.slice(pathStart, p);

  let query = "";
  if (s.charCodeAt(p) === QUESTION) {
    const queryStart = p + 1;
    p = queryStart;
    while (p < n && s.charCodeAt(p) !== HASH) p++;
    query = s.slice(queryStart, p);
  }

  let fragment = "";
  if (s.charCodeAt(p) === HASH) {
    const fragmentStart = p + 1;
    p = fragmentStart;
    // The reference captures the fragment with ".", which stops at line terminators.
    while (p < n && !isLineTerminator(s.charCodeAt(p))) p++;
    fragment = s.slice(fragmentStart, p);
  }

  return { url, host, path, query, fragment };
}

/** Whether the input starts with `[^:@]+:[^:@/]*@`, the reference's guard against schemes. */
function looksLikeLeadingCredentials(s: string): boolean {
  const i = indexOfColonOrAt(s, 0);
  if (i === 0 || i >= s.length || s.charCodeAt(i) !== COLON) return false;
  for (let j = i + 1; j < s.length; j++) {
    const c = s.charCodeAt(j);
    if (c === AT) return true;
    if (c === COLON || c === SLASH) return false;
  }
  return false;
}

function indexOfColonOrAt(s: string, from: number): number {
  let i = from;
  while (i < s.length) {
    const c = s.charCodeAt(i);
    if (c === COLON || c === AT) return i;
    i++;
  }
  return s.length;
}

function isSchemeStop(c: number): boolean {
  return c === COLON || c === SLASH || c === QUESTION || c === HASH || c === DOT;
}

function isHostStop(c: number): boolean {
  return c === COLON || c === SLASH || c === QUESTION || c === HASH;
}

function isSegmentStop(c: number): boolean {
  return c === SLASH || c === QUESTION || c === HASH;
}

function isQueryOrFragmentStart(c: number): boolean {
  return c === QUESTION || c === HASH;
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

function isLineTerminator(c: number): boolean {
  return c === 0x0a || c === 0x0d || c === 0x2028 || c === 0x2029;
}
