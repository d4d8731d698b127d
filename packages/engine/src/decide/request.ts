import { DEFAULT_REQUEST_LIMITS } from "../config/limits.js";
import { ErrorCode, RequestError } from "../errors.js";
import type { Context, CustomerId, DeliveryRequest, Geo, GetOffersOptions, RequestLimits, VisitorId } from "../types.js";
import { copyToSet, copyWith, hasOwn, isRecord } from "../util/json.js";
import { isEdgeCluster } from "../context/edge-cluster.js";

function fail(field: string, problem: string): RequestError {
  return new RequestError(ErrorCode.RequestInvalid, field, problem);
}

function tooLarge(field: string, problem: string): RequestError {
  return new RequestError(ErrorCode.LimitExceeded, field, problem);
}

function tooLong(value: unknown, limits: RequestLimits): value is string {
  return typeof value === "string" && value.length > limits.maxStringLength;
}

function lengthError(field: string, value: string, limits: RequestLimits): RequestError {
  return tooLarge(field, `is ${value.length} characters long; the limit is ${limits.maxStringLength}`);
}

function checkString(value: unknown, field: string, limits: RequestLimits): void {
  if (tooLong(value, limits)) throw lengthError(field, value, limits);
}

/**
 * The path to the first value nested deeper than `budget` levels below `value`, or undefined.
 * Parts of the engine walk values recursively and responses echo parts of the request, so a
 * body nested 100,000 levels deep would otherwise overflow the stack mid-decision. Recursion
 * here stops at `budget`, and a cyclic object counts as too deep.
 */
function deepPath(value: unknown, budget: number): string[] | undefined {
  if (typeof value !== "object" || value === null) return undefined;
  if (budget === 0) return [];
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const path = deepPath(value[i], budget - 1);
      if (path) return [`[${i}]`, ...path];
    }
    return undefined;
  }
  // for-in with an own check walks V8's enum cache; Object.keys would allocate an array per object.
  for (const key in value) {
    if (!Object.prototype.hasOwnProperty.call(value, key)) continue;
    const path = deepPath((value as Record<string, unknown>)[key], budget - 1);
    if (path) return [`.${key.slice(0, 64)}`, ...path];
  }
  return undefined;
}

/**
 * Whether anything is nested deeper than `budget` levels below `value` (an object). The usual
 * answer is no, so this walk builds nothing and only descends into objects; `deepPath` names
 * the field once one is found.
 */
function tooDeep(value: object, budget: number): boolean {
  if (budget === 0) return true;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      if (typeof item === "object" && item !== null && tooDeep(item, budget - 1)) return true;
    }
    return false;
  }
  for (const key in value) {
    const item: unknown = (value as Record<string, unknown>)[key];
    if (typeof item === "object" && item !== null && Object.prototype.hasOwnProperty.call(value, key) && tooDeep(item, budget - 1)) return true;
  }
  return false;
}

function checkDepth(request: object, limits: RequestLimits): void {
  if (!tooDeep(request, limits.maxDepth)) return;
  const path = deepPath(request, limits.maxDepth) ?? [];
  // The full path may be thousands of levels long; the first few name the field well enough.
  const field = `request${path.slice(0, 4).join("")}`;
  throw tooLarge(field, `nests objects or arrays more than ${limits.maxDepth} levels deep; the limit is ${limits.maxDepth}`);
}

/** `base[index]`, or `base` for index -1. */
function fieldAt(base: string, index: number): string {
  return index < 0 ? base : `${base}[${index}]`;
}

/** Check an mbox, view or page load; its field name (`base[index]`) is only built for an error. */
function checkDetails(item: unknown, base: string, index: number, limits: RequestLimits): void {
  if (!isRecord(item)) throw fail(fieldAt(base, index), "must be an object");
  const { parameters, address, name } = item;
  // Names are looked up as strings; an object's conversion can throw (an own `toString` that is not a function).
  if (typeof name === "object" && name !== null) throw fail(`${fieldAt(base, index)}.name`, "must be a string");
  if (parameters !== undefined && parameters !== null) {
    if (!isRecord(parameters)) throw fail(`${fieldAt(base, index)}.parameters`, "must be an object of name/value pairs");
    const names = Object.keys(parameters);
    if (names.length > limits.maxParameters) {
      throw tooLarge(`${fieldAt(base, index)}.parameters`, `has ${names.length} entries; the limit is ${limits.maxParameters}`);
    }
    for (const key of names) {
      if (key.length > limits.maxStringLength) throw lengthError(`${fieldAt(base, index)}.parameters`, key, limits);
      const value = parameters[key];
      if (tooLong(value, limits)) throw lengthError(`${fieldAt(base, index)}.parameters[${JSON.stringify(key.slice(0, 64))}]`, value, limits);
    }
  }
  if (address !== undefined && address !== null) {
    if (!isRecord(address)) throw fail(`${fieldAt(base, index)}.address`, "must be an object");
    if (tooLong(address.url, limits)) throw lengthError(`${fieldAt(base, index)}.address.url`, address.url, limits);
    if (tooLong(address.referringUrl, limits)) throw lengthError(`${fieldAt(base, index)}.address.referringUrl`, address.referringUrl, limits);
  }
}

/** Check a mode's `mboxes` or `views`; returns how many items it holds. */
function checkList(list: unknown, field: string, key: "mboxes" | "views", limits: RequestLimits): number {
  if (list === undefined || list === null) return 0;
  if (!Array.isArray(list)) throw fail(`${field}.${key}`, "must be an array");
  // Holes are skipped, as forEach would: a sparse list from a caller's code is not an error here.
  const base = `${field}.${key}`;
  for (let i = 0; i < list.length; i++) if (i in list) checkDetails(list[i], base, i, limits);
  return list.length;
}

function checkMode(mode: unknown, field: string, limits: RequestLimits): void {
  if (mode === undefined || mode === null) return;
  if (!isRecord(mode)) throw fail(field, "must be an object");
  const items = checkList(mode.mboxes, field, "mboxes", limits) + checkList(mode.views, field, "views", limits);
  if (items > limits.maxItems) throw tooLarge(field, `requests ${items} mboxes and views; the limit is ${limits.maxItems}`);
  if (mode.pageLoad !== undefined && mode.pageLoad !== null) checkDetails(mode.pageLoad, `${field}.pageLoad`, -1, limits);
}

/**
 * Reject requests the engine cannot decide, with the field at fault named. Everything the
 * Delivery API tolerates and the reference decides is accepted.
 */
export function checkRequest(options: unknown, limits: RequestLimits = DEFAULT_REQUEST_LIMITS): asserts options is GetOffersOptions {
  if (!isRecord(options)) throw fail("options", "must be an object with a `request`");
  const { request } = options;
  if (!isRecord(request)) throw fail("request", "must be an object");
  checkDepth(request, limits);
  if (request.id !== undefined && request.id !== null && !isRecord(request.id)) throw fail("request.id", "must be an object");
  if (request.property !== undefined && request.property !== null && !isRecord(request.property)) {
    throw fail("request.property", "must be an object");
  }
  const { context } = request;
  if (context !== undefined && context !== null) {
    if (!isRecord(context)) throw fail("request.context", "must be an object");
    checkString(context.userAgent, "request.context.userAgent", limits);
    if (context.address !== undefined && context.address !== null) {
      if (!isRecord(context.address)) throw fail("request.context.address", "must be an object");
      checkString(context.address.url, "request.context.address.url", limits);
      checkString(context.address.referringUrl, "request.context.address.referringUrl", limits);
    }
    if (context.geo !== undefined && context.geo !== null && !isRecord(context.geo)) throw fail("request.context.geo", "must be an object");
    if (context.clientHints !== undefined && context.clientHints !== null && !isRecord(context.clientHints)) {
      throw fail("request.context.clientHints", "must be an object");
    }
  }
  checkMode(request.execute, "request.execute", limits);
  checkMode(request.prefetch, "request.prefetch", limits);
}

function authenticatedCustomerId(id: VisitorId): string | undefined {
  const list = id.customerIds;
  if (!Array.isArray(list)) return undefined;
  const found = list.find((c: CustomerId) => isRecord(c) && c.authenticatedState === "authenticated");
  return found?.id;
}

/**
 * The visitor ids to decide with: a visitor with no usable id gets a fresh tntId (with the
 * location hint suffix when a valid one is known), as Target's edge would assign.
 */
export function visitorIdsOf(id: VisitorId | undefined, targetLocationHint: unknown, uuid: () => string): VisitorId {
  const known = id ?? {};
  if (known.tntId || known.marketingCloudVisitorId || authenticatedCustomerId(known) || known.thirdPartyId) return { ...known };
  // Only a cluster in Target's shape goes into the id: the id comes back in the `mbox` cookie.
  const hint = isEdgeCluster(targetLocationHint) ? `.${targetLocationHint}_0` : "";
  return copyWith<VisitorId>(known, { tntId: `${uuid()}${hint}` });
}

/** The request as decided: ids filled in, a request id, a cleaned geo context. */
export function normalizeRequest(request: DeliveryRequest, targetLocationHint: unknown, uuid: () => string, geo: Geo): DeliveryRequest {
  const context = withGeo(request.context ?? undefined, geo);
  const id = visitorIdsOf(request.id ?? undefined, targetLocationHint, uuid);
  const requestId = request.requestId || uuid();
  const from = request as Record<string, unknown>;
  // What `{...request, context, id, requestId}` gives, without an overrides object per decision.
  const out = copyToSet(from, hasOwn(from, "context") && hasOwn(from, "id") && hasOwn(from, "requestId"));
  out.context = context;
  out.id = id;
  out.requestId = requestId;
  return out as DeliveryRequest;
}

/** `{...context, geo}`, without an overrides object per decision. */
function withGeo(context: Context | undefined, geo: Geo): Context {
  const from = context as Record<string, unknown> | undefined;
  if (from === undefined || from === null) return { geo };
  const out = copyToSet(from, hasOwn(from, "geo"));
  out.geo = geo;
  return out as Context;
}
