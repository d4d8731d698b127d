/**
 * The Target Delivery API schema (Adobe's public OpenAPI, `POST /rest/v1/delivery`): the one
 * model of requests and responses that the engine decides, the client sends and every other
 * package reads. Field names are the API's; anything the schema leaves open is `unknown`,
 * never `any`.
 */

/** How a request was (or is to be) decided. */
export const DecisioningMethod = {
  OnDevice: "on-device",
  ServerSide: "server-side",
  Hybrid: "hybrid",
} as const;
/** One of `on-device`, `server-side`, `hybrid`. */
export type DecisioningMethod = (typeof DecisioningMethod)[keyof typeof DecisioningMethod];

/** Channel of a request's context. */
export const ChannelType = { Mobile: "mobile", Web: "web" } as const;
/** `web` or `mobile`. */
export type ChannelType = (typeof ChannelType)[keyof typeof ChannelType];

/** Authentication state of a customer id in a Delivery API request. */
export const AuthenticatedState = { Unknown: "unknown", Authenticated: "authenticated", LoggedOut: "logged_out" } as const;
/** `unknown`, `authenticated` or `logged_out`. */
export type AuthenticatedState = (typeof AuthenticatedState)[keyof typeof AuthenticatedState];

/** Where Analytics for Target (A4T) data is logged. */
export const LoggingType = { ServerSide: "server_side", ClientSide: "client_side" } as const;
/** `server_side` or `client_side`. */
export type LoggingType = (typeof LoggingType)[keyof typeof LoggingType];

/** Kind of metric or notification. */
export const MetricType = { Click: "click", Display: "display" } as const;
/** `click` or `display`. */
export type MetricType = (typeof MetricType)[keyof typeof MetricType];

/** Kind of offer option. */
export const OptionType = { Html: "html", Json: "json", Redirect: "redirect", Dynamic: "dynamic", Actions: "actions" } as const;
/** `html`, `json`, `redirect`, `dynamic` or `actions`. */
export type OptionType = (typeof OptionType)[keyof typeof OptionType];

/** Where a request was decided, as telemetry reports it. */
export const ExecutionMode = { Edge: "edge", Local: "local" } as const;
/** `edge` or `local`. */
export type ExecutionMode = (typeof ExecutionMode)[keyof typeof ExecutionMode];

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

/** Mobile device description. */
export interface MobilePlatform {
  deviceName?: string;
  deviceType: "phone" | "tablet";
  platformType: "android" | "ios";
  version?: string;
}

/** Mobile application description. */
export interface Application {
  id?: string;
  name?: string;
  version?: string;
}

/** Screen description. */
export interface Screen {
  width?: number;
  height?: number;
  colorDepth?: number;
  pixelRatio?: number;
  orientation?: "portrait" | "landscape";
}

/** Browser window size. */
export interface BrowserWindow {
  width?: number;
  height?: number;
}

/** Browser description. */
export interface Browser {
  host?: string;
  language?: string;
  webGLRenderer?: string;
}

/** The request context. `channel` defaults to `web` when missing. */
export interface Context {
  channel?: ChannelType;
  mobilePlatform?: MobilePlatform;
  application?: Application;
  screen?: Screen;
  window?: BrowserWindow;
  browser?: Browser;
  address?: Address;
  geo?: Geo;
  timeOffsetInMinutes?: number;
  userAgent?: string;
  clientHints?: ClientHints;
  beacon?: boolean;
}

/** A customer id in a Delivery API request. */
export interface CustomerId {
  id: string;
  integrationCode: string;
  authenticatedState: AuthenticatedState;
}

/** Visitor identity. */
export interface VisitorId {
  tntId?: string;
  thirdPartyId?: string;
  marketingCloudVisitorId?: string;
  customerIds?: CustomerId[];
}

/** At.js property (workspace). */
export interface Property {
  token: string;
}

/** Trace request (Target's edge needs an authorization token; on-device decisions do not). */
export interface Trace {
  authorizationToken?: string;
  usage?: Record<string, string>;
}

/** Audience Manager integration. */
export interface AudienceManager {
  locationHint?: number;
  blob?: string;
}

/** Analytics for Target (A4T) integration. */
export interface AnalyticsRequest {
  supplementalDataId?: string;
  logging?: LoggingType;
  trackingServer?: string;
  trackingServerSecure?: string;
}

/** Experience Cloud integrations. */
export interface ExperienceCloud {
  audienceManager?: AudienceManager;
  analytics?: AnalyticsRequest;
}

/** An order, for conversion mboxes. */
export interface Order {
  id?: string;
  total?: number;
  purchasedProductIds?: string[];
  time?: string;
  experienceLocalId?: number;
  duplicate?: boolean;
  outlier?: boolean;
}

/** A product, for recommendations. */
export interface Product {
  id?: string;
  categoryId?: string;
}

/** Details shared by page-load, mbox, view and notification requests. */
export interface RequestDetails {
  address?: Address;
  parameters?: Record<string, string>;
  profileParameters?: Record<string, string>;
  order?: Order;
  product?: Product;
}

/** An mbox in a request; `index` defaults to its position. */
export interface MboxRequest extends RequestDetails {
  index?: number;
  name?: string;
}

/** A view in a prefetch request; no name means every view. */
export interface ViewRequest extends RequestDetails {
  name?: string;
  key?: string;
}

/** The `execute` part of a request: decided now, impressions counted. */
export interface ExecuteRequest {
  pageLoad?: RequestDetails;
  mboxes?: MboxRequest[];
  /** On-device only (Target's schema lists views under `prefetch`): the engine answers them too. */
  views?: ViewRequest[];
}

/** The `prefetch` part of a request: decided now, impressions counted when notified. */
export interface PrefetchRequest {
  views?: ViewRequest[];
  pageLoad?: RequestDetails;
  mboxes?: MboxRequest[];
}

/** A display or click notification. */
export interface Notification extends RequestDetails {
  id?: string;
  impressionId?: string;
  type?: MetricType;
  timestamp?: number;
  tokens?: string[];
  mbox?: { name?: string; state?: string };
  view?: { name?: string; key?: string; state?: string };
  pageLoad?: { state?: string };
}

/** Which features a telemetry entry's request used. */
export interface TelemetryFeatures {
  decisioningMethod?: DecisioningMethod;
  executeMboxCount?: number;
  executePageLoad?: boolean;
  prefetchMboxCount?: number;
  prefetchPageLoad?: boolean;
  prefetchViewCount?: number;
}

/** Network timings of a telemetry entry, in ms (size in bytes). */
export interface TelemetryRequest {
  dns?: number;
  tls?: number;
  timeToFirstByte?: number;
  download?: number;
  responseSize?: number;
}

/** One telemetry entry: how long a request took and what it used. */
export interface TelemetryEntry {
  requestId?: string;
  timestamp?: number;
  mode?: ExecutionMode;
  execution?: number;
  parsing?: number;
  features?: TelemetryFeatures;
  request?: TelemetryRequest;
  telemetryServerToken?: string;
}

/** Telemetry carried on a request. */
export interface Telemetry {
  entries?: TelemetryEntry[];
}

/** QA mode (activity preview). */
export interface QAMode {
  token?: string;
  listedActivitiesOnly?: boolean;
  evaluateAsTrueAudienceIds?: number[];
  evaluateAsFalseAudienceIds?: number[];
  previewIndexes?: Array<{ activityIndex?: number; experienceIndex?: number }>;
}

/** Preview mode. */
export interface Preview {
  token?: string;
}

/** A Delivery API request. `context` is filled with `{channel: "web"}` when missing. */
export interface DeliveryRequest {
  requestId?: string;
  impressionId?: string;
  id?: VisitorId;
  environmentId?: number;
  property?: Property;
  trace?: Trace;
  context?: Context;
  experienceCloud?: ExperienceCloud;
  execute?: ExecuteRequest;
  prefetch?: PrefetchRequest;
  telemetry?: Telemetry;
  notifications?: Notification[];
  qaMode?: QAMode;
  preview?: Preview;
}

/** A4T payload of a response item. */
export interface AnalyticsPayload {
  pe?: string;
  tnta?: string;
}

/** A4T part of a response item. */
export interface AnalyticsResponse {
  payload?: AnalyticsPayload;
}

/** A VEC action (content of an `actions` option). */
export interface Action {
  type?: string;
  selector?: string;
  cssSelector?: string;
  content?: string | Record<string, unknown>;
}

/** An offer option in a response. */
export interface Option {
  type?: OptionType;
  content?: unknown;
  eventToken?: string;
  responseTokens?: Record<string, unknown>;
}

/** A metric in a response. */
export interface Metric {
  type?: MetricType;
  selector?: string;
  eventToken?: string;
  analytics?: AnalyticsResponse;
}

/** An mbox in a response. */
export interface MboxResponse {
  index?: number;
  name?: string;
  options?: Option[];
  metrics?: Metric[];
  analytics?: AnalyticsResponse;
  state?: string;
  trace?: Record<string, unknown>;
}

/** A view in a response. */
export interface View {
  name?: string;
  key?: string;
  options?: Option[];
  metrics?: Metric[];
  analytics?: AnalyticsResponse;
  state?: string;
  trace?: Record<string, unknown>;
}

/** The page-load part of a response. */
export interface PageLoadResponse {
  options?: Option[];
  metrics?: Metric[];
  analytics?: AnalyticsResponse;
  state?: string;
  trace?: Record<string, unknown>;
}

/** The `execute` part of a response. */
export interface ExecuteResponse {
  pageLoad?: PageLoadResponse;
  mboxes?: MboxResponse[];
  /** On-device only: the answer to `execute.views`. */
  views?: View[];
}

/** The `prefetch` part of a response. */
export interface PrefetchResponse {
  views?: View[];
  pageLoad?: PageLoadResponse;
  mboxes?: MboxResponse[];
  metrics?: Metric[];
}

/** The server's acknowledgement of a notification. */
export interface NotificationResponse {
  id?: string;
  trace?: Record<string, unknown>;
}

/** A Delivery API response (from Target's edge, or produced on-device). */
export interface DeliveryResponse {
  status?: number;
  /** On-device: requested mboxes the artifact cannot decide (status 206). */
  remoteMboxes?: string[];
  /** On-device: requested views the artifact cannot decide (status 206). */
  remoteViews?: string[];
  requestId?: string;
  id?: VisitorId;
  client?: string;
  edgeHost?: string;
  execute?: ExecuteResponse;
  prefetch?: PrefetchResponse;
  notifications?: NotificationResponse[];
  telemetryServerToken?: string;
}

/** A response decided on-device: the fields Target always fills are there. */
export interface DecidedResponse extends DeliveryResponse {
  status: number;
  requestId: string;
  id: VisitorId;
  client: string;
  remoteMboxes: string[];
  remoteViews: string[];
}

/**
 * The `execute` or `prefetch` part of a request as the engine reads it: `execute.views` is
 * answered too, though the schema lists views under `prefetch` only.
 */
export interface ModeRequest {
  pageLoad?: RequestDetails;
  mboxes?: MboxRequest[];
  views?: ViewRequest[];
}

/** The `execute` or `prefetch` part of a response as the engine writes it. */
export interface ModeResponse {
  pageLoad?: PageLoadResponse;
  mboxes?: MboxResponse[];
  views?: View[];
}

/** The Delivery API's error body. */
export interface UnexpectedError {
  status: number;
  message: string;
}
