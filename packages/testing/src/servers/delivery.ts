/**
 * A fake Delivery API: `POST /rest/v1/delivery` answered by the engine from an artifact, from
 * canned offers, or by your handler, recording calls and accepted notifications, with the
 * scripted faults every fake server has.
 */
import {
  createDecider,
  internal,
  type Decider,
  type DeliveryRequest,
  type DeliveryResponse,
  type MboxRequest,
  type MboxResponse,
  type Notification,
} from "@decisioning/engine";
import { TestingError, TestingErrorCode } from "../errors.js";
import { jsonAnswer } from "./answers.js";
import { startServer } from "./server.js";
import type { DeliveryCall, DeliveryHandler, FakeDeliveryApi, FakeDeliveryApiOptions, Offers, RecordedRequest } from "./types.js";

const ENDPOINT = "/rest/v1/delivery";

const { isRecord } = internal;
const randomHex = (): string => globalThis.crypto.randomUUID().replace(/-/g, "");

/** Every requested mbox with its offer (prefetched ones with an event token), as Target's edge answers. */
function offerAnswers(mboxes: MboxRequest[] | undefined, offers: Offers, prefetched: boolean): MboxResponse[] | undefined {
  return mboxes?.map((mbox) => {
    const name = mbox.name ?? "";
    const answer: MboxResponse = { index: mbox.index, name };
    if (Object.hasOwn(offers, name)) {
      answer.options = [
        {
          type: "json",
          content: offers[name],
          ...(prefetched ? { eventToken: `token-${name}` } : {}),
          responseTokens: { "activity.decisioningMethod": "server-side" },
        },
      ];
    }
    return answer;
  });
}

/** Start a fake Delivery API on 127.0.0.1. */
export async function startFakeDeliveryApi(options: FakeDeliveryApiOptions = {}): Promise<FakeDeliveryApi> {
  if (options.artifact !== undefined && options.offers !== undefined)
    throw new TestingError(TestingErrorCode.InvalidArgument, "startFakeDeliveryApi: give { artifact } or { offers }, not both");
  let artifact = options.artifact;
  let offers = options.offers;
  let handler = options.handler;
  const meta = isRecord(artifact) && isRecord(artifact.meta) ? artifact.meta : {};
  const defaultClient = options.client ?? (typeof meta.clientCode === "string" ? meta.clientCode : "acme");
  let deciders = new Map<string, Decider>();
  const deciderFor = (client: string): Decider => {
    let decider = deciders.get(client);
    if (!decider) {
      decider = createDecider({ client, artifact, telemetryEnabled: false, ...(options.now ? { platform: { now: options.now } } : {}) });
      deciders.set(client, decider);
    }
    return decider;
  };
  const record = options.record !== false;
  const calls: DeliveryCall[] = [];
  const callOf = new WeakMap<RecordedRequest, DeliveryCall>();
  const notifications: Notification[] = [];

  const answer = (call: DeliveryCall): DeliveryResponse => {
    const { request } = call;
    const client = call.query.client || defaultClient;
    let response: DeliveryResponse;
    if (artifact !== undefined && (request.execute || request.prefetch)) {
      response = deciderFor(client).decide({ request }).response;
      // The real server decides everything; on-device "remote" markers do not apply here.
      response.status = 200;
      delete response.remoteMboxes;
      delete response.remoteViews;
    } else {
      // Target mints a visitor id when the request brings none.
      response = { status: 200, requestId: request.requestId ?? randomHex(), client, id: { tntId: randomHex(), ...request.id } };
      if (offers !== undefined) {
        const execute = offerAnswers(request.execute?.mboxes, offers, false);
        const prefetch = offerAnswers(request.prefetch?.mboxes, offers, true);
        if (execute) response.execute = { mboxes: execute };
        if (prefetch) response.prefetch = { mboxes: prefetch };
      }
    }
    if (Array.isArray(request.notifications)) response.notifications = request.notifications.map((notification) => ({ id: notification.id }));
    if (options.edgeHost !== undefined) response.edgeHost = options.edgeHost;
    return response;
  };

  const started = await startServer({
    port: options.port,
    record: options.record,
    name: "fake Delivery API",
    mainPath: ENDPOINT,
    observe(request) {
      if (request.path !== ENDPOINT || request.method !== "POST" || !isRecord(request.json)) return;
      const call: DeliveryCall = { request: request.json as DeliveryRequest, query: request.query, headers: request.headers };
      callOf.set(request, call);
      if (record) calls.push(call);
    },
    async respond(request) {
      if (request.path !== ENDPOINT) return undefined;
      if (request.method !== "POST") return jsonAnswer(405, { status: 405, message: "POST only" });
      const call = callOf.get(request);
      if (!call) return jsonAnswer(400, { status: 400, message: "the body is not a JSON object" });
      const body = handler ? await handler(call, () => answer(call)) : answer(call);
      if (record && Array.isArray(call.request.notifications)) notifications.push(...call.request.notifications);
      return jsonAnswer(200, body);
    },
  });
  const { server, waitUntil } = started;
  return {
    ...server,
    endpoint: server.url(ENDPOINT),
    calls,
    notifications,
    async waitForCalls(count, timeoutMs = 5000) {
      await waitUntil(() => calls.length >= count, timeoutMs, `${count} delivery calls`);
      return [...calls];
    },
    setArtifact(next) {
      artifact = next;
      offers = undefined;
      deciders = new Map();
    },
    setOffers(next) {
      offers = next;
      artifact = undefined;
    },
    respondWith(next: DeliveryHandler | undefined) {
      handler = next;
    },
  };
}
