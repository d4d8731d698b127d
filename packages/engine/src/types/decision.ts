/** The engine's decision contract: what `getOffers` takes and what it hands to `sendNotificationFunc`. */
import type { Context, DeliveryRequest, ExperienceCloud, Notification, TelemetryEntry, VisitorId } from "./delivery.js";

/**
 * What `getOffers` takes. `V` is whatever the caller passes as `visitor`: opaque to the engine,
 * handed back on the decision's notification payload (the client passes its call there).
 */
export interface GetOffersOptions<V = unknown> {
  request: DeliveryRequest;
  sessionId?: string;
  targetLocationHint?: string;
  visitor?: V;
}

/** When the engine calls `sendNotificationFunc`: after the current tick, or before `getOffers` returns. */
export type NotificationHandoff = "deferred" | "immediate";

/** What `sendNotificationFunc` receives; `visitor` is the decision's `GetOffersOptions.visitor`. */
export interface NotificationPayload<V = unknown> {
  request: {
    id?: VisitorId;
    context?: Context;
    experienceCloud?: ExperienceCloud;
    notifications?: Notification[];
    telemetry?: { entries: TelemetryEntry[] };
  };
  visitor?: V;
}

/** Which names of a request need the Delivery API. */
export interface RemoteDependency {
  remoteNeeded: boolean;
  remoteMboxes: string[];
  remoteViews: string[];
}
