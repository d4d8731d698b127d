/**
 * Making calls: what a caller passes (cookies, hints, ids, a request) becomes a {@link Call}
 * with its Delivery API request, visitor, session and edge cluster. The client-wide location
 * hint lives here too, since only a call's answer can teach it.
 */
import { internal, type DeliveryRequest, type DeliveryResponse, type NotificationPayload } from "@decisioning/engine";
import type { Call, RequestExposure } from "./call.js";
import { clusterOfDeviceId, DEVICE_ID_COOKIE, parseTargetCookie, SESSION_ID_COOKIE } from "./cookies.js";
import { createDeliveryRequest, customerIdsOf, propertyOf } from "./delivery/request.js";
import { Messages } from "./messages.js";
import type { VisitorOptions } from "./options.js";
import type { ClientPlatform } from "./platform.js";
import { ServerVisitor, type VisitorLike } from "./visitor.js";

const { clusterOfEdgeHost, clusterOfTntId, edgeClusterOf } = internal;
type SafeLogger = internal.SafeLogger;

/** The client settings calls are made with. */
export interface CallSettings {
  organizationId: string;
  propertyToken: string | undefined;
  environmentId: number | undefined;
}

function stringOr(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

/** Makes the client's calls and keeps its location hint. */
export class Calls {
  /**
   * The edge cluster calls go to when their visitor brought none: configured, or learnt from
   * Target's answer to a call whose visitor brought none either. `""` is "none, and no ping".
   */
  private clientHint: string | undefined;

  constructor(
    private readonly settings: CallSettings,
    private readonly platform: ClientPlatform,
    private readonly logger: SafeLogger,
    configuredHint: string | undefined,
  ) {
    this.clientHint = configuredHint;
  }

  /** Whether the client has a location hint (configured, even as `""`, or learnt). */
  hasLocationHint(): boolean {
    return this.clientHint !== undefined;
  }

  /** The visitor a call goes with: the caller's, else one made for the call from the `AMCV_` cookie. */
  private visitorFor(options: VisitorOptions): VisitorLike {
    const visitor = options.visitor ?? new ServerVisitor(this.settings.organizationId, options.visitorCookie, this.platform);
    const customerIds = customerIdsOf(options.customerIds);
    if (customerIds) visitor.setCustomerIDs(customerIds);
    return visitor;
  }

  /** Build a call's Delivery request, ids and session, with nothing sent or decided yet. */
  prepare(options: VisitorOptions, given: DeliveryRequest, requestExposure: RequestExposure): Call {
    const { settings, platform, logger } = this;
    const visitor = this.visitorFor(options);
    const property = propertyOf(settings.propertyToken, given, logger);
    let input: DeliveryRequest = given;
    if (property) {
      input = { property: undefined, ...given };
      input.property = property;
    }
    // Options come from visitors' cookies: only a cluster in Target's shape is taken, since it
    // chooses the host the visitor's data goes to; anything else counts as absent.
    const givenHint = options.targetLocationHint ? this.validHint(options.targetLocationHint) : undefined;
    const locationHint = givenHint || this.clientHint;
    // Most calls carry no cookie, and parsing none still makes a (slow, null-prototype) object.
    const cookies = options.targetCookie ? parseTargetCookie(options.targetCookie, platform.now()) : undefined;
    const deviceId = cookies?.[DEVICE_ID_COOKIE]?.value || undefined;
    const visitorCluster = clusterOfDeviceId(deviceId) || givenHint || undefined;
    const request = createDeliveryRequest(input, {
      logger,
      visitor,
      deviceId,
      consumerId: stringOr(options.consumerId),
      environmentId: settings.environmentId,
      uuid: platform.uuid,
      timeOffsetInMinutes: platform.timeOffsetInMinutes,
    });
    return {
      request,
      visitor,
      visitorOwner: visitor === options.visitor ? "caller" : "client",
      requestExposure,
      sessionId: cookies?.[SESSION_ID_COOKIE]?.value || stringOr(options.sessionId) || platform.uuid(),
      cluster: visitorCluster || locationHint || undefined,
      visitorCluster,
      locationHint,
    };
  }

  /**
   * The call that sends an on-device decision's notifications: the decision's visitor, session
   * and clusters, and a Delivery request of the payload's parts. The ids, context and Experience
   * Cloud data are the decided request's, which `prepare` already shaped with this visitor: they
   * go out as they are (shaping them again would merge the visitor's customer ids in twice), with
   * a new request id and the decided request's property.
   */
  notificationCall(decision: Call, payload: NotificationPayload["request"]): Call {
    const request: DeliveryRequest = { requestId: this.platform.uuid() };
    if (payload.id !== undefined) request.id = payload.id;
    const { environmentId } = this.settings;
    if (environmentId) request.environmentId = environmentId;
    const property = decision.request.property;
    if (property !== undefined) request.property = property;
    if (payload.context !== undefined) request.context = payload.context;
    if (payload.experienceCloud !== undefined) request.experienceCloud = payload.experienceCloud;
    if (payload.telemetry !== undefined) request.telemetry = payload.telemetry;
    if (payload.notifications !== undefined) request.notifications = payload.notifications;
    return { ...decision, request, requestExposure: "kept" };
  }

  /**
   * Learn the client-wide edge cluster from an answer, but only from Target's answer to a call
   * whose visitor brought no cluster: one visitor's cookie (or its edge's answer) must never
   * choose where other visitors' calls go.
   */
  learn(call: Call, response: DeliveryResponse): void {
    if (call.visitorCluster !== undefined || response.edgeHost === undefined) return;
    const learned = clusterOfEdgeHost(response.edgeHost);
    if (learned !== undefined && clusterOfTntId(call.request.id?.tntId) === undefined) this.clientHint = learned;
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
}
