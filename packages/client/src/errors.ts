import { DecisioningError } from "@decisioning/engine";
import { Messages } from "./messages.js";

/** Machine-readable codes of every error this package throws, rejects with or reports. */
export const ClientErrorCode = {
  OptionsRequired: "OPTIONS_REQUIRED",
  ClientRequired: "CLIENT_REQUIRED",
  OrganizationIdRequired: "ORG_ID_REQUIRED",
  DecisioningMethodInvalid: "DECISIONING_METHOD_INVALID",
  LocationHintInvalid: "TARGET_LOCATION_HINT_INVALID",
  OptionInvalid: "OPTION_INVALID",
  FetchUndefined: "FETCH_UNDEFINED",
  PrivateConstructor: "PRIVATE_CONSTRUCTOR",
  RequestRequired: "REQUEST_REQUIRED",
  ExecuteFieldsRequired: "EXECUTE_FIELDS_REQUIRED",
  PrefetchFieldsRequired: "PREFETCH_FIELDS_REQUIRED",
  NotificationsRequired: "NOTIFICATIONS_REQUIRED",
  MboxNamesRequired: "MBOX_NAMES_REQUIRED",
  EngineNotReady: "DECISIONING_ENGINE_NOT_READY",
  AttributeNotFound: "ATTRIBUTE_NOT_FOUND",
  DeliveryHttpError: "DELIVERY_HTTP_ERROR",
  DeliveryTimeout: "DELIVERY_TIMEOUT",
  DeliveryNetworkError: "DELIVERY_NETWORK_ERROR",
  DeliveryInvalidResponse: "DELIVERY_INVALID_RESPONSE",
  DeliveryInvalidRequest: "DELIVERY_INVALID_REQUEST",
  NotificationDropped: "NOTIFICATION_DROPPED",
} as const;

/** One of the {@link ClientErrorCode} values. */
export type ClientErrorCode = (typeof ClientErrorCode)[keyof typeof ClientErrorCode];

/** Base class of this package's errors: a `DecisioningError` with the client's codes. */
export class TargetClientError extends DecisioningError<ClientErrorCode> {
  constructor(code: ClientErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.name = "TargetClientError";
  }
}

/** Options or a request that the client refuses; the message is the reference SDK's where it has one. */
export class OptionsError extends TargetClientError {
  /** The option at fault, when one is to blame. */
  readonly field: string | undefined;

  constructor(code: ClientErrorCode, message: string, field?: string) {
    super(code, message);
    this.name = "OptionsError";
    this.field = field;
  }
}

/** An on-device request made before the artifact is in. */
export class EngineNotReadyError extends TargetClientError {
  constructor(options?: { cause?: unknown }) {
    super(ClientErrorCode.EngineNotReady, Messages.DECISIONING_ENGINE_NOT_READY, options);
    this.name = "EngineNotReadyError";
  }
}

/** A Delivery API call that failed: HTTP error, timeout, network failure or unreadable answer. */
export class DeliveryApiError extends TargetClientError {
  /** HTTP status, when the server answered. */
  readonly status: number | undefined;
  /** The URL called. */
  readonly url: string;
  /** The server's answer (parsed JSON when possible), when it answered. */
  readonly body: unknown;

  constructor(code: ClientErrorCode, message: string, details: { url: string; status?: number; body?: unknown; cause?: unknown }) {
    super(code, message, { cause: details.cause });
    this.name = "DeliveryApiError";
    this.status = details.status;
    this.url = details.url;
    this.body = details.body;
  }
}

/** What `AttributesProvider.getValue` returns (not throws, as in the reference) for an unknown mbox or key. */
export class AttributeNotFoundError extends TargetClientError {
  /** The mbox asked for. */
  readonly mboxName: string;
  /** The attribute asked for. */
  readonly key: string;

  constructor(mboxName: string, key: string) {
    super(ClientErrorCode.AttributeNotFound, Messages.ATTRIBUTE_NOT_EXIST(key, mboxName));
    this.name = "AttributeNotFoundError";
    this.mboxName = mboxName;
    this.key = key;
  }
}

/**
 * The error of a `sendNotificationError` event for a notification payload dropped before any
 * Delivery API failure could be blamed (a full queue, say); `cause` is the last failure, if any.
 */
export class NotificationDroppedError extends TargetClientError {
  /** Why it was dropped: `queue-full`, `retries-exhausted`, `expired`, `rejected` or `closed`. */
  readonly reason: string;

  constructor(reason: string, options?: { cause?: unknown }) {
    super(ClientErrorCode.NotificationDropped, `Notification dropped (${reason}) before it could be sent`, options);
    this.name = "NotificationDroppedError";
    this.reason = reason;
  }
}
