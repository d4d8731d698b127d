/**
 * Options of `TargetClient.create`, `getOffers`, `getAttributes` and `sendNotifications`, and
 * their validation with the reference SDK's messages.
 */
import { ConfigError, internal, type Artifact, type DecisioningConfig, type FetchApi, type Logger } from "@decisioning/engine";
import { engineConfigOf, type EngineHost } from "./engine-config.js";
import { ClientErrorCode, OptionsError } from "./errors.js";
import type { TargetEvents } from "./events.js";
import { notificationQueueOptionsProblem, type NotificationQueueOptions } from "./notifications/queue.js";
import { Messages } from "./messages.js";
import type { ClientPlatform } from "./platform.js";
import { isNonEmptyArray, isNonEmptyObject } from "./delivery/request.js";
import type { CustomerId, DeliveryRequest, DecisioningMethod as DecisioningMethodType } from "./types.js";
import { DecisioningMethod } from "./types.js";
import type { CustomerIds, VisitorLike } from "./visitor.js";

const { isEdgeCluster } = internal;

/** Default Delivery API timeout, ms. */
export const DEFAULT_TIMEOUT = 3000;

/** Options of `TargetClient.create`; the reference's, plus a few marked as additions. */
export interface TargetClientOptions {
  /** Target client code (required). */
  client: string;
  /** Experience Cloud organization id, `…@AdobeOrg` (required). */
  organizationId: string;
  /** `server-side` (default), `on-device` or `hybrid`. */
  decisioningMethod?: DecisioningMethodType;
  /** Ms between artifact refreshes (on-device/hybrid); the engine's default and minimum apply. */
  pollingInterval?: number;
  /** Ms to wait for the first artifact; default: no limit. */
  maximumWaitReady?: number;
  /** URL of the rules artifact; defaults to Target's CDN. */
  artifactLocation?: string;
  /** `json` or `bin` (obfuscated). */
  artifactFormat?: "json" | "bin";
  /** An artifact in hand: nothing is downloaded. */
  artifactPayload?: Artifact | Record<string, unknown>;
  /** At.js property (workspace) token. */
  propertyToken?: string;
  /** Target environment name (artifact location). */
  environment?: string;
  /** Target environment id, sent as `environmentId`. */
  environmentId?: number;
  /** CDN environment of the artifact. */
  cdnEnvironment?: string;
  /** CDN host of the artifact. */
  cdnBasePath?: string;
  /** Delivery API host (and port), e.g. `acmeclient.tt.omtrdc.net` or `127.0.0.1:8080`. */
  serverDomain?: string;
  /** `false` to call the Delivery API over plain HTTP; default true. */
  secure?: boolean;
  /** Delivery API timeout in ms, retries included; default 3000. */
  timeout?: number;
  /** Edge cluster to use until Target names one: digits such as `"35"`, or `""` for none (and no ping to learn one). */
  targetLocationHint?: string;
  /** Send telemetry to Target (default true). */
  telemetryEnabled?: boolean;
  /** `{debug, info?, warn?, error}`; silent by default; a throwing logger is ignored. */
  logger?: Logger;
  /** The fetch to use; defaults to the global `fetch`. */
  fetchApi?: FetchApi;
  /** Event callbacks by name: `clientReady`, `artifactDownloadSucceeded`, `artifactDownloadFailed`, `geoLocationUpdated`, `sendNotificationError`. */
  events?: TargetEvents;
  /** At.js version, sent as the `version` query parameter (default: this package's version). */
  version?: string;
  /** Addition: clock, timers, randomness and ids, for tests and special hosts. */
  platform?: Partial<ClientPlatform>;
  /** Addition: extra attempts for the caller's Delivery API calls that cannot have been processed (default 2); queued notifications have the queue's retries instead. */
  deliveryRetries?: number;
  /**
   * Addition, for tests: no network at all. Decides on-device (the default method then) from
   * `artifactPayload`, pings no edge for a location hint, and records the Delivery API requests it
   * would send (read them with `getRecordedNotifications()`) instead of sending them; `close()`
   * returns at once.
   */
  offline?: boolean;
  /** Addition: bounds, batching and retries of the queue of on-device decisions' notifications. */
  notificationQueue?: NotificationQueueOptions;
  /** Addition: further decisioning engine settings (snapshots, integrity, refresh mode, `waitUntil`, …). */
  engineOptions?: Omit<
    Partial<DecisioningConfig>,
    "client" | "organizationId" | "fetchApi" | "sendNotificationFunc" | "eventEmitter" | "logger" | "telemetryEnabled"
  >;
}

/** Options shared by `getOffers` and `sendNotifications`. */
export interface VisitorOptions {
  /** Value of the `AMCV_{orgId}` cookie. */
  visitorCookie?: string;
  /** Value of the `mbox` cookie. */
  targetCookie?: string;
  /** Value of the `mboxEdgeCluster` cookie; a value that is not an edge cluster (digits) is ignored. */
  targetLocationHint?: string;
  /** SDID consumer; give each of several calls stitched into one page view its own. */
  consumerId?: string;
  /** Customer ids: `{integrationCode: id | {id, authState}}` (or Delivery API `CustomerId`s). */
  customerIds?: CustomerIds | CustomerId[];
  /** Session id to use when the `mbox` cookie has none. */
  sessionId?: string;
  /** A visitor of your own (Adobe's `Visitor` instances work). */
  visitor?: VisitorLike;
}

/** Options of `getOffers`. */
export interface GetOffersOptions extends VisitorOptions {
  /** The Delivery API request (required). */
  request: DeliveryRequest;
  /** Override the client's decisioning method for this call. */
  decisioningMethod?: DecisioningMethodType;
}

/** Options of `getAttributes` (the request is optional; a web context is used when missing). */
export interface GetAttributesOptions extends VisitorOptions {
  request?: DeliveryRequest;
  decisioningMethod?: DecisioningMethodType;
}

/** Options of `sendNotifications`. */
export interface SendNotificationsOptions extends VisitorOptions {
  /** A Delivery API request with `notifications` (required, unless telemetry is waiting). */
  request: DeliveryRequest;
}

const METHODS: readonly unknown[] = Object.values(DecisioningMethod);

/** True when the decisioning method needs the on-device engine. */
export function requiresDecisioningEngine(method: unknown): boolean {
  return method === DecisioningMethod.OnDevice || method === DecisioningMethod.Hybrid;
}

const isEmptyString = (value: unknown): boolean => typeof value !== "string" || value.length === 0;
const fail = (code: (typeof ClientErrorCode)[keyof typeof ClientErrorCode], message: string) => new OptionsError(code, message);

/** Validate `TargetClient.create` options; throws an {@link OptionsError} with the reference's message. */
export function validateClientOptions(options: unknown): asserts options is TargetClientOptions {
  if (!isNonEmptyObject(options)) throw fail(ClientErrorCode.OptionsRequired, Messages.OPTIONS_REQUIRED);
  if (isEmptyString(options.client)) throw fail(ClientErrorCode.ClientRequired, Messages.CLIENT_REQUIRED);
  if (isEmptyString(options.organizationId)) throw fail(ClientErrorCode.OrganizationIdRequired, Messages.ORG_ID_REQUIRED);
  if (options.decisioningMethod !== undefined && !METHODS.includes(options.decisioningMethod)) {
    throw fail(ClientErrorCode.DecisioningMethodInvalid, Messages.DECISIONING_METHOD_INVALID);
  }
  // "" means "no hint, and no ping for one" (as in the reference); anything else must be a
  // cluster, since it becomes part of the Delivery API host.
  const hint = options.targetLocationHint;
  if (hint !== undefined && hint !== "" && !isEdgeCluster(hint)) {
    throw new OptionsError(ClientErrorCode.LocationHintInvalid, Messages.LOCATION_HINT_INVALID, "targetLocationHint");
  }
  const problem =
    clientOptionProblem(options as unknown as TargetClientOptions) ??
    offlineProblem(options as unknown as TargetClientOptions) ??
    engineOptionProblem(options as unknown as TargetClientOptions);
  if (problem) throw new OptionsError(ClientErrorCode.OptionInvalid, `${problem.field}: ${problem.problem}`, problem.field);
}

/** Stand-ins for what the client lends its engine: only the options are checked here. */
const NO_HOST: EngineHost = {
  logger: {},
  fetchApi: () => Promise.reject(new Error("not called")),
  emit: () => {},
  enqueue: () => {},
  whenSettled: () => Promise.resolve(),
};

/**
 * What the engine would refuse in the options it is given (`pollingInterval`, `artifactLocation`,
 * `engineOptions`, …), checked now: refused at create, a bad option cannot keep `clientReady`
 * from ever firing.
 */
function engineOptionProblem(options: TargetClientOptions): { field: string; problem: string } | undefined {
  const method = options.decisioningMethod ?? (options.offline === true ? DecisioningMethod.OnDevice : DecisioningMethod.ServerSide);
  if (!requiresDecisioningEngine(method)) return undefined;
  try {
    internal.engineSettingsOf(engineConfigOf(options, NO_HOST));
    return undefined;
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    const given = options.engineOptions as Record<string, unknown> | undefined;
    const field =
      given !== undefined && Object.prototype.hasOwnProperty.call(given, error.field.split(".")[0] as string) ? `engineOptions.${error.field}` : error.field;
    return { field, problem: error.message.slice(error.message.indexOf(": ") + 2) };
  }
}

const describe = (value: unknown): string => {
  if (typeof value === "string") return JSON.stringify(value.slice(0, 64));
  if (typeof value === "function") return "a function";
  if (Array.isArray(value)) return "an array";
  return value === null ? "null" : typeof value === "object" ? "an object" : String(value);
};

/** An option that is given must have its type; each check names the option and says what it needs. */
const CHECKS: ReadonlyArray<readonly [keyof TargetClientOptions, (value: unknown) => boolean, string]> = [
  ["timeout", (v) => typeof v === "number" && Number.isFinite(v) && v > 0, "must be a positive number of milliseconds"],
  ["deliveryRetries", (v) => typeof v === "number" && Number.isInteger(v) && v >= 0, "must be a whole number of at least 0"],
  ["secure", (v) => typeof v === "boolean", "must be true or false"],
  ["telemetryEnabled", (v) => typeof v === "boolean", "must be true or false"],
  // A host and an optional port: a path, credentials or a scheme would change where calls go.
  ["serverDomain", (v) => typeof v === "string" && /^[A-Za-z0-9.-]+(?::\d{1,5})?$/.test(v), "must be a host name, optionally with :port (no scheme or path)"],
  ["propertyToken", (v) => typeof v === "string", "must be a string"],
  ["version", (v) => typeof v === "string", "must be a string"],
  ["environmentId", (v) => typeof v === "number" && Number.isInteger(v), "must be a whole number"],
  ["fetchApi", (v) => typeof v === "function", "must be a fetch function"],
  ["logger", (v) => typeof v === "object" && v !== null, "must be an object with debug, info, warn and error methods (each optional)"],
  ["events", (v) => typeof v === "object" && v !== null && !Array.isArray(v), "must be an object of callbacks by event name"],
  ["platform", (v) => typeof v === "object" && v !== null, "must be an object"],
  ["engineOptions", (v) => typeof v === "object" && v !== null && !Array.isArray(v), "must be an object"],
  ["offline", (v) => typeof v === "boolean", "must be true or false"],
];

/** What keeps an offline client from working without a network, if anything. */
function offlineProblem(options: TargetClientOptions): { field: string; problem: string } | undefined {
  if (options.offline !== true) return undefined;
  if (options.decisioningMethod === DecisioningMethod.ServerSide)
    return { field: "decisioningMethod", problem: "offline: true decides on-device or hybrid, not server-side" };
  if (options.artifactPayload === undefined)
    return { field: "artifactPayload", problem: "offline: true needs the artifact in hand (an offline client downloads nothing)" };
  if (options.fetchApi !== undefined) return { field: "fetchApi", problem: "offline: true takes no fetchApi (nothing is fetched)" };
  return undefined;
}

/** What is wrong with the client's own options, if anything (the engine checks its own). */
function clientOptionProblem(options: TargetClientOptions): { field: string; problem: string } | undefined {
  const given = options as unknown as Record<string, unknown>;
  for (const [field, valid, need] of CHECKS) {
    const value = given[field];
    if (value !== undefined && !valid(value)) return { field, problem: `${need}, got ${describe(value)}` };
  }
  if (isNonEmptyObject(options.events)) {
    for (const name of Object.keys(options.events)) {
      const handler = options.events[name];
      if (handler !== undefined && typeof handler !== "function") return { field: `events.${name}`, problem: `must be a function, got ${describe(handler)}` };
    }
  }
  return notificationQueueOptionsProblem(options.notificationQueue);
}

/** The validation error of `getOffers` options, if any. */
export function getOffersOptionsError(options: unknown): OptionsError | undefined {
  if (!isNonEmptyObject(options)) return fail(ClientErrorCode.OptionsRequired, Messages.OPTIONS_REQUIRED);
  return requestError(options.request);
}

/** The validation error of a `getOffers` request, if any. */
export function requestError(request: unknown): OptionsError | undefined {
  if (!isNonEmptyObject(request)) return fail(ClientErrorCode.RequestRequired, Messages.REQUEST_REQUIRED);
  const { execute, prefetch } = request;
  if (isNonEmptyObject(execute) && execute.pageLoad === undefined && !isNonEmptyArray(execute.mboxes)) {
    return fail(ClientErrorCode.ExecuteFieldsRequired, Messages.EXECUTE_FIELDS_REQUIRED);
  }
  if (isNonEmptyObject(prefetch) && prefetch.pageLoad === undefined && !isNonEmptyArray(prefetch.views) && !isNonEmptyArray(prefetch.mboxes)) {
    return fail(ClientErrorCode.PrefetchFieldsRequired, Messages.PREFETCH_FIELDS_REQUIRED);
  }
  return undefined;
}

/** The validation error of `sendNotifications` options, if any. */
export function sendNotificationsOptionsError(options: unknown, hasTelemetry: boolean): OptionsError | undefined {
  if (!isNonEmptyObject(options)) return fail(ClientErrorCode.OptionsRequired, Messages.OPTIONS_REQUIRED);
  const { request } = options;
  if (!isNonEmptyObject(request)) return fail(ClientErrorCode.RequestRequired, Messages.REQUEST_REQUIRED);
  const entries = isNonEmptyObject(request.telemetry) ? request.telemetry.entries : undefined;
  if (!isNonEmptyArray(request.notifications) && !hasTelemetry && !isNonEmptyArray(entries)) {
    return fail(ClientErrorCode.NotificationsRequired, Messages.NOTIFICATIONS_REQUIRED);
  }
  return undefined;
}
