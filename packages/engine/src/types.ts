/**
 * Public types: the rules artifact, the Delivery API request and response shapes the
 * engine reads and writes, and the engine's configuration. Field names follow Adobe's
 * public Delivery API so that requests written for Adobe's SDKs type-check unchanged.
 */

/** A JSON value as found in artifacts and offer content. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** Rule metadata: flat dotted keys such as `activity.id` or `experience.name`. */
export type RuleMeta = { [key: string]: unknown } & {
  "activity.id"?: number | string;
  "activity.name"?: string;
  "activity.type"?: string;
  "experience.id"?: number | string;
  "experience.name"?: string;
  "location.id"?: number | string;
  "location.name"?: string;
  "location.type"?: string;
  "offer.id"?: number | string;
  "offer.name"?: string;
  "option.id"?: number | string;
  "option.name"?: string;
  "audience.ids"?: Array<number | string>;
};

/** The kinds of content an offer option carries. */
export type OptionType = "json" | "html" | "redirect" | "dynamic" | "actions";

/** One offer option of a rule's consequence or of a response. */
export interface Option {
  type?: OptionType | string;
  content?: unknown;
  eventToken?: string;
  responseTokens?: Record<string, unknown>;
  [key: string]: unknown;
}

/** A metric (display or click) of a consequence or response. */
export interface Metric {
  type?: "display" | "click" | string;
  eventToken?: string;
  selector?: string;
  [key: string]: unknown;
}

/** What a rule gives when its condition holds. */
export interface Consequence {
  name?: string;
  options?: Option[];
  metrics?: Metric[];
  [key: string]: unknown;
}

/** One rule of the artifact. */
export interface Rule {
  ruleKey?: string;
  activityId?: number | string;
  meta: RuleMeta;
  condition?: unknown;
  consequence: Consequence;
  propertyTokens?: string[];
}

/** The rules artifact (`rules.json`). */
export interface Artifact {
  version: string;
  meta?: { clientCode?: string; environment?: string; [key: string]: unknown };
  globalMbox?: string;
  geoTargetingEnabled?: boolean;
  responseTokens?: string[];
  localMboxes?: string[];
  remoteMboxes?: string[];
  localViews?: string[];
  remoteViews?: string[];
  rules: { mboxes: Record<string, Rule[]>; views: Record<string, Rule[]> };
  [key: string]: unknown;
}

/** Page or referring address. */
export interface Address {
  url?: string;
  referringUrl?: string;
}

/** Geo context of a request. */
export interface Geo {
  ipAddress?: string;
  latitude?: number;
  longitude?: number;
  countryCode?: string;
  stateCode?: string;
  city?: string;
  zip?: string;
}

/** User-agent client hints (Sec-CH-UA family). */
export interface ClientHints {
  mobile?: boolean;
  model?: string;
  platform?: string;
  platformVersion?: string;
  browserUAWithMajorVersion?: string;
  browserUAWithFullVersion?: string;
  architecture?: string;
  bitness?: string;
}

/** The request context. */
export interface Context {
  channel?: "web" | "mobile" | string;
  userAgent?: string;
  clientHints?: ClientHints;
  address?: Address;
  geo?: Geo;
  browser?: { host?: string; language?: string; webGLRenderer?: string };
  screen?: Record<string, unknown>;
  window?: Record<string, unknown>;
  timeOffsetInMinutes?: number;
  beacon?: boolean;
  [key: string]: unknown;
}

/** Authentication state of a customer id. */
export type AuthenticatedState = "unknown" | "authenticated" | "logged_out";

/** A customer id. */
export interface CustomerId {
  id?: string;
  integrationCode?: string;
  authenticatedState?: AuthenticatedState;
  type?: string;
}

/** Visitor identity. */
export interface VisitorId {
  tntId?: string;
  thirdPartyId?: string;
  marketingCloudVisitorId?: string;
  customerIds?: CustomerId[];
}

/** Request details shared by page-load and view requests. */
export interface RequestDetails {
  address?: Address;
  parameters?: Record<string, string>;
  profileParameters?: Record<string, string>;
  order?: Record<string, unknown>;
  product?: Record<string, unknown>;
  [key: string]: unknown;
}

/** An mbox in a request. */
export interface MboxRequest extends RequestDetails {
  name?: string;
  index?: number;
}

/** A view in a request. */
export interface ViewRequest extends RequestDetails {
  name?: string;
  key?: string;
}

/** The `execute` or `prefetch` part of a request. */
export interface ModeRequest {
  pageLoad?: RequestDetails;
  mboxes?: MboxRequest[];
  views?: ViewRequest[];
}

/** A display or click notification. */
export interface Notification {
  id?: string;
  impressionId?: string;
  timestamp?: number;
  type?: "display" | "click" | string;
  mbox?: { name?: string; state?: string };
  view?: { name?: string; key?: string; state?: string };
  pageLoad?: { state?: string };
  tokens?: string[];
  parameters?: Record<string, string>;
  [key: string]: unknown;
}

/** A telemetry entry carried on Delivery API requests. */
export interface TelemetryEntry {
  requestId?: string;
  timestamp?: number;
  execution?: number;
  parsing?: number;
  mode?: "local" | "edge" | string;
  features?: Record<string, unknown>;
  request?: Record<string, unknown>;
  [key: string]: unknown;
}

/** A Delivery API request. */
export interface DeliveryRequest {
  requestId?: string;
  impressionId?: string;
  id?: VisitorId;
  environmentId?: number;
  property?: { token?: string };
  trace?: { authorizationToken?: string; usage?: Record<string, string> };
  context?: Context;
  experienceCloud?: Record<string, unknown>;
  execute?: ModeRequest;
  prefetch?: ModeRequest;
  notifications?: Notification[];
  telemetry?: { entries?: TelemetryEntry[] };
  qaMode?: Record<string, unknown>;
  preview?: Record<string, unknown>;
  [key: string]: unknown;
}

/** An option in a response. */
export type ResponseOption = Option;

/** An mbox in a response. */
export interface MboxResponse {
  name?: string;
  index?: number;
  options?: ResponseOption[];
  metrics?: Metric[];
  trace?: Record<string, unknown>;
  [key: string]: unknown;
}

/** A view in a response. */
export interface ViewResponse {
  name?: string;
  key?: string;
  options?: ResponseOption[];
  metrics?: Metric[];
  trace?: Record<string, unknown>;
  [key: string]: unknown;
}

/** The page-load part of a response. */
export interface PageLoadResponse {
  options?: ResponseOption[];
  metrics?: Metric[];
  trace?: Record<string, unknown>;
  [key: string]: unknown;
}

/** The `execute` or `prefetch` part of a response. */
export interface ModeResponse {
  pageLoad?: PageLoadResponse;
  mboxes?: MboxResponse[];
  views?: ViewResponse[];
}

/** A Delivery API response, as the on-device engine produces it. */
export interface DeliveryResponse {
  status: number;
  remoteMboxes?: string[];
  remoteViews?: string[];
  requestId: string;
  id: VisitorId;
  client: string;
  edgeHost?: string;
  execute?: ModeResponse;
  prefetch?: ModeResponse;
  [key: string]: unknown;
}

/** What `getOffers` takes. */
export interface GetOffersOptions {
  request: DeliveryRequest;
  sessionId?: string;
  targetLocationHint?: string;
  visitor?: unknown;
  [key: string]: unknown;
}

/** When the engine calls `sendNotificationFunc`: after the current tick, or before `getOffers` returns. */
export type NotificationHandoff = "deferred" | "immediate";

/** What `sendNotificationFunc` receives. */
export interface NotificationPayload {
  request: {
    id?: VisitorId;
    context?: Context;
    experienceCloud?: Record<string, unknown>;
    notifications?: Notification[];
    telemetry?: { entries: TelemetryEntry[] };
  };
  visitor?: unknown;
}

/** Which names of a request need the Delivery API. */
export interface RemoteDependency {
  remoteNeeded: boolean;
  remoteMboxes: string[];
  remoteViews: string[];
}

/** A four-method logger; every method is optional. */
export interface Logger {
  debug?: (...args: unknown[]) => void;
  info?: (...args: unknown[]) => void;
  warn?: (...args: unknown[]) => void;
  error?: (...args: unknown[]) => void;
}

/** Host name split by a domain parser. */
export interface DomainParts {
  domain: string;
  subdomain: string;
  topLevelDomain: string;
}

/** A domain parser, as in the reference's `parseDomainImpl`. */
export type ParseDomain = (host: string) => Partial<DomainParts>;

/** A WHATWG-fetch-compatible function (plain or async). */
export type FetchApi = (input: string, init?: Record<string, unknown>) => Promise<FetchResponseLike>;

/** The part of a fetch Response the engine uses. */
export interface FetchResponseLike {
  ok: boolean;
  status: number;
  headers: { get(name: string): string | null };
  json(): Promise<unknown>;
  text(): Promise<string>;
  arrayBuffer(): Promise<ArrayBuffer>;
}

/** Names of the events the engine emits. */
export type EngineEventName =
  | "artifactDownloadSucceeded"
  | "artifactDownloadFailed"
  | "geoLocationUpdated"
  | "sendNotificationError";

/** The reference's event emitter signature: `(eventName, payload)`. */
export type EventEmitter = (eventName: EngineEventName | string, payload?: Record<string, unknown>) => void;
