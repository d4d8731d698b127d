import type { DecisioningMethod, DeliveryRequest, TelemetryEntry, TelemetryFeatures } from "../types.js";

/** Round to two decimals as Target's telemetry does. */
export function twoDecimals(value: number): number {
  return Math.round(value * 100) / 100;
}

/** Which features a request uses, for its telemetry entry (keys in the order Target's SDKs write them). */
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
 * Telemetry entries waiting to ride on the next notification. Bounded: if nothing drains it
 * (no notifications for a long time) the oldest entries go first and are counted.
 */
export class TelemetryStore {
  private entries: TelemetryEntry[] = [];
  /** Entries dropped because the store was full. */
  dropped = 0;

  constructor(
    readonly enabled: boolean,
    private readonly capacity = 100,
  ) {}

  /** Queue an entry (ignored when telemetry is disabled). */
  add(entry: TelemetryEntry): void {
    if (!this.enabled) return;
    if (this.entries.length >= this.capacity) {
      this.entries.shift();
      this.dropped += 1;
    }
    // A literal for the first: pushing onto `[]` allocates room for sixteen, and the store is
    // usually drained after each entry.
    if (this.entries.length === 0) this.entries = [entry];
    else this.entries.push(entry);
  }

  /** Take every queued entry. */
  drain(): TelemetryEntry[] {
    const taken = this.entries;
    this.entries = [];
    return taken;
  }

  /** Whether anything is queued. */
  get size(): number {
    return this.entries.length;
  }
}
