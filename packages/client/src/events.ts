import type { internal } from "@decisioning/engine";

type SafeLogger = internal.SafeLogger;

/** Names of the events a client emits. */
export type TargetEventName =
  | "clientReady"
  | "artifactDownloadSucceeded"
  | "artifactDownloadFailed"
  | "artifactSnapshotUsed"
  | "artifactClientMismatch"
  | "geoLocationUpdated"
  | "sendNotificationError"
  | "unknownLocation";

/** What an event callback receives: `{type, ...payload}`, as in the reference. */
export interface TargetEvent {
  type: TargetEventName | string;
  [key: string]: unknown;
}

/** Event callbacks by event name, as passed in `TargetClient.create({events})`. */
export type TargetEvents = Partial<Record<TargetEventName, (event: TargetEvent) => unknown>> & {
  [eventName: string]: ((event: TargetEvent) => unknown) | undefined;
};

/** Emits `(eventName, payload)` to the subscribed callback. */
export interface Emit {
  (eventName: string, payload?: Record<string, unknown>): void;
  /** Whether a callback listens to the event, so callers can skip building what nobody reads. */
  has(eventName: string): boolean;
}

/**
 * Build the emitter behind `events`: each callback gets a fresh `{type, ...payload}` object; a
 * callback that throws or rejects is logged and never reaches the code that emitted.
 */
export function eventEmitterOf(events: TargetEvents | undefined, logger: SafeLogger): Emit {
  const handlers = new Map<string, (event: TargetEvent) => unknown>();
  if (typeof events === "object" && events !== null) {
    for (const name of Object.keys(events)) {
      const handler = events[name];
      if (typeof handler === "function") handlers.set(name, handler);
    }
  }
  const emit = (eventName: string, payload?: Record<string, unknown>): void => {
    const handler = handlers.get(eventName);
    if (!handler) return;
    const event: TargetEvent = { type: eventName };
    if (payload) {
      for (const key of Object.keys(payload)) if (key !== "type") event[key] = payload[key];
    }
    try {
      const result = handler(event);
      if (result instanceof Promise) result.catch((error: unknown) => logger.error(`${eventName} callback failed`, error));
    } catch (error) {
      logger.error(`${eventName} callback failed`, error);
    }
  };
  return Object.assign(emit, { has: (eventName: string) => handlers.has(eventName) });
}
