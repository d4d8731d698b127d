/**
 * The notification payloads of on-device decisions, as the client's queue handles them: the
 * decision context they carry, the keys that tell which may merge, and the copy the queue holds.
 */
import type { NotificationPayload } from "@decisioning/engine";
import { hasOwn, setOwn } from "../own.js";
import { ServerVisitor, type CustomerIds, type VisitorLike, type VisitorState, type VisitorValues } from "../visitor.js";

/**
 * Rides through the engine as a decision's `visitor`, so that its notifications go out with the
 * same visitor, session and edge cluster as the decision (the reference sends them under a
 * fresh session id). It answers as the visitor too, since `sendNotificationError` events show
 * it to users as the notification's `visitor`.
 */
export class DecisionContext implements VisitorLike {
  constructor(
    readonly visitor: VisitorLike,
    readonly sessionId: string,
    readonly targetLocationHint: string | undefined,
    /**
     * Whether the visitor object may come back in another call (the caller's own). One the
     * client made for this call never does, so its payload has nothing to merge with.
     */
    readonly recurring = true,
    /**
     * Whether the caller is handed the decided request's objects (`getOffers` returns the
     * request). When not (`getAttributes`, whose `getResponse()` hands out a copy), only the
     * caller's own objects inside the request can change after the call.
     */
    readonly requestHandedOut = true,
  ) {}

  getVisitorValues(): VisitorValues {
    return this.visitor.getVisitorValues();
  }

  getSupplementalDataID(consumerId: string): string {
    return this.visitor.getSupplementalDataID(consumerId);
  }

  setCustomerIDs(customerIds: CustomerIds): void {
    this.visitor.setCustomerIDs(customerIds);
  }

  getState(): VisitorState {
    return this.visitor.getState();
  }
}

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
 */
export function mergeKeyOf(payload: NotificationPayload): string | undefined {
  const context = payload.visitor instanceof DecisionContext ? payload.visitor : undefined;
  if (!context?.recurring) return undefined;
  return `${visitorKeyOf(context.visitor)}\u0000${context.sessionId}\u0000${context.targetLocationHint ?? ""}`;
}

const requestDataJson = new WeakMap<NotificationPayload, string>();

function requestDataOf(payload: NotificationPayload): string {
  let json = requestDataJson.get(payload);
  if (json === undefined) {
    const { id, context, experienceCloud } = payload.request;
    json = JSON.stringify([id, context, experienceCloud]);
    requestDataJson.set(payload, json);
  }
  return json;
}

/** Whether two payloads of one merge key carry the same ids, context and Experience Cloud data. */
export function sameRequestData(into: NotificationPayload, payload: NotificationPayload): boolean {
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
export function retainedPayload(payload: NotificationPayload): NotificationPayload {
  const { request } = payload;
  if (payload.visitor instanceof DecisionContext && !payload.visitor.requestHandedOut) {
    // The payload and its containers are the decision's own, held by nothing else: kept.
    copyValuesInPlace(request.id);
    copyValuesInPlace(request.context);
    return payload;
  }
  const held: NotificationPayload["request"] = {};
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
