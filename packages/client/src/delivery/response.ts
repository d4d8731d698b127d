/**
 * Shaping a Delivery API response into what `getOffers` resolves with: cookies to set, A4T
 * payloads, traces and response tokens gathered from every item, and where it was decided.
 */
import { locationHintCookieFor, targetCookieFor, type TargetCookie } from "../cookies.js";
import type {
  AnalyticsResponse,
  DecisioningMethod,
  DeliveryRequest,
  DeliveryResponse,
  ExecuteResponse,
  PrefetchResponse,
} from "../types.js";
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

const isNonEmptyObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value) && Object.values(value).some((v) => v !== undefined);

const hasContent = (value: object): boolean => isNonEmptyObject(value);

/** Items of a response in the reference's order: execute page load, execute mboxes, prefetch page load, views, mboxes. */
function itemsOf(response: DeliveryResponse): Item[] | undefined {
  const execute: ExecuteResponse = response.execute ?? {};
  const prefetch: PrefetchResponse = response.prefetch ?? {};
  if (!hasContent(execute) && !hasContent(prefetch)) return undefined;
  const list = (value: unknown): Item[] => (Array.isArray(value) ? (value as Item[]) : []);
  return [execute.pageLoad, ...list(execute.mboxes), prefetch.pageLoad, ...list(prefetch.views), ...list(prefetch.mboxes)];
}

function collect<T>(response: DeliveryResponse, pickItem: (item: NonNullable<Item>) => T[]): T[] | undefined {
  const items = itemsOf(response);
  if (!items) return undefined;
  const result: T[] = [];
  for (const item of items) if (item) result.push(...pickItem(item));
  return result.length > 0 ? result : undefined;
}

function metaOf(
  request: DeliveryRequest,
  response: DeliveryResponse & { remoteMboxes?: unknown; remoteViews?: unknown },
  decisioningMethod: DecisioningMethod,
  engine: RemoteDependencySource | undefined,
): ResponseMeta {
  let remoteMboxes = Array.isArray(response.remoteMboxes) ? (response.remoteMboxes as string[]) : [];
  let remoteViews = Array.isArray(response.remoteViews) ? (response.remoteViews as string[]) : [];
  // These belong in `meta`, not in the Delivery API response.
  delete response.remoteMboxes;
  delete response.remoteViews;
  if (engine) {
    const dependency = engine.hasRemoteDependency(request);
    remoteMboxes = dependency.remoteMboxes;
    remoteViews = dependency.remoteViews;
  }
  return { decisioningMethod, remoteMboxes, remoteViews };
}

/** Build everything of a `getOffers` result but the request and the visitor state. */
export function processResponse(
  sessionId: string,
  cluster: string | undefined,
  request: DeliveryRequest,
  response: DeliveryResponse,
  decisioningMethod: DecisioningMethod,
  engine: RemoteDependencySource | undefined,
  nowMs: number,
): Omit<TargetDeliveryResponse, "request" | "visitorState"> {
  const tntId = response.id?.tntId;
  const hint = locationHintCookieFor(cluster, response.edgeHost);
  const analytics = collect(response, (item) => (isNonEmptyObject(item.analytics) ? [item.analytics as AnalyticsResponse] : []));
  const trace = collect(response, (item) => (isNonEmptyObject(item.trace) ? [item.trace] : []));
  const tokens = collect(response, (item) =>
    Array.isArray(item.options) ? item.options.map((option) => option?.responseTokens).filter(isNonEmptyObject) : [],
  );
  const meta = metaOf(request, response, decisioningMethod, engine);
  // Key order is the reference's, so that printed results read the same.
  return {
    targetCookie: targetCookieFor(sessionId, typeof tntId === "string" ? tntId : undefined, nowMs),
    ...(hint ? { targetLocationHintCookie: hint } : {}),
    ...(analytics ? { analyticsDetails: analytics } : {}),
    ...(trace ? { trace } : {}),
    ...(tokens ? { responseTokens: tokens } : {}),
    meta,
    response,
  };
}
