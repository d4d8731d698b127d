/**
 * The client's telemetry: one entry per Delivery API call, queued and attached to the next
 * server-side request (as the reference does). On-device decisions are measured by the engine,
 * whose entries ride on its notifications instead.
 */
import { ExecutionMode, type DecisioningMethod, type DeliveryRequest, type DeliveryResponse, type TelemetryEntry, internal } from "@decisioning/engine";
import type { DeliveryTimings } from "./delivery/http.js";

const { featuresOf, TelemetryStore, twoDecimals } = internal;
type TelemetryStore = internal.TelemetryStore;

/**
 * Entries waiting for the next server-side request. Bounded: if nothing drains it the oldest
 * entries go first, so a client that never calls the edge cannot grow without limit.
 */
export class ClientTelemetry {
  private readonly store: TelemetryStore;

  constructor(
    /** Whether telemetry is collected at all (`telemetryEnabled`, default true). */
    readonly enabled: boolean,
    private readonly now: () => number,
    capacity = 100,
  ) {
    this.store = new TelemetryStore(enabled, capacity);
  }

  /** Queue the entry of a finished Delivery API call. */
  addDeliveryEntry(
    request: DeliveryRequest,
    response: DeliveryResponse,
    decisioningMethod: DecisioningMethod,
    execution: number,
    timings: DeliveryTimings | undefined,
  ): void {
    if (!this.enabled) return;
    const entry: TelemetryEntry = {
      requestId: request.requestId,
      timestamp: this.now(),
      execution: twoDecimals(execution),
      mode: response.edgeHost ? ExecutionMode.Edge : ExecutionMode.Local,
      features: featuresOf(request, decisioningMethod),
    };
    if (timings) {
      entry.parsing = twoDecimals(timings.parsing);
      entry.request = {
        timeToFirstByte: twoDecimals(timings.timeToFirstByte),
        download: twoDecimals(timings.download),
        responseSize: timings.responseSize,
      };
    }
    if (typeof response.telemetryServerToken === "string") entry.telemetryServerToken = response.telemetryServerToken;
    this.store.add(entry);
  }

  /** Whether entries are waiting. */
  hasEntries(): boolean {
    return this.store.size > 0;
  }

  /** Take every queued entry. */
  drain(): TelemetryEntry[] {
    return this.store.drain();
  }
}
