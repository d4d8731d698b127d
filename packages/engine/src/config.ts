import type { Platform } from "./platform/platform.js";
import type { RequestLimits } from "./decide/request.js";
import type { SnapshotStore } from "./loader/snapshot.js";
import type { EventEmitter, FetchApi, Logger, NotificationHandoff, NotificationPayload, ParseDomain } from "./types.js";

/** How the loader keeps the artifact fresh. */
export type RefreshMode = "poll" | "on-request";

/**
 * Configuration of `createDecisioningEngine`, a superset of the reference's `DecisioningConfig`;
 * `V` is the type of the `visitor` its decisions are given and hand back on their notifications.
 */
export interface DecisioningConfig<V = unknown> {
  /** Target client code. */
  client: string;
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
  /** `(eventName, payload)`: artifactDownloadSucceeded, artifactDownloadFailed, geoLocationUpdated, artifactSnapshotUsed, sendNotificationError. */
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
  /** URL of the IP-to-geo lookup (default Target's). */
  geoLookupUrl?: string;
}
