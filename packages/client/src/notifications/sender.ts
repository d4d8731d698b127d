/**
 * The notifications of on-device decisions: queued as the engine hands them over (bounded,
 * merging, retrying; see ./queue.ts), sent to the edge under their decision's visitor, session
 * and cluster, and every dropped one reported once as a `sendNotificationError` event.
 */
import type { DeliveryResponse, internal } from "@decisioning/engine";
import type { Call } from "../call.js";
import type { Calls } from "../calls.js";
import { isRetriableDeliveryFailure } from "../delivery/http.js";
import { mergeKeyOf, mergeNotificationPayloads, retainedPayload, sameRequestData, type DecisionPayload } from "../delivery/payloads.js";
import type { EdgeClient } from "../edge.js";
import { NotificationDroppedError } from "../errors.js";
import type { Emit } from "../events.js";
import { sendNotificationsOptionsError } from "../options.js";
import type { ClientPlatform } from "../platform.js";
import type { ClientTelemetry } from "../telemetry.js";
import { NotificationQueue, type NotificationDrop, type NotificationQueueOptions } from "./queue.js";

type SafeLogger = internal.SafeLogger;

/** What the sender needs from the client. */
export interface NotificationSenderDeps {
  calls: Calls;
  edge: EdgeClient;
  telemetry: ClientTelemetry;
  /** Told of every answer, as the client's other calls' answers are (logging, cluster learning). */
  answered: (call: Call, response: DeliveryResponse) => void;
  emit: Emit;
  logger: SafeLogger;
  platform: ClientPlatform;
}

/** Queues and sends the notification payloads of on-device decisions. */
export class DecisionNotifications {
  readonly queue: NotificationQueue<DecisionPayload>;

  constructor(
    private readonly deps: NotificationSenderDeps,
    options: NotificationQueueOptions | undefined,
  ) {
    this.queue = new NotificationQueue<DecisionPayload>(
      {
        send: (payload) => this.send(payload),
        isRetriable: isRetriableDeliveryFailure,
        keyOf: mergeKeyOf,
        canMerge: sameRequestData,
        retain: retainedPayload,
        merge: mergeNotificationPayloads,
        onDrop: (drop) => this.reportDrop(drop),
        platform: deps.platform,
      },
      options,
    );
  }

  /** Take a decision's payload; it goes out on a later tick. */
  enqueue(payload: DecisionPayload): void {
    this.queue.enqueue(payload);
  }

  /**
   * Send one (possibly merged) payload as `sendNotifications` would, under its decision's
   * visitor, session and cluster; nobody reads a result, so none is shaped.
   */
  private send(payload: DecisionPayload): Promise<void> {
    try {
      const { telemetry, calls, edge } = this.deps;
      const error = sendNotificationsOptionsError({ request: payload.request }, telemetry.enabled && telemetry.hasEntries());
      if (error) throw error;
      const decision = payload.visitor;
      // A decision made on the engine itself (`client.decisioningEngine.getOffers`) has no call:
      // its notifications are sent as `sendNotifications` would send them, under a fresh one.
      const call = decision ? calls.notificationCall(decision, payload.request) : calls.prepare({}, payload.request, "kept");
      return edge.exchange(call, true).then(({ call, response }) => {
        this.deps.answered(call, response);
      });
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /** Every dropped payload is reported once, with the reason, as a `sendNotificationError` event. */
  private reportDrop(drop: NotificationDrop<DecisionPayload>): void {
    const { logger, emit } = this.deps;
    // Under overload drops come by the thousand; an error object (with its stack) is only built for someone to read it.
    if (!logger.errorEnabled && !emit.has("sendNotificationError")) return;
    const error = drop.error instanceof Error ? drop.error : new NotificationDroppedError(drop.reason, { cause: drop.error });
    logger.error(`notification dropped (${drop.reason}) after ${drop.attempts} attempt(s)`, error);
    // Users see the payload as the engine's contract describes it: the request and its visitor.
    const notification = { request: drop.payload.request, visitor: drop.payload.visitor?.visitor };
    emit("sendNotificationError", { notification, error, reason: drop.reason, attempts: drop.attempts });
  }
}
