/**
 * The client's telemetry: one entry per Delivery API call, queued and attached to the next
 * server-side request (as the reference does). On-device decisions are measured by the engine,
 * whose entries ride on its notifications instead.
 */
import type { DeliveryTimings } from "./delivery/http.js";
import type { DecisioningMethod, DeliveryRequest, DeliveryResponse, TelemetryEntry, TelemetryFeatures } from "./types.js";
import { ExecutionMode } from "./types.js";

/** Round to two decimals as Target's telemetry does. */
export function twoDecimals(value: number): number {
  return Math.round(value * 100) / 100;
}

/** Which features a request uses, for its telemetry entry. */
export function featuresOf(request: DeliveryRequest, decisioningMethod: DecisioningMethod): TelemetryFeatures {
  const features: TelemetryFeatures = {};
  const { execute, prefetch } = request;
  if (execute?.pageLoad) features.executePageLoad = true;
  if (execute?.mboxes?.length) features.executeMboxCount = execute.mboxes.length;
  if (prefetch?.pageLoad) features.prefetchPageLoad = true;
  if (prefetch?.mboxes?.length) features.prefetchMboxCount = prefetch.mboxes.length;
  if (prefetch?.views?.length) features.prefetchViewCount = prefetch.views.length;
  features.decisioningMethod = decisioningMethod;
  return features;
}

/**
 * Entries waiting for the next server-side request. Bounded: if nothing drains it the oldest
 * entries go first, so a client that never calls the edge cannot grow without limit.
 */
export class ClientTelemetry {
  private entries: TelemetryEntry[] = [];

  constructor(
    /** Whether telemetry is collected at all (`telemetryEnabled`, default true). */
    readonly enabled: boolean,
    private readonly now: () => number,
    private readonly capacity = 100,
  ) {}

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
    this.add(entry);
  }

  private add(entry: TelemetryEntry): void {
    if (this.entries.length >= this.capacity) this.entries.shift();
    this.entries.push(entry);
  }

  /** Whether entries are waiting. */
  hasEntries(): boolean {
    return this.entries.length > 0;
  }

  /** Take every queued entry. */
  drain(): TelemetryEntry[] {
    const taken = this.entries;
    this.entries = [];
    return taken;
  }
}
