import { ownValue } from "../util/json.js";

const MACRO = /\$\{([a-zA-Z0-9_.]*?)\}/g;
const RENAMES = /campaign|recipe/gi;

/**
 * The lookup key of a macro name: `campaign`→`activity`, `recipe`→`experience`, only the last
 * two segments, `mbox` segments dropped. Target matches the renames case-insensitively but
 * only maps lower-case spellings, so `Campaign` becomes `undefined`; we keep that.
 */
function macroKey(name: string): string {
  let parts = name.replace(RENAMES, (found) => (found === "campaign" ? "activity" : found === "recipe" ? "experience" : "undefined")).split(".");
  if (parts.length > 2) parts = parts.slice(parts.length - 2);
  return parts.filter((part) => part !== "mbox").join(".");
}

/** A macro whose value depends on the request: its key, and the text it stands for when nothing answers. */
interface Slot {
  readonly key: string;
  readonly written: string;
  /** A meta value that is an object: converted at each decision, as its conversion may throw or change. */
  readonly meta: unknown;
}

/**
 * A template with campaign macros, split once for one rule: the text between the macros that
 * depend on the request, with the macros the rule's meta answers already written in.
 */
export class MacroTemplate {
  constructor(
    /** One more than `slots`: the text before each slot, then the text after the last. */
    private readonly texts: readonly string[],
    private readonly slots: readonly Slot[],
  ) {}

  /** The template with the request item's values (then its parameters') in place of its macros. */
  render(item: Record<string, unknown>): string {
    const { texts, slots } = this;
    let out = texts[0] as string;
    for (let i = 0; i < slots.length; i++) out += slotText(slots[i] as Slot, item) + (texts[i + 1] as string);
    return out;
  }
}

/** A value as macro text: an object from the request whose conversion throws (own `toString` not a function) leaves the macro as written. */
function text(value: unknown, written: string): string {
  try {
    return String(value);
  } catch {
    return written;
  }
}

function slotText(slot: Slot, item: Record<string, unknown>): string {
  if (slot.meta !== undefined) return text(slot.meta, slot.written);
  let value = ownValue(item, slot.key);
  if (value === undefined) value = ownValue(item.parameters, slot.key);
  return value === undefined ? slot.written : text(value, slot.written);
}

const isPrimitive = (value: unknown): boolean => value === null || (typeof value !== "object" && typeof value !== "function");

/**
 * Split content with `${…}` campaign macros once for a rule. A macro takes its value from the
 * rule's meta, then the request item, then its parameters; unknown macros stay as written, and
 * only own properties are read (`${constructor}` cannot reach prototypes). Meta values are the
 * same at every decision: a primitive one is written into the text now (its `String` is fixed),
 * an object one is converted at each decision, as before.
 */
export function compileMacros(content: string, meta: unknown): MacroTemplate {
  const texts: string[] = [];
  const slots: Slot[] = [];
  let pending = "";
  let from = 0;
  for (const match of content.matchAll(MACRO)) {
    const [written, name] = match as unknown as [string, string];
    pending += content.slice(from, match.index);
    from = (match.index as number) + written.length;
    const key = macroKey(name);
    const fromMeta = ownValue(meta, key);
    if (fromMeta !== undefined && isPrimitive(fromMeta)) {
      pending += String(fromMeta);
      continue;
    }
    texts.push(pending);
    pending = "";
    slots.push({ key, written, meta: fromMeta });
  }
  texts.push(pending + content.slice(from));
  return new MacroTemplate(texts, slots);
}
