/**
 * Where a call is decided: on-device when the method and the artifact allow (at once, with no
 * promise in between unless an IP geo lookup is due), else by Target's edge. Either way the
 * answer becomes a {@link Delivered}, whose `getOffers` result is shaped when first asked for.
 */
import type { DecidedResponse, DecisioningEngine, DeliveryRequest, DeliveryResponse, GetOffersOptions, internal } from "@decisioning/engine";
import type { Call, RequestExposure } from "./call.js";
import type { Calls } from "./calls.js";
import { jsonForLog, type EdgeClient } from "./edge.js";
import { Delivered, type RemoteDependencySource } from "./delivery/response.js";
import { EngineNotReadyError } from "./errors.js";
import { Messages } from "./messages.js";
import { requiresDecisioningEngine, type VisitorOptions } from "./options.js";
import type { ClientPlatform } from "./platform.js";
import { DecisioningMethod } from "./types.js";
import type { UnknownNames } from "./unknown-names.js";

type SafeLogger = internal.SafeLogger;

/** Routes the client's calls to the engine or the edge. */
export class Router {
  /** The engine once it has an artifact; set by the client when it is ready. */
  engine: DecisioningEngine<Call> | undefined;
  private remoteSource: { engine: DecisioningEngine<Call>; source: RemoteDependencySource } | undefined;

  constructor(
    private readonly calls: Calls,
    private readonly edge: EdgeClient,
    private readonly platform: ClientPlatform,
    private readonly logger: SafeLogger,
    private readonly unknownNames: UnknownNames,
  ) {}

  /** Decide a call on-device when the method and the artifact allow, else ask the edge. */
  deliver(options: VisitorOptions, request: DeliveryRequest, requestedMethod: DecisioningMethod, exposure: RequestExposure): Delivered | Promise<Delivered> {
    const engine = this.engine?.isReady() ? this.engine : undefined;
    let method = requestedMethod;
    if (requiresDecisioningEngine(method) && !engine) {
      // Hybrid falls back to the edge as a whole until the artifact is in.
      if (method !== DecisioningMethod.Hybrid) throw new EngineNotReadyError();
      method = DecisioningMethod.ServerSide;
    }
    const call = this.calls.prepare(options, request, exposure);
    const local =
      engine !== undefined &&
      requiresDecisioningEngine(method) &&
      !(method === DecisioningMethod.Hybrid && engine.hasRemoteDependency(call.request).remoteNeeded);
    if (!local) return this.sendToEdge(call, engine);

    const { logger } = this;
    if (logger.debugEnabled) logger.debug(Messages.REQUEST_SENT, DecisioningMethod.OnDevice, this.edge.hostFor(call.cluster), jsonForLog(call.request));
    const decision: GetOffersOptions<Call> = { request: call.request, sessionId: call.sessionId, visitor: call };
    if (call.locationHint) decision.targetLocationHint = call.locationHint;
    const decided = engine.getOffersSync(decision);
    if (decided !== undefined) return this.decidedOnDevice(call, decided, engine);
    return engine.getOffers(decision).then((response) => this.decidedOnDevice(call, response, engine));
  }

  private decidedOnDevice(call: Call, response: DecidedResponse, engine: DecisioningEngine<Call>): Delivered {
    // Names answered as remote (status 206) may be names the artifact does not know at all.
    if (response.status === 206) this.unknownNames.check(response, engine.getDecider());
    return this.delivered(call, response, DecisioningMethod.OnDevice, engine);
  }

  /** A call answered by Target's edge (a server-side `getOffers`, or `sendNotifications`). */
  deliverRemotely(options: VisitorOptions, request: DeliveryRequest): Promise<Delivered> {
    const engine = this.engine?.isReady() ? this.engine : undefined;
    return this.sendToEdge(this.calls.prepare(options, request, "handed-out"), engine);
  }

  /** An answer in hand: logged, and the edge cluster it names learnt (see `Calls.learn`). */
  answered(call: Call, response: DeliveryResponse): void {
    const { logger } = this;
    if (logger.debugEnabled) logger.debug(Messages.RESPONSE_RECEIVED, jsonForLog(response));
    this.calls.learn(call, response);
  }

  private async sendToEdge(call: Call, engine: DecisioningEngine<Call> | undefined): Promise<Delivered> {
    const answered = await this.edge.exchange(call);
    const delivered = this.delivered(answered.call, answered.response, DecisioningMethod.ServerSide, engine);
    // Shaped now: an edge answer's remote names come from the artifact current at this moment.
    delivered.result();
    return delivered;
  }

  private delivered(call: Call, response: DeliveryResponse, used: DecisioningMethod, engine: DecisioningEngine<Call> | undefined): Delivered {
    this.answered(call, response);
    return new Delivered(call, response, used, engine && this.remoteNamesOf(engine), this.platform.now());
  }

  /** The engine as `processResponse` asks it about remote names (made once per engine). */
  private remoteNamesOf(engine: DecisioningEngine<Call>): RemoteDependencySource {
    if (this.remoteSource?.engine !== engine) {
      this.remoteSource = { engine, source: { hasRemoteDependency: (request) => engine.hasRemoteDependency(request) } };
    }
    return this.remoteSource.source;
  }
}
