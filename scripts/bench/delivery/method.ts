// How the delivery benchmark measures, shared by its runner, its client processes and the report.

/** What is measured, each in a fresh process against the same server. */
export const DELIVERY_VARIANTS = ["ours", "ours-fetch", "reference", "floor-node", "floor-fetch"] as const;

/** One variant of the delivery benchmark. */
export type DeliveryVariant = (typeof DELIVERY_VARIANTS)[number];

/** What each variant is, for the report. */
export const VARIANT_TITLES: Record<DeliveryVariant, string> = {
  ours: "our TargetClient, its default transport on Node (`node:http`, keep-alive)",
  "ours-fetch": "our TargetClient given the global `fetch` (the portable entry's default)",
  reference: "Adobe's TargetClient 2.4.3, its default transport",
  "floor-node": "the same notification POSTed with a bare keep-alive `node:http` Agent, nothing else",
  "floor-fetch": "the same notification POSTed with the global `fetch`, nothing else",
};

/** True for a variant's name. */
export const isDeliveryVariant = (name: string): name is DeliveryVariant => (DELIVERY_VARIANTS as readonly string[]).includes(name);

/** The event loop turns after this many calls, as a server's does between requests. */
export const BURST = 64;

/**
 * Calls come faster than any HTTP round trip, so the backlog of notifications would grow until
 * a bounded queue turns some away (as it must under overload). A server's load stays under what
 * it can send: past this many owed, the loop waits (the CPU spent meanwhile still counts).
 */
export const MAX_BACKLOG = 1000;

/** One variant's process, as client.ts prints it. */
export interface DeliveryRun {
  variant: DeliveryVariant;
  /** Measured calls (after `warmup` calls that are not). */
  calls: number;
  warmup: number;
  cpuUsPerCall: number;
  userUsPerCall: number;
  systemUsPerCall: number;
  wallUsPerCall: number;
  /** Notifications the SDK gave up on (reported, never hidden). */
  dropped: number;
}

/** One variant over every round: its median round, each round's CPU per call, and what reached the server. */
export interface DeliveryVariantResult extends DeliveryRun {
  /** CPU µs per call of each round, in order. */
  roundsCpuUsPerCall: number[];
  /** Notifications owed over every round, warm-up included. */
  owed: number;
  /** Notification requests the server received and answered over every round. */
  received: number;
  /** Notifications dropped over every round. */
  droppedTotal: number;
}

/** The delivery benchmark's result. */
export interface DeliveryResult {
  node: string;
  rounds: number;
  variants: DeliveryVariantResult[];
}
