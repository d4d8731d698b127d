/** What `createDecisioningEngine` and `createDecider` give back. */
import type { Artifact } from "./artifact.js";
import type { GetOffersOptions, NotificationPayload, RemoteDependency } from "./decision.js";
import type { DecidedResponse, DeliveryRequest } from "./delivery.js";

/** The engine contract shared with Adobe's decisioning engine. */
export interface DecisioningEngine {
  /** Decide a request on-device. */
  getOffers(options: GetOffersOptions): Promise<DecidedResponse>;
  /**
   * Addition: decide at once, with no promise in between. Undefined when the request needs an
   * IP geo lookup first (call `getOffers`); throws the errors `getOffers` rejects with.
   */
  getOffersSync(options: GetOffersOptions): DecidedResponse | undefined;
  /** A copy of the artifact in use. */
  getRawArtifact(): Artifact | undefined;
  /** Which requested names need the Delivery API. */
  hasRemoteDependency(request: DeliveryRequest): RemoteDependency;
  /** Whether an artifact is loaded. */
  isReady(): boolean;
  /** Stop refreshing the artifact. */
  stopPolling(): void;
  /** Stop refreshing, then wait for pending notifications and downloads. */
  close(): Promise<void>;
}

/** A decided request: the response and, when something is owed to Target, the notification payload. */
export interface DecideResult {
  response: DecidedResponse;
  /** The request as decided (ids, request id and geo filled in). */
  request: DeliveryRequest;
  /** What to hand to `sendNotificationFunc`, or undefined when nothing is owed. */
  notification: NotificationPayload | undefined;
}

/** Decides requests against one loaded artifact, synchronously and without I/O. */
export interface Decider {
  /** Decide a request. Throws a `RequestError` for a request that cannot be decided. */
  decide(options: GetOffersOptions): DecideResult;
  /** Which requested names need the Delivery API. */
  hasRemoteDependency(request: DeliveryRequest): RemoteDependency;
  /** The artifact decided against (do not mutate). */
  readonly artifact: Artifact;
  /** Rules whose conditions could not be compiled (they never match). */
  readonly problems: readonly string[];
}

/** The artifact half of a request trace: where the artifact came from and how fresh it is, plus its `meta`. */
export type ArtifactTrace = Record<string, unknown>;
