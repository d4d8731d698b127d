import type { TelemetryEntry } from "../types.js";

/** Round to two decimals as Target's telemetry does. */
export function twoDecimals(value: number): number {
  return Math.round(value * 100) / 100;
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
