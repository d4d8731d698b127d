/**
 * User-facing messages. The wording is the reference SDK's (`@adobe/target-nodejs-sdk` 2.4.3),
 * kept so that code and logs written against Adobe's SDK keep matching.
 */
export const Messages = {
  PRIVATE_CONSTRUCTOR: "Please use TargetClient.create static method instead",
  ORG_ID_REQUIRED: "Organization Id is required",
  DECISIONING_METHOD_INVALID: "Invalid Decisioning Method.  Must be set to one of: on-device,server-side,hybrid",
  REQUEST_REQUIRED: "Request object is required",
  EXECUTE_FIELDS_REQUIRED: "Either pageLoad or mboxes is required in execute",
  PREFETCH_FIELDS_REQUIRED: "Either views, pageLoad or mboxes is required in prefetch",
  NOTIFICATIONS_REQUIRED: "Notifications array is required in request",
  MBOX_INVALID: "Mbox validation failed for: ",
  NOTIFICATION_INVALID: "Notification validation failed for: ",
  CLIENT_REQUIRED: "Client is required",
  OPTIONS_REQUIRED: "Options map is required",
  REQUEST_SENT: "Request sent",
  RESPONSE_RECEIVED: "Response received",
  FETCH_UNDEFINED: "Fetch is not defined!",
  DECISIONING_ENGINE_NOT_READY: "Unable to fulfill request; decisioning engine not ready.",
  LOCATION_HINT_REQUEST_FAILED: "Unable to retrieve location hint cookie.",
  LOCATION_HINT_INVALID: 'targetLocationHint: not an edge cluster (Target issues a short run of digits, such as "35")',
  LOCATION_HINT_IGNORED: "ignored a location hint that is not an edge cluster:",
  REQUEST_TIMED_OUT: "Request timed out",
  MBOX_NAMES_REQUIRED: "mboxNames must be an array of mbox names",
  ATTRIBUTE_NOT_EXIST: (key: string, mboxName: string): string => `Attribute '${key}' does not exist for mbox '${mboxName}'`,
  PROPERTY_TOKEN_MISMATCH: (requestToken: unknown, configToken: string | undefined): string =>
    `The property token specified in the request "${textOf(requestToken)}" does not match the one specified in the config "${String(configToken)}".`,
} as const;

/**
 * `String(value)` for values from a request, which may be objects whose conversion throws (an
 * own `toString` that is not a function): those read `[object Object]` and the like instead.
 */
export function textOf(value: unknown): string {
  try {
    return String(value);
  } catch {
    return Object.prototype.toString.call(value);
  }
}
