/**
 * `TargetClient`: a drop-in for the reference SDK's client (`@adobe/target-nodejs-sdk` 2.4.3)
 * on top of the on-device decisioning engine. `server-side` calls Target's Delivery API,
 * `on-device` decides in process from the rules artifact, `hybrid` decides in process whenever
 * the artifact can decide the whole request and calls the Delivery API otherwise.
 */
import {
  clusterOfEdgeHost,
  clusterOfTntId,
  createDecisioningEngine,
  edgeClusterOf,
  type DecisioningConfig,
  type DecisioningEngine,
  type DeliveryRequest as EngineDeliveryRequest,
  type NotificationPayload,
} from "@decisioning/engine";
import { attributesOf, type AttributesProvider } from "./attributes.js";
import {
  clusterOfDeviceId,
  DEVICE_ID_COOKIE,
  LOCATION_HINT_COOKIE,
  parseTargetCookie,
  SESSION_ID_COOKIE,
  TARGET_COOKIE,
} from "./cookies.js";
import {
  DEFAULT_DELIVERY_RETRIES,
  deliveryHeaders,
  deliveryUrl,
  postDelivery,
  targetHost,
  type DeliveryTimings,
  type DeliveryTransport,
  type FetchApi,
  type FetchInit,
} from "./delivery/http.js";
import {
  isRetriableDeliveryFailure,
  mergeNotificationPayloads,
  NotificationQueue,
  type NotificationDrop,
  type NotificationQueueStats,
} from "./delivery/notification-queue.js";
import { DecisionContext, mergeKeyOf, retainedPayload, sameRequestData } from "./delivery/decision-payloads.js";
import { addMboxesToRequest, createDeliveryRequest, customerIdsOf, emptyRequest, propertyOf } from "./delivery/request.js";
import { Delivered, type RemoteDependencySource, type TargetDeliveryResponse } from "./delivery/response.js";
import { ClientErrorCode, EngineNotReadyError, NotificationDroppedError, OptionsError } from "./errors.js";
import { eventEmitterOf, type Emit } from "./events.js";
import { safeLogger, type SafeLogger } from "./logger.js";
import { Messages } from "./messages.js";
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
  type VisitorOptions,
} from "./options.js";
import { clientPlatformOf, type ClientPlatform } from "./platform.js";
import { ClientTelemetry } from "./telemetry.js";
import { DecisioningMethod, type DeliveryRequest, type DeliveryResponse } from "./types.js";
import { AuthState, ServerVisitor, visitorCookieName, type VisitorLike } from "./visitor.js";
import { SDK_VERSION } from "./version.js";

const CREATE_TOKEN: unique symbol = Symbol("TargetClient.create");

/** The session id of the reference's location-hint ping. */
const PING_SESSION_ID = "ping123";

interface ResolvedConfig {
  client: string;
  organizationId: string;
  decisioningMethod: DecisioningMethod;
  serverDomain: string | undefined;
  secure: boolean | undefined;
  propertyToken: string | undefined;
  environmentId: number | undefined;
  version: string;
}

function globalFetch(): FetchApi | undefined {
  return typeof globalThis.fetch === "function" ? (globalThis.fetch.bind(globalThis) as unknown as FetchApi) : undefined;
}

// The engine and the client describe the same Delivery API JSON with separately written types.
const toEngine = (request: DeliveryRequest): EngineDeliveryRequest => request as unknown as EngineDeliveryRequest;
const fromEngine = (response: unknown): DeliveryResponse => response as DeliveryResponse;

function withoutUndefined<T extends Record<string, unknown>>(object: T): T {
  for (const key of Object.keys(object)) if (object[key] === undefined) delete object[key];
  return object;
}

function stringOr(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

// A caller's request may be too deep (or cyclic) to serialize; debug logging must not throw for it.
function jsonForLog(value: unknown): string {
  try {
    return JSON.stringify(value, null, 2);
  } catch (error) {
    return `[not serializable: ${messageOf(error)}]`;
  }
}

const resultOf = (delivered: Delivered): TargetDeliveryResponse => delivered.result();
const attributesOfDelivered = (delivered: Delivered): AttributesProvider => attributesOf(delivered.response, delivered);

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Target client: create it with {@link TargetClient.create}. */
export class TargetClient {
  /** Create a client. Validates at once and returns; `events.clientReady` fires when it can serve. */
  static create(options: TargetClientOptions): TargetClient {
    validateClientOptions(options);
    const fetchApi = options.fetchApi ?? globalFetch();
    if (typeof fetchApi !== "function") throw new OptionsError(ClientErrorCode.FetchUndefined, Messages.FETCH_UNDEFINED);
    return new TargetClient(options, fetchApi, CREATE_TOKEN);
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

  private readonly config: ResolvedConfig;
  private readonly logger: SafeLogger;
  private readonly emit: Emit;
  private readonly platform: ClientPlatform;
  private readonly telemetry: ClientTelemetry;
  private readonly transport: DeliveryTransport;
  /** The transport of queued notifications: one attempt per send, as the queue owns retries, backoff and the outage pause. */
  private readonly queueTransport: DeliveryTransport;
  private readonly notifications: NotificationQueue<NotificationPayload>;
  private engine: DecisioningEngine | undefined;
  /** Edge cluster learnt from Target (or configured); later calls go there. */
  private targetLocationHint: string | undefined;
  private closed = false;

  private constructor(options: TargetClientOptions, fetchApi: FetchApi, token: typeof CREATE_TOKEN) {
    if (token !== CREATE_TOKEN) throw new OptionsError(ClientErrorCode.PrivateConstructor, Messages.PRIVATE_CONSTRUCTOR);
    this.config = {
      client: options.client,
      organizationId: options.organizationId,
      decisioningMethod: options.decisioningMethod ?? DecisioningMethod.ServerSide,
      serverDomain: options.serverDomain,
      secure: options.secure,
      propertyToken: options.propertyToken,
      environmentId: options.environmentId,
      version: options.version ?? SDK_VERSION,
    };
    this.targetLocationHint = options.targetLocationHint;
    this.logger = safeLogger(options.logger);
    this.emit = eventEmitterOf(options.events, this.logger);
    this.platform = clientPlatformOf(options.platform);
    this.telemetry = new ClientTelemetry(options.telemetryEnabled !== false, this.platform.now);
    this.transport = {
      fetchApi,
      timeout: options.timeout || DEFAULT_TIMEOUT,
      retries: typeof options.deliveryRetries === "number" && options.deliveryRetries >= 0 ? options.deliveryRetries : DEFAULT_DELIVERY_RETRIES,
      platform: this.platform,
    };
    // Retrying in the transport too would multiply every queued attempt (3 requests per attempt
    // by default): against a Delivery API that cannot be reached, a stream of failed requests.
    this.queueTransport = { ...this.transport, retries: 0 };
    this.notifications = new NotificationQueue<NotificationPayload>(
      {
        send: (payload) => this.sendDecisionNotifications(payload),
        isRetriable: isRetriableDeliveryFailure,
        keyOf: mergeKeyOf,
        canMerge: sameRequestData,
        retain: retainedPayload,
        merge: mergeNotificationPayloads,
        onDrop: (drop) => this.reportDrop(drop),
        platform: this.platform,
      },
      options.notificationQueue,
    );
    if (requiresDecisioningEngine(this.config.decisioningMethod)) {
      void this.startEngine(options, fetchApi);
    } else {
      // Next macrotask rather than synchronously: the caller must hold the client first.
      this.platform.setTimeout(() => this.emit("clientReady"), 0);
    }
  }

  private async startEngine(options: TargetClientOptions, fetchApi: FetchApi): Promise<void> {
    const given = options.platform ?? {};
    const platform = withoutUndefined({
      now: given.now,
      monotonic: given.monotonic,
      setTimeout: given.setTimeout,
      clearTimeout: given.clearTimeout,
      random: given.random,
      uuid: given.uuid,
    });
    const config: DecisioningConfig = withoutUndefined({
      ...options.engineOptions,
      client: options.client,
      organizationId: options.organizationId,
      pollingInterval: options.pollingInterval,
      maximumWaitReady: options.maximumWaitReady,
      artifactFormat: options.artifactFormat,
      artifactLocation: options.artifactLocation,
      artifactPayload: options.artifactPayload,
      propertyToken: options.propertyToken,
      environment: options.environment,
      cdnEnvironment: options.cdnEnvironment,
      cdnBasePath: options.cdnBasePath,
      logger: this.logger,
      telemetryEnabled: options.telemetryEnabled !== false,
      fetchApi: (url: string, init?: Record<string, unknown>) => fetchApi(url, init as FetchInit),
      eventEmitter: (name: string, payload?: Record<string, unknown>) => this.emit(name, payload),
      // Queued, not sent: the engine's hand-off never waits for the Delivery API. The queue is
      // bounded and sends on a later tick, so the engine hands over at once rather than queueing too.
      sendNotificationFunc: (payload: NotificationPayload) => this.notifications.enqueue(payload),
      notificationHandoff: "immediate" as const,
      platform: { ...options.engineOptions?.platform, ...platform },
    });
    const waitUntil = options.engineOptions?.waitUntil;
    // The engine hands the host its notification hand-offs; the host must also wait for the sends.
    if (typeof waitUntil === "function") config.waitUntil = (task) => waitUntil(task.finally(() => this.notifications.whenSettled()));
    try {
      const [engine] = await Promise.all([createDecisioningEngine(config), this.requestLocationHint()]);
      if (this.closed) {
        await engine.close();
        return;
      }
      this.engine = engine;
      this.emit("clientReady");
    } catch (error) {
      // As in the reference: logged, and `clientReady` never fires; hybrid keeps serving remotely.
      this.logger.error(messageOf(error));
    }
  }

  /** Learn the visitor-independent edge cluster once, with a server-side ping, unless one was configured. */
  private async requestLocationHint(): Promise<void> {
    if (this.targetLocationHint !== undefined) return;
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
      const delivered = this.deliver(options, options.request, options.decisioningMethod || this.config.decisioningMethod);
      return delivered instanceof Delivered ? Promise.resolve(delivered.result()) : delivered.then(resultOf);
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
      const delivered = this.deliver(given, request, given.decisioningMethod || this.config.decisioningMethod, false);
      return Promise.resolve(delivered instanceof Delivered ? attributesOfDelivered(delivered) : delivered.then(attributesOfDelivered));
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /** Send display or click notifications (and any waiting telemetry) to the Delivery API. */
  sendNotifications(options: SendNotificationsOptions): Promise<TargetDeliveryResponse> {
    try {
      const error = this.notificationsError(options);
      if (error) throw error;
      return this.deliverRemotely(options, options.request).then(resultOf);
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
    await this.engine?.close();
    await this.notifications.flush();
  }

  /** Addition: counters of the notification queue (payloads enqueued, sent, dropped by reason, …). */
  getNotificationStats(): NotificationQueueStats {
    return this.notifications.stats();
  }

  /** What is wrong with `sendNotifications` options, if anything (waiting telemetry alone is something to send). */
  private notificationsError(options: SendNotificationsOptions): OptionsError | undefined {
    return sendNotificationsOptionsError(options, this.telemetry.enabled && this.telemetry.hasEntries());
  }

  /** Every dropped payload is reported once, with the reason, as a `sendNotificationError` event. */
  private reportDrop(drop: NotificationDrop<NotificationPayload>): void {
    // Under overload drops come by the thousand; an error object (with its stack) is only built for someone to read it.
    if (!this.logger.errorEnabled && !this.emit.has("sendNotificationError")) return;
    const error = drop.error instanceof Error ? drop.error : new NotificationDroppedError(drop.reason, { cause: drop.error });
    this.logger.error(`notification dropped (${drop.reason}) after ${drop.attempts} attempt(s)`, error);
    this.emit("sendNotificationError", { notification: drop.payload, error, reason: drop.reason, attempts: drop.attempts });
  }

  /**
   * The engine's notifications, sent under the decision's visitor, session and cluster, as
   * `sendNotifications` sends them; the queue reads no result, so none is shaped.
   */
  private sendDecisionNotifications(payload: NotificationPayload): Promise<void> {
    try {
      const context = payload.visitor instanceof DecisionContext ? payload.visitor : undefined;
      const options: SendNotificationsOptions = { request: payload.request as DeliveryRequest };
      if (context) {
        options.visitor = context.visitor;
        options.sessionId = context.sessionId;
        if (context.targetLocationHint) options.targetLocationHint = context.targetLocationHint;
      }
      const error = this.notificationsError(options);
      if (error) throw error;
      return this.exchange(this.prepare(options, options.request, this.visitorFor(options)), this.queueTransport).then(({ call, response }) => {
        this.received(call, response);
      });
    } catch (error) {
      return Promise.reject(error);
    }
  }

  private remoteSource: { engine: DecisioningEngine; source: RemoteDependencySource } | undefined;

  /** The engine as `processResponse` asks it about remote names (made once per engine). */
  private remoteNamesOf(engine: DecisioningEngine): RemoteDependencySource {
    if (this.remoteSource?.engine !== engine) {
      this.remoteSource = { engine, source: { hasRemoteDependency: (request) => engine.hasRemoteDependency(toEngine(request)) } };
    }
    return this.remoteSource.source;
  }

  /** The edge host for a cluster; only the edge path and debug logging need it, so on-device calls never build it. */
  private hostFor(cluster: string | undefined): string {
    const { config } = this;
    return targetHost(config.serverDomain, cluster, config.client, config.secure);
  }

  private visitorFor(options: VisitorOptions): VisitorLike {
    const visitor = options.visitor ?? new ServerVisitor(this.config.organizationId, options.visitorCookie, this.platform);
    const customerIds = customerIdsOf(options.customerIds);
    if (customerIds) visitor.setCustomerIDs(customerIds);
    return visitor;
  }

  /** Decide on-device when the method and the artifact allow (at once, unless a geo lookup is due), else ask the edge. */
  private deliver(options: VisitorOptions, request: DeliveryRequest, requestedMethod: DecisioningMethod, handsOutRequest = true): Delivered | Promise<Delivered> {
    const visitor = this.visitorFor(options);
    const engine = this.engine?.isReady() ? this.engine : undefined;
    let method = requestedMethod;
    if (requiresDecisioningEngine(method) && !engine) {
      // Hybrid falls back to the edge as a whole until the artifact is in.
      if (method !== DecisioningMethod.Hybrid) throw new EngineNotReadyError();
      method = DecisioningMethod.ServerSide;
    }
    const call = this.prepare(options, request, visitor);
    const local =
      engine !== undefined &&
      requiresDecisioningEngine(method) &&
      !(method === DecisioningMethod.Hybrid && engine.hasRemoteDependency(toEngine(call.request)).remoteNeeded);
    if (!local) return this.sendToEdge(call, engine);

    const { logger } = this;
    if (logger.debugEnabled) logger.debug(Messages.REQUEST_SENT, DecisioningMethod.OnDevice, this.hostFor(call.cluster), jsonForLog(call.request));
    const ownVisitor = visitor !== options.visitor;
    const decision: Parameters<typeof engine.getOffers>[0] = {
      request: toEngine(call.request),
      sessionId: call.sessionId,
      visitor: new DecisionContext(visitor, call.sessionId, call.cluster, !ownVisitor, handsOutRequest),
    };
    if (call.targetLocationHint) decision.targetLocationHint = call.targetLocationHint;
    const decided = engine.getOffersSync(decision);
    if (decided !== undefined) return this.delivered(call, fromEngine(decided), DecisioningMethod.OnDevice, engine, handsOutRequest, ownVisitor);
    return engine
      .getOffers(decision)
      .then((response) => this.delivered(call, fromEngine(response), DecisioningMethod.OnDevice, engine, handsOutRequest, ownVisitor));
  }

  /** Build the Delivery request, ids and session of a call, with nothing sent or decided yet. */
  private prepare(options: VisitorOptions, given: DeliveryRequest, visitor: VisitorLike): PreparedCall {
    const { config, platform, logger } = this;
    const property = propertyOf(config.propertyToken, given, logger);
    let input: DeliveryRequest = given;
    if (property) {
      input = { property: undefined, ...given };
      input.property = property;
    }
    // Options come from visitors' cookies: only a cluster in Target's shape is taken, since it
    // chooses the host the visitor's data goes to; anything else counts as absent.
    const givenHint = options.targetLocationHint ? this.validHint(options.targetLocationHint) : undefined;
    const targetLocationHint = givenHint || this.targetLocationHint;
    // Most calls carry no cookie, and parsing none still makes a (slow, null-prototype) object.
    const cookies = options.targetCookie ? parseTargetCookie(options.targetCookie, platform.now()) : undefined;
    const deviceId = cookies?.[DEVICE_ID_COOKIE]?.value || undefined;
    const visitorCluster = clusterOfDeviceId(deviceId) || givenHint || undefined;
    const cluster = visitorCluster || targetLocationHint || undefined;
    const sessionId = cookies?.[SESSION_ID_COOKIE]?.value || stringOr(options.sessionId) || platform.uuid();
    const request = createDeliveryRequest(input, {
      logger,
      visitor,
      deviceId,
      consumerId: stringOr(options.consumerId),
      environmentId: config.environmentId,
      uuid: platform.uuid,
      timeOffsetInMinutes: platform.timeOffsetInMinutes,
    });
    return { request, visitor, sessionId, cluster, visitorCluster, targetLocationHint };
  }

  /** A call's location hint when it is an edge cluster; anything else is ignored (and logged at debug). */
  private validHint(given: unknown): string | undefined {
    const hint = edgeClusterOf(given);
    if (hint === undefined && this.logger.debugEnabled) {
      // JSON-quoted and cut short: the value is a visitor's, and must not forge log lines.
      this.logger.debug(Messages.LOCATION_HINT_IGNORED, JSON.stringify(String(given).slice(0, 64)));
    }
    return hint;
  }

  /** A call (a server-side `getOffers`, a notification, or an on-device one that cannot decide) answered by Target's edge. */
  private deliverRemotely(options: VisitorOptions, request: DeliveryRequest): Promise<Delivered> {
    const engine = this.engine?.isReady() ? this.engine : undefined;
    return this.sendToEdge(this.prepare(options, request, this.visitorFor(options)), engine);
  }

  private async sendToEdge(call: PreparedCall, engine: DecisioningEngine | undefined): Promise<Delivered> {
    const answered = await this.exchange(call);
    const delivered = this.delivered(answered.call, answered.response, DecisioningMethod.ServerSide, engine);
    // Shaped now: an edge answer's remote names come from the artifact current at this moment.
    delivered.result();
    return delivered;
  }

  /** One Delivery API exchange for a call, waiting telemetry included and the exchange's own recorded. */
  private async exchange(call: PreparedCall, transport = this.transport): Promise<{ call: PreparedCall; response: DeliveryResponse }> {
    const { config, platform, logger } = this;
    const used = DecisioningMethod.ServerSide;
    let { request } = call;
    if (this.telemetry.enabled && this.telemetry.hasEntries()) {
      request = { ...request, telemetry: { entries: [...(request.telemetry?.entries ?? []), ...this.telemetry.drain()] } };
    }
    if (logger.debugEnabled) logger.debug(Messages.REQUEST_SENT, used, this.hostFor(call.cluster), jsonForLog(request));
    const started = platform.monotonic();
    const url = deliveryUrl(this.hostFor(call.cluster), { client: config.client, sessionId: call.sessionId, version: config.version, imsOrgId: config.organizationId });
    const result: { response: DeliveryResponse; timings: DeliveryTimings } = await postDelivery(
      transport,
      url,
      deliveryHeaders(platform.uuid()),
      request,
    );
    this.telemetry.addDeliveryEntry(request, result.response, used, platform.monotonic() - started, result.timings);
    return { call: request === call.request ? call : { ...call, request }, response: result.response };
  }

  /**
   * An answer in hand: logged, and the edge cluster it names remembered for the whole client,
   * but only when the call brought no cluster of its visitor's: one visitor's cookie (or its
   * edge's answer) must never choose where other visitors' calls go.
   */
  private received(call: PreparedCall, response: DeliveryResponse): void {
    const { logger } = this;
    if (logger.debugEnabled) logger.debug(Messages.RESPONSE_RECEIVED, jsonForLog(response));
    if (call.visitorCluster !== undefined || response.edgeHost === undefined) return;
    const learned = clusterOfEdgeHost(response.edgeHost);
    if (learned !== undefined && clusterOfTntId(call.request.id?.tntId) === undefined) this.targetLocationHint = learned;
  }

  /**
   * A response in hand: logged, its cluster remembered, its result shaped when first asked for.
   * A result not handed out with the call (`getAttributes`) gets a copy of the request when it
   * is built; and a visitor made for the call changes no more once decided (its notification
   * goes out with the SDID it already holds), so such a result reads that visitor's state then.
   */
  private delivered(
    call: PreparedCall,
    response: DeliveryResponse,
    used: DecisioningMethod,
    engine: DecisioningEngine | undefined,
    handsOutRequest = true,
    ownVisitor = false,
  ): Delivered {
    this.received(call, response);
    const visitorState = handsOutRequest || !ownVisitor ? call.visitor.getState() : undefined;
    return new Delivered(call, response, used, engine && this.remoteNamesOf(engine), this.platform.now(), visitorState, !handsOutRequest);
  }
}

/** A call's Delivery request and the ids it goes with, before it is decided or sent. */
interface PreparedCall {
  request: DeliveryRequest;
  visitor: VisitorLike;
  sessionId: string;
  /** Where the call goes: its visitor's cluster, else the client's. */
  cluster: string | undefined;
  /** The cluster the visitor brought (the `mbox` cookie's tntId, else the call's hint), if any. */
  visitorCluster: string | undefined;
  /** The call's location hint, else the client's. */
  targetLocationHint: string | undefined;
}

