/**
 * One call of the client as one value: a `getOffers`, `getAttributes` or `sendNotifications`,
 * or the sending of an on-device decision's notifications. It holds the Delivery API request,
 * the visitor and session it goes with, where it goes, and who owns what, which decides what
 * must be copied and what may merge. On-device, it rides through the engine as the decision's
 * `visitor` and comes back on the decision's notification payload, so that the notifications
 * go out with the decision's visitor, session and edge cluster.
 */
import type { DeliveryRequest } from "@decisioning/engine";
import type { VisitorLike } from "./visitor.js";

/**
 * Whose visitor object a call has: `caller` for one the caller passed (it may come back in
 * later calls, whose notifications may then merge with this one's), `client` for one the client
 * made for this call alone (nothing else can share it).
 */
export type VisitorOwner = "caller" | "client";

/**
 * Whether the caller is handed the decided request's objects: `handed-out` by `getOffers`,
 * whose result is the request; `kept` by `getAttributes`, whose `getResponse()` hands out a
 * copy. A kept request can only change through the caller's own objects inside it.
 */
export type RequestExposure = "handed-out" | "kept";

/** One call, from preparation to its notifications (see the module comment). */
export interface Call {
  /** The Delivery API request, built from what the caller gave. */
  readonly request: DeliveryRequest;
  readonly visitor: VisitorLike;
  readonly visitorOwner: VisitorOwner;
  readonly requestExposure: RequestExposure;
  readonly sessionId: string;
  /** The edge cluster the call goes to: its visitor's, else the client's. */
  readonly cluster: string | undefined;
  /** The cluster the visitor brought (the `mbox` cookie's tntId, else the call's hint), if any. */
  readonly visitorCluster: string | undefined;
  /** The call's location hint, else the client's: the cluster a tntId minted for the call names. */
  readonly locationHint: string | undefined;
}

/** The call with another request (the same visitor, session and cluster). */
export function withRequest(call: Call, request: DeliveryRequest): Call {
  return request === call.request ? call : { ...call, request };
}
