// What each part of the benchmark measures, as its probe prints it and the report reads it.

/** One timed task: operations per second as the median over calls, and latency percentiles in ms. */
export interface Timing {
  hz: number;
  p50: number;
  p99: number;
  samples: number;
}

/** Scenarios 1 to 4: both SDKs (and, for 1 to 3, our synchronous decider) on the same requests. */
export interface ScenarioResult {
  id: string;
  title: string;
  ours: Timing;
  reference: Timing;
  /** Our synchronous decider (scenarios 1 to 3). */
  sync?: Timing;
  /** The harness's own cost per timed call, in ms (an empty async task; scenario 4's process). */
  harnessMs?: number;
}

/** Loading one artifact into one engine. */
export interface LoadResult {
  artifact: "large" | "synthetic";
  engine: Side;
  jsonBytes: number;
  loadMs: number;
  heapBytes: number;
}

/** Our sync decision rate on a 10-activity artifact and on one of `activities`. */
export interface ScalingResult {
  activities: number;
  smallHz: number;
  largeHz: number;
}

/** Heap before and after decisions for that many distinct visitors. */
export interface VisitorsResult {
  engine: Side;
  visitors: number;
  before: number;
  after: number;
  bytesPerVisitor: number;
  seconds: number;
}

/** Bytes allocated per call, for one SDK and one scenario. */
export interface AllocationResult {
  engine: Side;
  scenario: string;
  calls: number;
  bytesPerCall: number;
}

/** Scenario 4 timed call by call (tail.ts). */
export interface TailResult {
  ids: "built-in" | "premade";
  calls: number;
  p50: number;
  p90: number;
  p99: number;
  p999: number;
  /** Median of the first call after each untimed wait for notifications. */
  firstAfterWait: number;
}

/** The SDK a figure is for. */
export type Side = "ours" | "reference";

/** One input of the cost sweep: both engines' median µs per call, or why it was left out. */
export interface SweepRow {
  id: string;
  oursUs?: number;
  referenceUs?: number;
  ratio?: number;
  skipped?: string;
}

/** The cost sweep's result. */
export interface SweepResult {
  node: string;
  rows: SweepRow[];
}
