/**
 * Target's edge as the client calls it: one Delivery API exchange per call, to the call's
 * cluster (else `serverDomain`, else `{client}.tt.omtrdc.net`), with the client's waiting
 * telemetry attached and the exchange's own recorded.
 */
import type { DeliveryResponse, internal } from "@decisioning/engine";
import { withRequest, type Call } from "./call.js";
import { deliveryHeaders, deliveryUrlParts, formEncode, postDelivery, targetHost, type DeliveryTransport, type DeliveryUrlParts } from "./delivery/http.js";
import { Messages } from "./messages.js";
import type { ClientPlatform } from "./platform.js";
import type { ClientTelemetry } from "./telemetry.js";
import { DecisioningMethod } from "./types.js";

type SafeLogger = internal.SafeLogger;

/** Where the client's edge calls go and what they say about themselves. */
export interface EdgeSettings {
  client: string;
  organizationId: string;
  serverDomain: string | undefined;
  secure: boolean | undefined;
  /** At.js version sent as `version`. */
  version: string;
}

/** A call and Target's answer to it. */
export interface Exchanged {
  /** The call as sent (its request carries the telemetry that went with it). */
  call: Call;
  response: DeliveryResponse;
}

// A caller's request may be too deep (or cyclic) to serialize; debug logging must not throw for it.
export function jsonForLog(value: unknown): string {
  try {
    return JSON.stringify(value, null, 2);
  } catch (error) {
    return `[not serializable: ${error instanceof Error ? error.message : String(error)}]`;
  }
}

/** The client's connection to Target's edge. */
export class EdgeClient {
  /**
   * The transport of queued notifications: one request per attempt. The queue owns retries,
   * backoff and the outage pause; the transport's own quick retries would multiply each of its
   * attempts (3 requests per attempt by default, a stream of failures while the edge is away).
   */
  private readonly queueTransport: DeliveryTransport;
  /** URL parts per cluster (undefined: the client's host): built once, not per call. */
  private readonly urls = new Map<string | undefined, DeliveryUrlParts>();

  constructor(
    private readonly settings: EdgeSettings,
    private readonly transport: DeliveryTransport,
    private readonly telemetry: ClientTelemetry,
    private readonly platform: ClientPlatform,
    private readonly logger: SafeLogger,
  ) {
    this.queueTransport = { ...transport, retries: 0 };
  }

  /** The edge host for a cluster; only edge calls and debug logging need it, so on-device calls never build it. */
  hostFor(cluster: string | undefined): string {
    const { settings } = this;
    return targetHost(settings.serverDomain, cluster, settings.client, settings.secure);
  }

  /** The URL parts of a cluster's host; clusters are digits (checked), so few, and the map is bounded anyway. */
  private urlPartsFor(cluster: string | undefined): DeliveryUrlParts {
    let parts = this.urls.get(cluster);
    if (parts === undefined) {
      const { settings } = this;
      parts = deliveryUrlParts(this.hostFor(cluster), { client: settings.client, version: settings.version, imsOrgId: settings.organizationId });
      if (this.urls.size >= 64) this.urls.clear();
      this.urls.set(cluster, parts);
    }
    return parts;
  }

  /**
   * One Delivery API exchange for a call, waiting telemetry included and the exchange's own
   * recorded; `queued` for a send the notification queue retries itself.
   */
  async exchange(call: Call, queued = false): Promise<Exchanged> {
    const { platform, logger, telemetry } = this;
    const used = DecisioningMethod.ServerSide;
    let { request } = call;
    if (telemetry.enabled && telemetry.hasEntries()) {
      request = { ...request, telemetry: { entries: [...(request.telemetry?.entries ?? []), ...telemetry.drain()] } };
    }
    if (logger.debugEnabled) logger.debug(Messages.REQUEST_SENT, used, this.hostFor(call.cluster), jsonForLog(request));
    const started = platform.monotonic();
    const parts = this.urlPartsFor(call.cluster);
    const url = parts.head + formEncode(call.sessionId) + parts.tail;
    const result = await postDelivery(queued ? this.queueTransport : this.transport, url, deliveryHeaders(platform.uuid()), request);
    telemetry.addDeliveryEntry(request, result.response, used, platform.monotonic() - started, result.timings);
    return { call: withRequest(call, request), response: result.response };
  }
}
