import { isRecord } from "../util/json.js";

const MACRO = /\$\{([a-zA-Z0-9_.]*?)\}/g;
const RENAMES = /campaign|recipe/gi;

function own(source: unknown, key: string): unknown {
  return isRecord(source) && Object.prototype.hasOwnProperty.call(source, key) ? source[key] : undefined;
}

/**
 * The lookup key of a macro name: `campaign`→`activity`, `recipe`→`experience`, only the last
 * two segments, `mbox` segments dropped. Target matches the renames case-insensitively but
 * only maps lower-case spellings, so `Campaign` becomes `undefined`; we keep that.
 */
function macroKey(name: string): string {
  let parts = name
    .replace(RENAMES, (found) => (found === "campaign" ? "activity" : found === "recipe" ? "experience" : "undefined"))
    .split(".");
  if (parts.length > 2) parts = parts.slice(parts.length - 2);
  return parts.filter((part) => part !== "mbox").join(".");
}

/**
 * Replace `${…}` campaign macros in offer content with values from the rule's meta, then the
 * request item, then its parameters. Unknown macros stay as written. Only own properties are
 * read, so `${constructor}` cannot reach prototypes.
 */
export function replaceMacros(content: unknown, meta: unknown, item: Record<string, unknown>): unknown {
  if (typeof content !== "string" || content.indexOf("${") === -1) return content;
  return content.replace(MACRO, (whole: string, name: string) => {
    const key = macroKey(name);
    for (const source of [meta, item, item.parameters]) {
      const value = own(source, key);
      if (value === undefined) continue;
      // An object from the request whose conversion throws (own `toString` not a function) leaves the macro as written.
      try {
        return String(value);
      } catch {
        return whole;
      }
    }
    return whole;
  });
}
