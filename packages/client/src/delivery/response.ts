/**
 * Shaping a Delivery API response into what `getOffers` resolves with: cookies to set, A4T
 * payloads, traces and response tokens gathered from every item, and where it was decided.
 */
import type { Call } from "../call.js";
import { requestCopy } from "./payloads.js";
import { isNonEmptyObject } from "./request.js";
import { hasOwn, setOwn } from "../own.js";
import { locationHintCookieFor, targetCookieFor, type TargetCookie } from "../cookies.js";
import { DecisioningMethod } from "../types.js";
import type { AnalyticsResponse, DeliveryRequest, DeliveryResponse, ExecuteResponse, PrefetchResponse } from "../types.js";
import type { VisitorState } from "../visitor.js";

/** Where and how a response was decided. */
export interface ResponseMeta {
  /** `on-device` or `server-side` (a hybrid client reports which one it used). */
  decisioningMethod: DecisioningMethod;
  /** Requested mboxes that need Target's edge. */
  remoteMboxes: string[];
  /** Requested views that need Target's edge. */
  remoteViews: string[];
}

/** What `getOffers` and `sendNotifications` resolve with; empty keys are left out. */
export interface TargetDeliveryResponse {
  /** The Delivery API request as sent (or decided on-device). */
  request: DeliveryRequest;
  /** The Delivery API response. */
  response: DeliveryResponse;
  /** Experience Cloud visitor state; hand it to the browser's VisitorAPI as `serverState`. */
  visitorState: VisitorState;
  /** The `mbox` cookie to set on the HTTP response. */
  targetCookie: TargetCookie;
  /** The `mboxEdgeCluster` cookie to set, when the edge cluster is known. */
  targetLocationHintCookie?: TargetCookie;
  /** A4T payloads of every response item. */
  analyticsDetails?: AnalyticsResponse[];
  /** Traces of every response item (requests with `trace`). */
  trace?: Array<Record<string, unknown>>;
  /** Response tokens of every option. */
  responseTokens?: Array<Record<string, unknown>>;
  /** Where and how it was decided. */
  meta: ResponseMeta;
}

/** Anything that can say which names of a request need the edge (the decisioning engine). */
export interface RemoteDependencySource {
  hasRemoteDependency(request: DeliveryRequest): { remoteMboxes: string[]; remoteViews: string[] };
}

type Item = { options?: Array<{ responseTokens?: unknown }>; analytics?: unknown; trace?: unknown } | undefined;

const hasContent = (value: object): boolean => isNonEmptyObject(value);

/** Items of a response in the reference's order: execute page load, execute mboxes, prefetch page load, views, mboxes. */
function itemsOf(response: DeliveryResponse): Item[] | undefined {
  const execute: ExecuteResponse = response.execute ?? {};
  const prefetch: PrefetchResponse = response.prefetch ?? {};
  if (!hasContent(execute) && !hasContent(prefetch)) return undefined;
  const items: Item[] = [execute.pageLoad];
  pushItems(items, execute.mboxes);
  items.push(prefetch.pageLoad);
  pushItems(items, prefetch.views);
  pushItems(items, prefetch.mboxes);
  return items;
}

function pushItems(items: Item[], value: unknown): void {
  // Index loop, as the spread it replaces read holes as undefined.
  if (Array.isArray(value)) for (let i = 0; i < value.length; i++) items.push(value[i] as Item);
}

/** Analytics payloads, traces and response tokens of every item, gathered in one pass. */
function collectAll(response: DeliveryResponse): { analytics: AnalyticsResponse[]; trace: unknown[]; tokens: unknown[] } | undefined {
  const items = itemsOf(response);
  if (!items) return undefined;
  const analytics: AnalyticsResponse[] = [];
  const trace: unknown[] = [];
  const tokens: unknown[] = [];
  for (const item of items) {
    if (!item) continue;
    if (isNonEmptyObject(item.analytics)) analytics.push(item.analytics as AnalyticsResponse);
    if (isNonEmptyObject(item.trace)) trace.push(item.trace);
    const options = item.options;
    if (Array.isArray(options)) {
      for (let i = 0; i < options.length; i++) {
        const responseTokens = options[i]?.responseTokens;
        if (isNonEmptyObject(responseTokens)) tokens.push(responseTokens);
      }
    }
  }
  return { analytics, trace, tokens };
}

type WithRemote = DeliveryResponse & { remoteMboxes?: unknown; remoteViews?: unknown };

/**
 * The response without `remoteMboxes` and `remoteViews`, which belong in `meta`: copied key by
 * key when it has them, since `delete` would turn it into a slow dictionary-mode object.
 */
function withoutRemoteNames(response: WithRemote): DeliveryResponse {
  if (!hasOwn(response, "remoteMboxes") && !hasOwn(response, "remoteViews")) return response;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(response)) {
    if (key === "remoteMboxes" || key === "remoteViews") continue;
    // Edge answers are parsed JSON: an own `__proto__` key must stay data.
    setOwn(out, key, (response as Record<string, unknown>)[key]);
  }
  return out as DeliveryResponse;
}

function metaOf(
  request: DeliveryRequest,
  response: WithRemote,
  decisioningMethod: DecisioningMethod,
  engine: RemoteDependencySource | undefined,
): ResponseMeta {
  let remoteMboxes = Array.isArray(response.remoteMboxes) ? (response.remoteMboxes as string[]) : [];
  let remoteViews = Array.isArray(response.remoteViews) ? (response.remoteViews as string[]) : [];
  // An on-device answer already carries what the engine found for this very request and
  // artifact; only answers from the edge need the engine to say what it could not decide.
  if (engine && decisioningMethod !== DecisioningMethod.OnDevice) {
    const dependency = engine.hasRemoteDependency(request);
    remoteMboxes = dependency.remoteMboxes;
    remoteViews = dependency.remoteViews;
  }
  return { decisioningMethod, remoteMboxes, remoteViews };
}

/**
 * Build a `getOffers` result around the request and visitor state, key by key in the
 * reference's order (spreading a returned object into a literal is a slow generic copy).
 */
export function processResponse(
  head: Pick<TargetDeliveryResponse, "visitorState" | "request">,
  sessionId: string,
  cluster: string | undefined,
  response: DeliveryResponse,
  decisioningMethod: DecisioningMethod,
  engine: RemoteDependencySource | undefined,
  nowMs: number,
): TargetDeliveryResponse {
  const { request } = head;
  const tntId = response.id?.tntId;
  const hint = locationHintCookieFor(cluster, response.edgeHost);
  const collected = collectAll(response);
  const meta = metaOf(request, response, decisioningMethod, engine);
  const result = {
    visitorState: head.visitorState,
    request,
    targetCookie: targetCookieFor(sessionId, typeof tntId === "string" ? tntId : undefined, nowMs),
  } as TargetDeliveryResponse;
  if (hint) result.targetLocationHintCookie = hint;
  if (collected && collected.analytics.length > 0) result.analyticsDetails = collected.analytics;
  if (collected && collected.trace.length > 0) result.trace = collected.trace as TargetDeliveryResponse["trace"];
  if (collected && collected.tokens.length > 0) result.responseTokens = collected.tokens as TargetDeliveryResponse["responseTokens"];
  result.meta = meta;
  result.response = withoutRemoteNames(response);
  return result;
}

/**
 * A delivered response, shaped into the `getOffers` result on first use. `getAttributes`
 * callers mostly read attributes and never the result, so on-device they skip building its
 * cookies, token lists and copies. Everything the result depends on is captured here at
 * delivery time, or cannot change after it, so shaping later gives what shaping at once would
 * have: a kept request is copied when handed out (the notification queue may hold its
 * objects, see `retainedPayload`), and the state of a visitor the client made for a kept call
 * is read when the result is built (nothing changes that visitor once decided: its
 * notification goes out with the SDID it already holds).
 */
export class Delivered {
  private shaped: TargetDeliveryResponse | undefined;
  /** The visitor's state at delivery, or undefined to read it off the call's visitor when the result is built. */
  private readonly visitorState: VisitorState | undefined;

  constructor(
    readonly call: Call,
    /** The response as decided or received (remote names not yet moved to `meta`). */
    readonly response: DeliveryResponse,
    private readonly decisioningMethod: DecisioningMethod,
    private readonly engine: RemoteDependencySource | undefined,
    private readonly nowMs: number,
  ) {
    this.visitorState = call.requestExposure === "handed-out" || call.visitorOwner === "caller" ? call.visitor.getState() : undefined;
  }

  /** The `getOffers` result, built once. */
  result(): TargetDeliveryResponse {
    if (this.shaped === undefined) {
      const { call } = this;
      const request = call.requestExposure === "kept" ? requestCopy(call.request) : call.request;
      const visitorState = this.visitorState ?? call.visitor.getState();
      this.shaped = processResponse({ visitorState, request }, call.sessionId, call.cluster, this.response, this.decisioningMethod, this.engine, this.nowMs);
    }
    return this.shaped;
  }
}
