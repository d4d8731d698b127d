/**
 * `@decisioning/client`: Adobe Target's `TargetClient` (on-device, server-side, hybrid) on top
 * of `@decisioning/engine`. `import TargetClient from "@decisioning/client"` replaces
 * `import TargetClient from "@adobe/target-nodejs-sdk"`.
 */
import { TargetClient } from "./target-client.js";

export { TargetClient };
export type { ClientDecisioningEngine } from "./target-client.js";
export default TargetClient;
// What `require("@decisioning/client")` returns on Node >= 20.19: see require.ts.
export { requiredTargetClient as "module.exports" } from "./require.js";
export type { RequiredTargetClient } from "./require.js";

export { createAttributesProvider } from "./attributes.js";
export type { Attributes, AttributesProvider } from "./attributes.js";
export {
  TARGET_COOKIE,
  LOCATION_HINT_COOKIE,
  SESSION_ID_COOKIE,
  DEVICE_ID_COOKIE,
  parseTargetCookie,
  targetCookieFor,
  locationHintCookieFor,
  clusterOfDeviceId,
} from "./cookies.js";
export type { TargetCookie, InternalCookie } from "./cookies.js";
export { DEFAULT_DELIVERY_RETRIES, DELIVERY_PATH, targetHost } from "./delivery/http.js";
export type { FetchApi, FetchInit, FetchResponseLike } from "@decisioning/engine";
export { DEFAULT_NOTIFICATION_QUEUE_OPTIONS } from "./notifications/queue.js";
export type { NotificationDropReason, NotificationQueueOptions, NotificationQueueStats } from "./notifications/queue.js";
export { addMboxesToRequest } from "./delivery/request.js";
export { DEFAULT_GLOBAL_MBOX } from "@decisioning/engine";
export type { ResponseMeta, TargetDeliveryResponse } from "./delivery/response.js";
export {
  AttributeNotFoundError,
  ClientErrorCode,
  DeliveryApiError,
  EngineNotReadyError,
  NotificationDroppedError,
  OptionsError,
  TargetClientError,
} from "./errors.js";
export type { TargetEvent, TargetEventName, TargetEvents } from "./events.js";
export type { Logger } from "@decisioning/engine";
export { Messages } from "./messages.js";
export { DEFAULT_TIMEOUT } from "./options.js";
export type {
  GetAttributesOptions,
  GetOffersOptions,
  SendNotificationsOptions,
  TargetClientOptions,
  VisitorOptions,
} from "./options.js";
export type { ClientPlatform } from "./platform.js";
export type { RecordedDelivery } from "./offline.js";
export * from "./types.js";
export { AuthState, ServerVisitor, parseAmcvCookie, visitorCookieName } from "./visitor.js";
export type {
  CustomerIds,
  CustomerIdValue,
  OrgVisitorState,
  SdidState,
  VisitorLike,
  VisitorState,
  VisitorValues,
} from "./visitor.js";
export { SDK_VERSION } from "./version.js";
/** The rules artifact type, re-exported from the engine for `artifactPayload`. */
export type { Artifact } from "@decisioning/engine";
