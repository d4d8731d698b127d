/** What `createDecisioningEngine` and `createDecider` are configured with. */
import type { EventEmitter, FetchApi, Logger, ParseDomain, Platform, SnapshotStore } from "./platform.js";
import type { NotificationHandoff, NotificationPayload } from "./decision.js";

/** How the loader keeps the artifact fresh. */
export type RefreshMode = "poll" | "on-request";

/** Bounds on request size; documented defaults keep one request from monopolising a worker. */
export interface RequestLimits {
  /** Most mboxes plus views in one `execute` or `prefetch` block. */
  maxItems: number;
  /** Most parameters on one mbox, view or page load. */
  maxParameters: number;
  /** Longest URL, user agent, parameter value or name, in UTF-16 code units. */
  maxStringLength: number;
  /** Deepest nesting of objects and arrays below `request` (`request.id.tntId` is at depth 2). */
  maxDepth: number;
}

/**
 * Configuration of `createDecisioningEngine`, a superset of the reference's `DecisioningConfig`;
 * `V` is the type of the `visitor` its decisions are given and hand back on their notifications.
 */
export interface DecisioningConfig<V = unknown> {
  /**
   * Target client code. May be left out when an `artifactPayload` names it (`meta.clientCode`),
   * or with an `artifactLocation`: each artifact is then decided with its own `meta.clientCode`.
   */
  client?: string;
  /** Experience Cloud organization id (needed to read `rules.bin`). */
  organizationId?: string;
  /** Ms between artifact refreshes; default and minimum 300000; 0 disables refreshing. */
  pollingInterval?: number;
  /** Where to fetch the artifact; defaults to Target's CDN for `client`/`environment`/`propertyToken`. */
  artifactLocation?: string;
  /** `json` (default) or `bin` (obfuscated); inferred from a `.bin` location. */
  artifactFormat?: "json" | "bin";
  /** An artifact in hand: no initial fetch. */
  artifactPayload?: unknown;
  /** At.js property (workspace) token: selects the artifact's location. */
  propertyToken?: string;
  /** Target environment name (default `production`). */
  environment?: string;
  /** CDN environment (`production`, `staging`, `development`). */
  cdnEnvironment?: string;
  /** CDN host (default `assets.adobetarget.com`). */
  cdnBasePath?: string;
  /** WHATWG fetch to use (plain or async); defaults to the global fetch. */
  fetchApi?: FetchApi;
  /** Receives display notifications and telemetry after each decision. */
  // Method syntax: a config for one visitor type still is a config (the engine only passes `V` through).
  sendNotificationFunc?(payload: NotificationPayload<V>): unknown;
  /**
   * When `sendNotificationFunc` is called: `deferred` (default, as the reference) after the
   * current tick, once the caller has its response; `immediate` before `getOffers` returns, for
   * senders that only queue the payload and must not do slow work in the caller's path.
   */
  notificationHandoff?: NotificationHandoff;
  /** `(eventName, payload)`: the events listed with {@link EngineEventName}. */
  eventEmitter?: EventEmitter;
  /** Four-method logger; silent by default. */
  logger?: Logger;
  /** Attach telemetry to notifications (default true). */
  telemetryEnabled?: boolean;
  /** Ms to wait for the first artifact before `createDecisioningEngine` uses the snapshot or rejects; default: until the retries are spent. */
  maximumWaitReady?: number;
  /** Domain parser: the Public Suffix List (default), a basic dot-split, or your own function. */
  parseDomainImpl?: ParseDomain | "psl" | "basic";
  /** Platform overrides (clock, timers, random, ids, fetch). */
  platform?: Partial<Platform>;
  /** Ms before an artifact request is abandoned (default 10000). */
  artifactRequestTimeout?: number;
  /** `poll` (timers, the default) or `on-request` (no timers: refresh when a decision finds the artifact stale). */
  refreshMode?: RefreshMode;
  /** Last-good artifact storage, read at start when the CDN cannot be reached. */
  snapshotStore?: SnapshotStore;
  /** Expected SHA-256 (hex) of the artifact body; a mismatching download is refused. */
  artifactSha256?: string;
  /** Custom acceptance check run on each downloaded artifact body before it is used. */
  verifyArtifact?: (body: Uint8Array, artifact: unknown) => boolean | Promise<boolean>;
  /** Largest accepted artifact body in bytes (default 50 MiB). */
  maxArtifactBytes?: number;
  /** Hands background work (notifications) to the host, like `ctx.waitUntil` in workers. */
  waitUntil?: (promise: Promise<unknown>) => void;
  /** Bounds on request size. */
  requestLimits?: Partial<RequestLimits>;
  /** Visitors whose allocation for an activity is fixed, for tests (see {@link ForcedAllocation}). */
  forcedAllocations?: readonly ForcedAllocation[];
  /** URL of the IP-to-geo lookup (default Target's). */
  geoLookupUrl?: string;
}

/** Configuration of a synchronous, zero-I/O decider. */
/**
 * One visitor's allocation for one activity, fixed (for tests): the visitor lands where a
 * visitor with this allocation would, audiences still apply, and every other visitor is
 * untouched. `@decisioning/testing`'s `forceVisitor` computes one that lands in a given experience.
 */
export interface ForcedAllocation {
  /** The visitor id decisions hash (a marketing cloud id, a tntId, which matches without its `.cluster_n` suffix, or a third-party id). */
  visitorId: string;
  /** The activity (`meta["activity.id"]` of its rules). */
  activityId: string | number;
  /** An allocation, 0 to 99.99, as the visitor's bucket would give it. */
  allocation: number;
}

export interface DeciderConfig {
  /** Target client code; defaults to the artifact's `meta.clientCode`. */
  client?: string;
  /** The artifact (parsed JSON); validated and compiled once, here. */
  artifact: unknown;
  /** Domain parser: Public Suffix List (default), `basic`, or a function. */
  parseDomainImpl?: ParseDomain | "psl" | "basic";
  /** Clock and id overrides, e.g. a frozen clock in tests. */
  platform?: Partial<Pick<Platform, "now" | "monotonic" | "uuid">>;
  /** Put telemetry entries in notification payloads (default true). */
  telemetryEnabled?: boolean;
  /** Bounds on request size. */
  requestLimits?: Partial<RequestLimits>;
  /** Visitors whose allocation for an activity is fixed, for tests (see {@link ForcedAllocation}). */
  forcedAllocations?: readonly ForcedAllocation[];
}
