import { ConfigError } from "../errors.js";
import { describe, type Fields } from "./fields.js";

/** Forced allocations by visitor id (as decisions hash it), then by activity id as text. */
export type ForcedAllocations = ReadonlyMap<string, ReadonlyMap<string, number>>;

const ENTRY = "{visitorId: a non-empty string, activityId: a string or a number, allocation: 0 to 99.99}";

/** `forcedAllocations` checked, by visitor and activity; undefined when none is given. Throws a `ConfigError` naming the entry. */
export function forcedAllocationsOf(config: Fields): ForcedAllocations | undefined {
  const given = config.forcedAllocations;
  if (given === undefined || given === null) return undefined;
  if (!Array.isArray(given)) throw new ConfigError("forcedAllocations", `must be a list of ${ENTRY}, not ${describe(given)}`);
  const byVisitor = new Map<string, Map<string, number>>();
  given.forEach((entry: unknown, i) => {
    const { visitorId, activityId, allocation } = (typeof entry === "object" && entry !== null ? entry : {}) as Record<string, unknown>;
    const bad =
      typeof entry !== "object" || entry === null
        ? ""
        : typeof visitorId !== "string" || visitorId === ""
          ? ".visitorId"
          : typeof activityId !== "string" && typeof activityId !== "number"
            ? ".activityId"
            : !(typeof allocation === "number" && allocation >= 0 && allocation < 100)
              ? ".allocation"
              : undefined;
    if (bad !== undefined) throw new ConfigError(`forcedAllocations[${i}]${bad}`, `each entry must be ${ENTRY}, not ${describe(entry)}`);
    // A tntId matches without its `.cluster_n` suffix, as decisions hash it.
    const key = (visitorId as string).split(".")[0] as string;
    let activities = byVisitor.get(key);
    if (activities === undefined) byVisitor.set(key, (activities = new Map()));
    activities.set(String(activityId), allocation as number);
  });
  return byVisitor.size > 0 ? byVisitor : undefined;
}
