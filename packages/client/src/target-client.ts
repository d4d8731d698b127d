/**
 * `TargetClient`: a drop-in for the reference SDK's client (`@adobe/target-nodejs-sdk` 2.4.3)
 * on top of the on-device decisioning engine. `server-side` calls Target's Delivery API,
 * `on-device` decides in process from the rules artifact, `hybrid` decides in process whenever
 * the artifact can decide the whole request and calls the Delivery API otherwise. The class is
 * a façade: it checks what callers pass and hands calls to the router (calls.ts, router.ts,
 * edge.ts, notifications/).
 */
import {
  createDecisioningEngine,
  type Artifact,
  type DeliveryRequest,
  type DeliveryResponse,
  type FetchApi,
  type GetOffersOptions as EngineGetOffersOptions,
  type RemoteDependency,
} from "@decisioning/engine";
import { attributesOf, type AttributesProvider } from "./attributes.js";
import type { Call } from "./call.js";
import { Calls } from "./calls.js";
import { LOCATION_HINT_COOKIE, TARGET_COOKIE } from "./cookies.js";
import { DEFAULT_DELIVERY_RETRIES } from "./delivery/http.js";
import { addMboxesToRequest, emptyRequest } from "./delivery/request.js";
import type { Delivered, TargetDeliveryResponse } from "./delivery/response.js";
import { EdgeClient } from "./edge.js";
import { engineConfigOf } from "./engine-config.js";
import { ClientErrorCode, EngineNotReadyError, OptionsError } from "./errors.js";
import { eventEmitterOf, type Emit } from "./events.js";
import { clientLogger, type SafeLogger } from "./logger.js";
import { Messages } from "./messages.js";
import type { NotificationQueueStats } from "./notifications/queue.js";
import { DecisionNotifications } from "./notifications/sender.js";
import {
  DEFAULT_TIMEOUT,
  getOffersOptionsError,
  requestError,
  requiresDecisioningEngine,
  sendNotificationsOptionsError,
  validateClientOptions,
  type GetAttributesOptions,
  type GetOffersOptions,
  type SendNotificationsOptions,
  type TargetClientOptions,
} from "./options.js";
import { clientPlatformOf, type ClientPlatform } from "./platform.js";
import { OfflineRecorder, type RecordedDelivery } from "./offline.js";
import { Router } from "./router.js";
import { UnknownNames } from "./unknown-names.js";
import { ClientTelemetry } from "./telemetry.js";
import { DecisioningMethod } from "./types.js";
import { AuthState, visitorCookieName } from "./visitor.js";
import { SDK_VERSION } from "./version.js";

const CREATE_TOKEN: unique symbol = Symbol("TargetClient.create");

/** The session id of the reference's location-hint ping. */
const PING_SESSION_ID = "ping123";

/** A transport, maybe with sockets to close. */
type OwnedFetch = FetchApi & { close?(): void };

function globalFetch(): FetchApi | undefined {
  return typeof globalThis.fetch === "function" ? (globalThis.fetch.bind(globalThis) as unknown as FetchApi) : undefined;
}

const resultOf = (delivered: Delivered): TargetDeliveryResponse => delivered.result();
const attributesOfDelivered = (delivered: Delivered): AttributesProvider => attributesOf(delivered.response, delivered);

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Target client: create it with {@link TargetClient.create}. */
export class TargetClient {
  /** Create a client. Validates at once and returns; `events.clientReady` fires when it can serve. */
  // `this`, not `TargetClient`: the Node entry's subclass makes its own clients with its own transport.
  static create(options: TargetClientOptions): TargetClient {
    validateClientOptions(options);
    if (options.offline === true) {
      const recorder = new OfflineRecorder();
      // On-device by default, and no ping for a location hint: nothing may leave the process.
      const offline = {
        ...options,
        decisioningMethod: options.decisioningMethod ?? DecisioningMethod.OnDevice,
        targetLocationHint: options.targetLocationHint ?? "",
      };
      return new this(offline, recorder.fetch, undefined, CREATE_TOKEN, recorder);
    }
    // biome-ignore lint/complexity/noThisInStatic: the Node entry's subclass overrides defaultFetch.
    const own = options.fetchApi === undefined ? this.defaultFetch() : undefined;
    const fetchApi = options.fetchApi ?? own;
    if (typeof fetchApi !== "function") throw new OptionsError(ClientErrorCode.FetchUndefined, Messages.FETCH_UNDEFINED);
    return new this(options, fetchApi, own, CREATE_TOKEN);
  }

  /**
   * The transport of a client given no `fetchApi`: the global `fetch` in the portable entry; the
   * Node entry's client makes a Node transport of its own, which `close()` closes.
   */
  protected static defaultFetch(): OwnedFetch | undefined {
    return globalFetch();
  }

  /** Name of the Experience Cloud visitor cookie: `AMCV_` + organization id. */
  static getVisitorCookieName(organizationId: string): string {
    return visitorCookieName(organizationId);
  }

  /** Name of Target's cookie: `mbox`. */
  static get TargetCookieName(): typeof TARGET_COOKIE {
    return TARGET_COOKIE;
  }

  /** Name of the edge-cluster cookie: `mboxEdgeCluster`. */
  static get TargetLocationHintCookieName(): typeof LOCATION_HINT_COOKIE {
    return LOCATION_HINT_COOKIE;
  }

  /** Authentication states for `customerIds`: `{UNKNOWN: 0, AUTHENTICATED: 1, LOGGED_OUT: 2}`. */
  static get AuthState(): typeof AuthState {
    return AuthState;
  }

  private readonly decisioningMethod: DecisioningMethod;
  private readonly logger: SafeLogger;
  private readonly emit: Emit;
  private readonly platform: ClientPlatform;
  private readonly telemetry: ClientTelemetry;
  private readonly calls: Calls;
  private readonly router: Router;
  private readonly notifications: DecisionNotifications;
  private closed = false;
  /** The transport the client made for itself (when given none), closed with the client. */
  private readonly ownFetch: OwnedFetch | undefined;

  /** The engine as `decisioningEngine` shows it (undefined for a server-side client). */
  private readonly engineView: ClientDecisioningEngine | undefined;
  /** What an offline client would have sent (undefined unless `offline: true`). */
  private readonly recorder: OfflineRecorder | undefined;

  protected constructor(
    options: TargetClientOptions,
    fetchApi: FetchApi,
    ownFetch: OwnedFetch | undefined,
    token: typeof CREATE_TOKEN,
    recorder?: OfflineRecorder,
  ) {
    if (token !== CREATE_TOKEN) throw new OptionsError(ClientErrorCode.PrivateConstructor, Messages.PRIVATE_CONSTRUCTOR);
    this.ownFetch = ownFetch;
    this.recorder = recorder;
    this.decisioningMethod = options.decisioningMethod ?? DecisioningMethod.ServerSide;
    this.logger = clientLogger(options.logger);
    this.emit = eventEmitterOf(options.events, this.logger);
    this.platform = clientPlatformOf(options.platform);
    this.telemetry = new ClientTelemetry(options.telemetryEnabled !== false, this.platform.now);
    const { logger, platform, telemetry } = this;
    this.calls = new Calls(
      { organizationId: options.organizationId, propertyToken: options.propertyToken, environmentId: options.environmentId },
      platform,
      logger,
      options.targetLocationHint,
    );
    const edge = new EdgeClient(
      {
        client: options.client,
        organizationId: options.organizationId,
        serverDomain: options.serverDomain,
        secure: options.secure,
        version: options.version ?? SDK_VERSION,
      },
      {
        fetchApi,
        // Checked by validateClientOptions: given values are valid, absent ones take the default.
        timeout: options.timeout ?? DEFAULT_TIMEOUT,
        retries: options.deliveryRetries ?? DEFAULT_DELIVERY_RETRIES,
        platform,
      },
      telemetry,
      platform,
      logger,
    );
    this.router = new Router(this.calls, edge, platform, logger, new UnknownNames(logger, this.emit));
    this.notifications = new DecisionNotifications(
      { calls: this.calls, edge, telemetry, answered: (call, response) => this.router.answered(call, response), emit: this.emit, logger, platform },
      options.notificationQueue,
    );
    this.engineView = requiresDecisioningEngine(this.decisioningMethod) ? engineViewOf(this.router) : undefined;
    if (requiresDecisioningEngine(this.decisioningMethod)) {
      void this.startEngine(options, fetchApi);
    } else {
      // Next macrotask rather than synchronously: the caller must hold the client first.
      platform.setTimeout(() => this.emit("clientReady"), 0);
    }
  }

  private async startEngine(options: TargetClientOptions, fetchApi: FetchApi): Promise<void> {
    const queue = this.notifications.queue;
    const config = engineConfigOf(options, {
      logger: this.logger,
      fetchApi,
      emit: (name, payload) => this.emit(name, payload),
      enqueue: (payload) => this.notifications.enqueue(payload),
      whenSettled: () => queue.whenSettled(),
    });
    try {
      const [engine] = await Promise.all([createDecisioningEngine<Call>(config), this.requestLocationHint()]);
      if (this.closed) {
        await engine.close();
        return;
      }
      this.router.engine = engine;
      if (this.engineView?.stopRequested) engine.stopPolling();
      this.emit("clientReady");
    } catch (error) {
      // As in the reference: logged, and `clientReady` never fires; hybrid keeps serving remotely.
      this.logger.error(messageOf(error));
    }
  }

  /** Learn the visitor-independent edge cluster once, with a server-side ping, unless one was configured. */
  private async requestLocationHint(): Promise<void> {
    if (this.calls.hasLocationHint()) return;
    try {
      await this.getOffers({ sessionId: PING_SESSION_ID, decisioningMethod: DecisioningMethod.ServerSide, request: emptyRequest() });
    } catch (error) {
      this.logger.debug(Messages.LOCATION_HINT_REQUEST_FAILED, error);
    }
  }

  /** Decide a request: on-device, server-side or hybrid, per the client's (or this call's) method. */
  getOffers(options: GetOffersOptions): Promise<TargetDeliveryResponse> {
    // Not an async function: an on-device answer is ready at once, and each await layer costs
    // a decision's worth of microtasks. Every error still arrives as a rejection.
    try {
      const error = getOffersOptionsError(options);
      if (error) throw error;
      const delivered = this.router.deliver(options, options.request, options.decisioningMethod || this.decisioningMethod, "handed-out");
      return "then" in delivered ? delivered.then(resultOf) : Promise.resolve(delivered.result());
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /**
   * Decide the named mboxes (added to `request.execute.mboxes`) and read their JSON offers'
   * attributes. On-device, nothing goes over the network before the answer.
   */
  getAttributes(mboxNames: readonly string[], options: GetAttributesOptions = {}): Promise<AttributesProvider> {
    try {
      if (!Array.isArray(mboxNames)) throw new OptionsError(ClientErrorCode.MboxNamesRequired, Messages.MBOX_NAMES_REQUIRED);
      const given: GetAttributesOptions = options ?? {};
      const request = addMboxesToRequest(mboxNames, given.request || emptyRequest(), "execute");
      // The request goes alongside the caller's options rather than into a copy of them.
      const error = requestError(request);
      if (error) throw error;
      // The decided request reaches the caller only through `getResponse()`, as a copy.
      const delivered = this.router.deliver(given, request, given.decisioningMethod || this.decisioningMethod, "kept");
      return "then" in delivered ? delivered.then(attributesOfDelivered) : Promise.resolve(attributesOfDelivered(delivered));
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /** Send display or click notifications (and any waiting telemetry) to the Delivery API. */
  sendNotifications(options: SendNotificationsOptions): Promise<TargetDeliveryResponse> {
    try {
      const error = sendNotificationsOptionsError(options, this.telemetry.enabled && this.telemetry.hasEntries());
      if (error) throw error;
      return this.router.deliverRemotely(options, options.request).then(resultOf);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /**
   * Addition to the reference: stop refreshing the artifact and wait until notifications already
   * queued have been sent. The client keeps answering; a later on-device decision still works.
   */
  async close(): Promise<void> {
    this.closed = true;
    await this.router.engine?.close();
    await this.notifications.queue.flush();
    // Idle sockets only: a later call opens new ones.
    this.ownFetch?.close?.();
  }

  /**
   * As the reference's: the decisioning engine of an on-device or hybrid client (undefined for a
   * server-side one). Unlike the reference's, it is there before the artifact is in, answering as
   * an engine without one would: `isReady()` false, `getRawArtifact()` undefined, `getOffers`
   * rejected with the engine-not-ready error, `stopPolling()` kept for when it starts.
   */
  get decisioningEngine(): ClientDecisioningEngine | undefined {
    return this.engineView;
  }

  /**
   * Addition, for tests: the Delivery API requests with notifications that an offline client
   * (`offline: true`) would have sent, in order (copies). `clear` forgets them after reading.
   */
  getRecordedNotifications(options: { clear?: boolean } = {}): RecordedDelivery[] {
    if (!this.recorder)
      throw new OptionsError(ClientErrorCode.OptionInvalid, "offline: getRecordedNotifications() needs a client made with offline: true", "offline");
    const recorded = this.recorder.notifications();
    if (options.clear === true) this.recorder.clear();
    return recorded;
  }

  /** Addition: counters of the notification queue (payloads enqueued, sent, dropped by reason, …). */
  getNotificationStats(): NotificationQueueStats {
    return this.notifications.queue.stats();
  }
}

/** The part of the engine a client shows as `decisioningEngine`, as the reference's client does. */
export interface ClientDecisioningEngine {
  /** Decide on-device, as the client's engine does (the decision's notifications go out through the client's queue). */
  getOffers(options: EngineGetOffersOptions): Promise<DeliveryResponse>;
  /** A copy of the artifact in use, or undefined before one is in. */
  getRawArtifact(): Artifact | undefined;
  /** Which requested names need the Delivery API; throws the engine-not-ready error before an artifact is in. */
  hasRemoteDependency(request: DeliveryRequest): RemoteDependency;
  /** Whether an artifact is in. */
  isReady(): boolean;
  /** Stop refreshing the artifact (now, or as soon as the engine starts). */
  stopPolling(): void;
  /** Whether `stopPolling()` was called before the engine started. */
  readonly stopRequested: boolean;
}

/** A view over the router's engine, whichever engine that is now. */
function engineViewOf(router: Router): ClientDecisioningEngine {
  let stopRequested = false;
  return {
    getOffers(options) {
      const engine = router.engine;
      // A decision made here has no call of the client's: its notifications go out under a fresh one.
      return engine ? engine.getOffers({ ...options, visitor: undefined }) : Promise.reject(new EngineNotReadyError());
    },
    getRawArtifact: () => router.engine?.getRawArtifact(),
    hasRemoteDependency(request) {
      const engine = router.engine;
      if (!engine) throw new EngineNotReadyError();
      return engine.hasRemoteDependency(request);
    },
    isReady: () => router.engine?.isReady() ?? false,
    stopPolling() {
      stopRequested = true;
      router.engine?.stopPolling();
    },
    get stopRequested() {
      return stopRequested;
    },
  };
}
