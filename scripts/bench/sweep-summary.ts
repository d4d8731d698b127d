// The cost sweep's rows reduced to what the report leads with.
import type { SweepRow } from "./results.js";

/** A measured row: both costs and their ratio. */
export type MeasuredRow = Required<Omit<SweepRow, "skipped">>;

/** The sweep's inputs worst first, those left out, and the ratios the targets are set in. */
export interface SweepSummary {
  measured: MeasuredRow[];
  skipped: SweepRow[];
  worst: MeasuredRow | undefined;
  medianRatio: number;
  /** The worst of the inputs with campaign macros (the MACROS suite, the real-world macros offer). */
  worstMacro: MeasuredRow | undefined;
}

const isMeasured = (row: SweepRow): row is MeasuredRow => row.ratio !== undefined && row.oursUs !== undefined && row.referenceUs !== undefined;

/** True for an input whose offers hold campaign macros. */
export const isMacroInput = (id: string): boolean => /macro/i.test(id);

/** Summarize the sweep's rows. */
export function sweepSummary(rows: readonly SweepRow[]): SweepSummary {
  const measured = rows.filter(isMeasured).sort((a, b) => a.ratio - b.ratio);
  return {
    measured,
    skipped: rows.filter((row) => !isMeasured(row)),
    worst: measured[0],
    medianRatio: measured[Math.floor(measured.length / 2)]?.ratio ?? Number.NaN,
    worstMacro: measured.find((row) => isMacroInput(row.id)),
  };
}
