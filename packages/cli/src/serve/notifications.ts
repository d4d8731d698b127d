/**
 * What one answered request owes Target: the display notifications and telemetry of the
 * engine's decision, plus the notifications the caller sent (a client in another language
 * that prefetched, then reports a display or click with the prefetched tokens). Both go out in
 * one Delivery API request, with the caller's ids and context.
 */
import { internal, type DeliveryRequest, type NotificationPayload } from "@decisioning/engine";
import type { ForwardJob } from "./forwarder.js";

const { isRecord } = internal;

/** Most notifications one request may carry. */
export const MAX_NOTIFICATIONS = 1000;

/** A request's `notifications` field that cannot be forwarded: the message names the field. */
export class NotificationsInvalid extends Error {}

/** The caller's notifications, checked: an array of objects, at most {@link MAX_NOTIFICATIONS}. */
export function clientNotificationsOf(request: DeliveryRequest): Record<string, unknown>[] {
  const list: unknown = (request as { notifications?: unknown }).notifications;
  if (list === undefined || list === null) return [];
  if (!Array.isArray(list)) throw new NotificationsInvalid("request.notifications: must be an array of notifications");
  if (list.length > MAX_NOTIFICATIONS) throw new NotificationsInvalid(`request.notifications: has ${list.length} entries; the limit is ${MAX_NOTIFICATIONS}`);
  list.forEach((item, i) => {
    if (!isRecord(item)) throw new NotificationsInvalid(`request.notifications[${i}]: must be an object`);
  });
  return list as Record<string, unknown>[];
}

/** The POST to make for one answered request, or undefined when it owes nothing. */
export function forwardJobOf(
  request: DeliveryRequest,
  fromClient: Record<string, unknown>[],
  fromEngine: NotificationPayload | undefined,
  query: { client: string; sessionId: string },
): ForwardJob | undefined {
  const engineNotifications = fromEngine?.request.notifications ?? [];
  if (fromClient.length === 0 && !fromEngine) return undefined;
  const base: Record<string, unknown> = fromEngine
    ? { ...fromEngine.request }
    : Object.fromEntries(
        ["id", "context", "experienceCloud"]
          .filter((key) => request[key as keyof DeliveryRequest] !== undefined)
          .map((key) => [key, request[key as keyof DeliveryRequest]]),
      );
  // The at.js property (workspace) token tells Target which workspace the events belong to.
  if (request.property !== undefined) base.property = request.property;
  const notifications = [...engineNotifications, ...fromClient];
  return { body: { ...base, notifications }, count: notifications.length, ...query };
}
