// What soak.ts and its fake Target (servers.ts, a child process) say to each other over IPC.

/** The soak's options that the fake Target needs (soak.ts passes all of them, as JSON, in argv[2]). */
export interface ServerOptions {
  /** How many visitors the run decides for: one notification count per visitor. */
  visitors: number;
  seed: number;
  /** Ms between artifact versions. */
  swapMs: number;
  /** Chance that an artifact request meets a fault, while faults are on. */
  artifactFaultRate: number;
  /** Chance that a Delivery API request meets a fault, while faults are on. */
  deliveryFaultRate: number;
  /** Ms between Delivery API outages, and how long each lasts. */
  outageEveryMs: number;
  outageMs: number;
}

/** Requests of soak.ts: faults on or off, the final counts, exit. */
export type ToServers = { type: "faults"; on: boolean } | { type: "final" } | { type: "exit" };

/** Faults met, by name. */
export type FaultCounts = Record<string, number>;

/** What the fake Target counted, with each visitor's notifications as base64 typed arrays. */
export interface FinalCounts {
  type: "final";
  /** The last artifact version published. */
  version: number;
  cdn: { requests: number; faults: FaultCounts; swaps: number };
  delivery: { requests: number; accepted: number; notifications: number; strangers: number; malformed: number; faults: FaultCounts; outages: number };
  /** A Uint8Array per visitor: display notifications accepted. */
  notified: string;
  /** A Uint16Array per visitor: the version they were made for (0: none, 65535: mixed). */
  notifiedVersion: string;
}

/** Messages of servers.ts: where it listens, and the final counts when asked. */
export type FromServers = { type: "listening"; artifactUrl: string; serverDomain: string; version: number } | FinalCounts;
