/**
 * The transport of an offline client (`offline: true`), for tests: nothing leaves the process.
 * Delivery API requests (decisions' notifications, a hybrid client's remote calls) are recorded
 * and answered at once with an empty success; anything else (an artifact, a geo lookup) gets a
 * 503, so a test that forgot `artifactPayload` fails rather than reaching the network.
 */
import type { DeliveryRequest, FetchApi, FetchInit, FetchResponseLike } from "@decisioning/engine";
import { DELIVERY_PATH } from "./delivery/http.js";

/** A Delivery API request an offline client would have sent. */
export interface RecordedDelivery {
  /** The URL it would have gone to (host, `client`, `sessionId`, …). */
  url: string;
  request: DeliveryRequest;
}

/** An answer made here, with what the client reads of a fetch response. */
function answer(status: number, body: unknown): FetchResponseLike {
  const text = JSON.stringify(body);
  return {
    ok: status >= 200 && status < 300,
    status,
    statusText: status === 200 ? "OK" : "Service Unavailable",
    headers: { get: (name) => (name.toLowerCase() === "content-type" ? "application/json" : null) },
    text: () => Promise.resolve(text),
    json: () => Promise.resolve(JSON.parse(text) as unknown),
    arrayBuffer: () => Promise.resolve(new TextEncoder().encode(text).buffer as ArrayBuffer),
  };
}

/** Records what an offline client would send, in order. */
export class OfflineRecorder {
  private readonly recorded: RecordedDelivery[] = [];

  /** The fetch the offline client uses. */
  readonly fetch: FetchApi = (input: string, init?: FetchInit) => {
    const path = input.replace(/^[a-z]+:\/\/[^/]+/i, "").split("?")[0];
    if (path !== DELIVERY_PATH || init?.method !== "POST" || typeof init.body !== "string") {
      return Promise.resolve(answer(503, { status: 503, message: `offline: ${input} is not fetched` }));
    }
    const request = JSON.parse(init.body) as DeliveryRequest;
    this.recorded.push({ url: input, request });
    const notifications = request.notifications?.map((notification) => ({ id: notification.id }));
    return Promise.resolve(answer(200, { status: 200, requestId: request.requestId, ...(notifications ? { notifications } : {}) }));
  };

  /** Copies of the recorded requests that carried notifications. */
  notifications(): RecordedDelivery[] {
    return this.recorded.filter((entry) => entry.request.notifications !== undefined).map((entry) => structuredClone(entry));
  }

  /** Forget what was recorded. */
  clear(): void {
    this.recorded.length = 0;
  }
}
