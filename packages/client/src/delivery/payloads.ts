/**
 * The notification payloads of on-device decisions, as the client's queue handles them: the
 * keys that tell which may merge, how they merge, and the copy the queue holds. Each carries
 * its decision's {@link Call} as `visitor`.
 */
import type { NotificationPayload } from "@decisioning/engine";
import type { Call } from "../call.js";
import { hasOwn, setOwn } from "../own.js";
import { ServerVisitor, type VisitorLike } from "../visitor.js";

/** An on-device decision's notification payload. */
export type DecisionPayload = NotificationPayload<Call>;

const visitorKeys = new WeakMap<object, number>();
let nextVisitorKey = 0;

/** A key per visitor object: our visitors carry one; a caller's visitor gets one in a WeakMap (GC pays per entry). */
function visitorKeyOf(visitor: VisitorLike): string {
  if (visitor instanceof ServerVisitor) return `s${visitor.serial}`;
  let key = visitorKeys.get(visitor);
  if (key === undefined) {
    key = ++nextVisitorKey;
    visitorKeys.set(visitor, key);
  }
  return `c${key}`;
}

/**
 * Payloads with the same key may make the same Delivery API request but for their
 * notifications and telemetry: same visitor object, session and cluster. `sameRequestData`
 * then compares ids, context and Experience Cloud data; only payloads equal in all are merged.
 * A visitor the client made for its call comes in no other call: such payloads get no key.
 */
export function mergeKeyOf(payload: DecisionPayload): string | undefined {
  const call = payload.visitor;
  if (call === undefined || call.visitorOwner !== "caller") return undefined;
  return `${visitorKeyOf(call.visitor)}\u0000${call.sessionId}\u0000${call.cluster ?? ""}`;
}

const requestDataJson = new WeakMap<DecisionPayload, string>();

function requestDataOf(payload: DecisionPayload): string {
  let json = requestDataJson.get(payload);
  if (json === undefined) {
    const { id, context, experienceCloud } = payload.request;
    json = JSON.stringify([id, context, experienceCloud]);
    requestDataJson.set(payload, json);
  }
  return json;
}

/** Whether two payloads of one merge key carry the same ids, context and Experience Cloud data. */
export function sameRequestData(into: DecisionPayload, payload: DecisionPayload): boolean {
  return requestDataOf(into) === requestDataOf(payload);
}

/** Deepest nesting copied by `plainCopy`; deeper parts (never in a decided request) are shared. */
const MAX_COPY_DEPTH = 64;

/** A copy of the plain objects and arrays in a value; anything else (a Date, a class instance) is shared. */
function plainCopy(value: unknown, depth: number): unknown {
  if (typeof value !== "object" || value === null || depth > MAX_COPY_DEPTH) return value;
  if (Array.isArray(value)) {
    const out = new Array<unknown>(value.length);
    for (let i = 0; i < value.length; i++) out[i] = plainCopy(value[i], depth + 1);
    return out;
  }
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return value;
  const out: Record<string, unknown> = {};
  // for-in with an own-key check visits what `Object.keys` lists, in its order, with no array.
  for (const key in value) {
    if (hasOwn(value, key)) setOwn(out, key, plainCopy((value as Record<string, unknown>)[key], depth + 1));
  }
  return out;
}

/**
 * What the notification queue holds for a payload, so that it goes out as decided whatever the
 * caller changes after the call. When the caller was handed the request (`getOffers`), a copy
 * of its ids, context and Experience Cloud data. Otherwise (`getAttributes`) the payload itself,
 * whose containers no caller can reach, with the caller's objects inside its ids and context (a
 * location, a customer id list) replaced by copies. The notifications and telemetry entries are
 * the decision's own, made for this payload: never copied (copying was most of the cost of
 * queuing a payload).
 */
export function retainedPayload(payload: DecisionPayload): DecisionPayload {
  const { request } = payload;
  if (payload.visitor?.requestExposure === "kept") {
    // The payload and its containers are the decision's own, held by nothing else: kept.
    copyValuesInPlace(request.id);
    copyValuesInPlace(request.context);
    return payload;
  }
  const held: DecisionPayload["request"] = {};
  // Keys in the order the engine writes them, so the request serializes as it did.
  for (const key of Object.keys(request)) {
    const value = (request as Record<string, unknown>)[key];
    const kept = key === "notifications" || key === "telemetry" ? value : plainCopy(value, 1);
    setOwn(held as Record<string, unknown>, key, kept);
  }
  return { request: held, visitor: payload.visitor };
}

/** Replace the object values of a container of the decision's own (which may be the caller's objects) by copies, in place. */
function copyValuesInPlace(container: unknown): void {
  if (typeof container !== "object" || container === null) return;
  const record = container as Record<string, unknown>;
  for (const key in record) {
    if (!hasOwn(record, key)) continue;
    const value = record[key];
    if (typeof value === "object" && value !== null) record[key] = plainCopy(value, 2);
  }
}

/** A copy of a decided request's plain objects and arrays, to hand to a caller while the queue may hold the originals. */
export function requestCopy<T>(request: T): T {
  return plainCopy(request, 0) as T;
}

/**
 * One payload with the notifications and telemetry entries of all the given ones (which share
 * their key: the same visitor, session, ids, context and Experience Cloud data).
 */
export function mergeNotificationPayloads(payloads: readonly DecisionPayload[]): DecisionPayload {
  const [first] = payloads;
  if (first === undefined) throw new RangeError("nothing to merge");
  const notifications: NonNullable<DecisionPayload["request"]["notifications"]> = [];
  const entries: NonNullable<DecisionPayload["request"]["telemetry"]>["entries"] = [];
  for (const payload of payloads) {
    if (Array.isArray(payload.request.notifications)) notifications.push(...payload.request.notifications);
    if (Array.isArray(payload.request.telemetry?.entries)) entries.push(...payload.request.telemetry.entries);
  }
  const { notifications: _notifications, telemetry: _telemetry, ...rest } = first.request;
  const request: DecisionPayload["request"] = rest;
  if (notifications.length > 0) request.notifications = notifications;
  if (entries.length > 0) request.telemetry = { entries };
  return { ...first, request };
}
