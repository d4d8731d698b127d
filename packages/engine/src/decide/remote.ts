import { DEFAULT_GLOBAL_MBOX, type PreparedArtifact } from "../artifact/prepare.js";
import type { DeliveryRequest, RemoteDependency } from "../types.js";
import { isRecord } from "../util/json.js";

const MODES = ["prefetch", "execute"] as const;

function requestedNames(request: DeliveryRequest, key: "mboxes" | "views"): Set<unknown> {
  const names = new Set<unknown>();
  for (const mode of MODES) {
    const list = request[mode]?.[key];
    if (!Array.isArray(list)) continue;
    for (const item of list) {
      if (isRecord(item) && item.name !== undefined) names.add(item.name);
    }
  }
  return names;
}

/** A plain object of any realm: its prototype is some realm's `Object.prototype`. */
function isPlainObject(value: unknown): boolean {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto !== null && Object.getPrototypeOf(proto) === null;
}

/**
 * Which requested mboxes and views the artifact cannot decide (listed remote, or not listed
 * local), in the order Target reports them: the artifact's remote names first, then the
 * request's.
 */
export function remoteDependencyOf(prepared: PreparedArtifact, request: DeliveryRequest): RemoteDependency {
  const mboxes = requestedNames(request, "mboxes");
  if (isPlainObject(request.execute?.pageLoad) || isPlainObject(request.prefetch?.pageLoad)) mboxes.add(DEFAULT_GLOBAL_MBOX);
  const views = requestedNames(request, "views");

  const remoteMboxes = new Set<unknown>(prepared.remoteMboxes.filter((name) => mboxes.has(name)));
  for (const name of mboxes) if (!prepared.localMboxes.has(name)) remoteMboxes.add(name);

  const viewsRequested = MODES.some((mode) => Array.isArray(request[mode]?.views));
  let remoteViews: Set<unknown>;
  if (viewsRequested && views.size === 0) {
    // A request for "all views" depends on every remote view.
    remoteViews = new Set(prepared.remoteViews);
  } else {
    remoteViews = new Set(prepared.remoteViews.filter((name) => views.has(name)));
    for (const name of views) if (!prepared.localViews.has(name)) remoteViews.add(name);
  }
  return {
    remoteNeeded: remoteMboxes.size > 0 || remoteViews.size > 0,
    remoteMboxes: [...remoteMboxes] as string[],
    remoteViews: [...remoteViews] as string[],
  };
}
