/**
 * How an experience's offers changed, key by key: `searchProviderId: "starwars" → 999` rather
 * than two cut-off JSON documents. Object content is compared path by path (bounded in depth
 * and in lines); anything else is shown whole, briefly.
 */
import { internal } from "@decisioning/engine";
import { brief } from "../format/text.js";
import { logicKey } from "./logic.js";
import type { OfferModel } from "./model.js";

const { isRecord } = internal;

/** Deepest path compared key by key; deeper values are compared whole. */
const MAX_DEPTH = 6;
/** Most changed keys listed per offer; the rest are counted. */
const MAX_LINES = 20;

const pathOf = (parent: string, key: string): string =>
  parent === "" ? key : /^[A-Za-z_$][\w$]*$/.test(key) ? `${parent}.${key}` : `${parent}[${JSON.stringify(key)}]`;

function keyChanges(before: Record<string, unknown>, after: Record<string, unknown>, parent: string, depth: number, out: string[]): void {
  for (const key of Object.keys(before)) {
    const path = pathOf(parent, key);
    if (!Object.prototype.hasOwnProperty.call(after, key)) out.push(`${path}: removed (was ${brief(before[key])})`);
    else {
      const a = before[key];
      const b = after[key];
      if (logicKey(a) === logicKey(b)) continue;
      if (isRecord(a) && isRecord(b) && depth < MAX_DEPTH) keyChanges(a, b, path, depth + 1, out);
      else out.push(`${path}: ${brief(a)} → ${brief(b)}`);
    }
  }
  for (const key of Object.keys(after)) {
    if (!Object.prototype.hasOwnProperty.call(before, key)) out.push(`${pathOf(parent, key)}: added ${brief(after[key])}`);
  }
}

const shown = (offers: readonly OfferModel[]): string => offers.map((o) => `${o.type ?? "unknown"} ${brief(o.content)}`).join(" + ") || "none";

/** Lines describing how `before` became `after`, each prefixed with `label` (e.g. `experience "A"`). */
export function offerChanges(label: string, before: readonly OfferModel[], after: readonly OfferModel[]): string[] {
  if (logicKey(before) === logicKey(after)) return [];
  const comparable =
    before.length === after.length && before.every((offer, i) => offer.type === after[i]?.type && isRecord(offer.content) && isRecord(after[i]?.content));
  if (!comparable) return [`${label} offers ${shown(before)} → ${shown(after)}`];
  const lines: string[] = [];
  before.forEach((offer, i) => {
    const next = after[i] as OfferModel;
    const keys: string[] = [];
    keyChanges(offer.content as Record<string, unknown>, next.content as Record<string, unknown>, "", 1, keys);
    const which = `${label} ${before.length > 1 ? `offer ${i + 1} ` : ""}(${offer.type ?? "unknown"})`;
    for (const key of keys.slice(0, MAX_LINES)) lines.push(`${which} ${key}`);
    if (keys.length > MAX_LINES) lines.push(`${which} and ${keys.length - MAX_LINES} more changed keys`);
  });
  // Same content in another order of keys, or a change only in ids: still say something changed.
  return lines.length > 0 ? lines : [`${label} offers ${shown(before)} → ${shown(after)}`];
}
