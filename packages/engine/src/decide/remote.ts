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

function itemCount(request: DeliveryRequest, key: "mboxes" | "views"): number {
  let count = 0;
  for (const mode of MODES) {
    const list = request[mode]?.[key];
    if (Array.isArray(list)) count += list.length;
  }
  return count;
}

/** Whether an item of the request asks for the name (as a set of the names would say: SameValueZero). */
function requests(request: DeliveryRequest, key: "mboxes" | "views", name: unknown): boolean {
  for (const mode of MODES) {
    const list = request[mode]?.[key];
    if (!Array.isArray(list)) continue;
    for (const item of list) {
      if (!isRecord(item) || item.name === undefined) continue;
      if (item.name === name || (item.name !== item.name && name !== name)) return true;
    }
  }
  return false;
}

/** Names collected in order, each once; nothing is allocated until the first one. */
class NameList {
  private names: unknown[] | undefined;
  private seen: Set<unknown> | undefined;

  add(name: unknown): void {
    if (this.seen?.has(name)) return;
    (this.seen ??= new Set()).add(name);
    (this.names ??= []).push(name);
  }

  get size(): number {
    return this.names?.length ?? 0;
  }

  toArray(): string[] {
    return (this.names ?? []) as string[];
  }
}

/** Requested names the artifact cannot decide: its remote names first, then names it does not hold. */
function remoteNames(
  request: DeliveryRequest,
  key: "mboxes" | "views",
  remote: readonly string[],
  local: ReadonlySet<unknown>,
  alsoRequested: unknown,
): NameList {
  const out = new NameList();
  if (remote.length > 0) {
    if (remote.length * (itemCount(request, key) + 1) <= 64) {
      // A few remote names against a few items: scanning beats building a set per decision.
      for (const name of remote) if (name === alsoRequested || requests(request, key, name)) out.add(name);
    } else {
      const requested = requestedNames(request, key);
      if (alsoRequested !== undefined) requested.add(alsoRequested);
      for (const name of remote) if (requested.has(name)) out.add(name);
    }
  }
  for (const mode of MODES) {
    const list = request[mode]?.[key];
    if (!Array.isArray(list)) continue;
    for (const item of list) {
      if (isRecord(item) && item.name !== undefined && !local.has(item.name)) out.add(item.name);
    }
  }
  if (alsoRequested !== undefined && !local.has(alsoRequested)) out.add(alsoRequested);
  return out;
}

/**
 * The usual request: no views, and only mboxes (the page load's included) the artifact decides
 * alone. Then nothing is remote, which one lookup per item tells without gathering any names.
 */
function decidedLocally(prepared: PreparedArtifact, request: DeliveryRequest): boolean {
  const decidable = prepared.decidableMboxes;
  // Named reads of both modes, not a loop over their names: a keyed read is slower.
  return modeDecidedLocally(decidable, request.prefetch) && modeDecidedLocally(decidable, request.execute);
}

function modeDecidedLocally(decidable: ReadonlySet<unknown>, block: DeliveryRequest["execute"] | DeliveryRequest["prefetch"]): boolean {
  if (block === undefined || block === null) return true;
  if (Array.isArray((block as { views?: unknown }).views)) return false;
  if (isPlainObject(block.pageLoad) && !decidable.has(DEFAULT_GLOBAL_MBOX)) return false;
  const list = block.mboxes;
  if (!Array.isArray(list)) return true;
  for (let i = 0; i < list.length; i++) {
    const item: unknown = list[i];
    if (isRecord(item) && item.name !== undefined && !decidable.has(item.name)) return false;
  }
  return true;
}

/**
 * Which requested mboxes and views the artifact cannot decide (listed remote, or not listed
 * local), in the order Target reports them: the artifact's remote names first, then the
 * request's. Runs for every decision, so the usual answer (nothing remote) allocates nothing
 * but the result.
 */
export function remoteDependencyOf(prepared: PreparedArtifact, request: DeliveryRequest): RemoteDependency {
  if (decidedLocally(prepared, request)) return { remoteNeeded: false, remoteMboxes: [], remoteViews: [] };
  const pageLoad = isPlainObject(request.execute?.pageLoad) || isPlainObject(request.prefetch?.pageLoad) ? DEFAULT_GLOBAL_MBOX : undefined;
  const remoteMboxes = remoteNames(request, "mboxes", prepared.remoteMboxes, prepared.localMboxes, pageLoad);
  let remoteViews: NameList;
  const viewsRequested = Array.isArray(request.prefetch?.views) || Array.isArray(request.execute?.views);
  if (viewsRequested && !namesAView(request)) {
    // A request for "all views" depends on every remote view.
    remoteViews = new NameList();
    for (const name of prepared.remoteViews) remoteViews.add(name);
  } else {
    remoteViews = remoteNames(request, "views", prepared.remoteViews, prepared.localViews, undefined);
  }
  return {
    remoteNeeded: remoteMboxes.size > 0 || remoteViews.size > 0,
    remoteMboxes: remoteMboxes.toArray(),
    remoteViews: remoteViews.toArray(),
  };
}

/** Whether any requested view has a name. */
function namesAView(request: DeliveryRequest): boolean {
  for (const mode of MODES) {
    const list = request[mode]?.views;
    if (!Array.isArray(list)) continue;
    for (const item of list) if (isRecord(item) && item.name !== undefined) return true;
  }
  return false;
}
