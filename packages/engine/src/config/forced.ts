import { ConfigError } from "../errors.js";
import { describe, type Fields } from "./fields.js";

/** Forced allocations by visitor id (as decisions hash it), then by activity id as text. */
export type ForcedAllocations = ReadonlyMap<string, ReadonlyMap<string, number>>;

/** The visitor id a decision hashes for a configured one: a tntId without its `.cluster_n` suffix. */
function visitorKeyOf(visitorId: string): string {
  const dot = visitorId.indexOf(".");
  return dot === -1 ? visitorId : visitorId.slice(0, dot);
}

/** `forcedAllocations` checked, by visitor and activity; undefined when none is given. Throws a `ConfigError` naming the entry. */
export function forcedAllocationsOf(config: Fields): ForcedAllocations | undefined {
  const given = config.forcedAllocations;
  if (given === undefined || given === null) return undefined;
  if (!Array.isArray(given)) throw new ConfigError("forcedAllocations", `must be an array of {visitorId, activityId, allocation}, not ${describe(given)}`);
  if (given.length === 0) return undefined;
  const byVisitor = new Map<string, Map<string, number>>();
  given.forEach((entry: unknown, i) => {
    const field = `forcedAllocations[${i}]`;
    if (typeof entry !== "object" || entry === null) throw new ConfigError(field, `must be {visitorId, activityId, allocation}, not ${describe(entry)}`);
    const { visitorId, activityId, allocation } = entry as Record<string, unknown>;
    if (typeof visitorId !== "string" || visitorId === "") throw new ConfigError(`${field}.visitorId`, `must be a non-empty string, not ${describe(visitorId)}`);
    if (typeof activityId !== "string" && typeof activityId !== "number") throw new ConfigError(`${field}.activityId`, `must be a string or a number, not ${describe(activityId)}`);
    if (typeof allocation !== "number" || !(allocation >= 0 && allocation < 100)) {
      throw new ConfigError(`${field}.allocation`, `must be an allocation from 0 to 99.99, not ${describe(allocation)}`);
    }
    const key = visitorKeyOf(visitorId);
    let activities = byVisitor.get(key);
    if (activities === undefined) byVisitor.set(key, (activities = new Map()));
    activities.set(String(activityId), allocation);
  });
  return byVisitor;
}
