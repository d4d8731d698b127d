/** The engine's decision contract: what `getOffers` takes and what it hands to `sendNotificationFunc`. */
import type { Context, DeliveryRequest, ExperienceCloud, Notification, TelemetryEntry, VisitorId } from "./delivery.js";

/** What `getOffers` takes. */
export interface GetOffersOptions {
  request: DeliveryRequest;
  sessionId?: string;
  targetLocationHint?: string;
  /** Opaque to the engine: handed back on the decision's notification payload. */
  visitor?: unknown;
}

/** When the engine calls `sendNotificationFunc`: after the current tick, or before `getOffers` returns. */
export type NotificationHandoff = "deferred" | "immediate";

/** What `sendNotificationFunc` receives. */
export interface NotificationPayload {
  request: {
    id?: VisitorId;
    context?: Context;
    experienceCloud?: ExperienceCloud;
    notifications?: Notification[];
    telemetry?: { entries: TelemetryEntry[] };
  };
  visitor?: unknown;
}

/** Which names of a request need the Delivery API. */
export interface RemoteDependency {
  remoteNeeded: boolean;
  remoteMboxes: string[];
  remoteViews: string[];
}
