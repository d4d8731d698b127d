/**
 * Turning what a caller passes into the Delivery API request Target expects: ids from cookies
 * and the visitor, a default context, Experience Cloud integrations, validated mboxes and
 * notifications. Only fields of the Delivery API schema are kept, as the reference's generated
 * client does.
 */
import { Messages, textOf } from "../messages.js";
import type {
  AnalyticsRequest,
  AudienceManager,
  Context,
  CustomerId,
  DeliveryRequest,
  ExecuteRequest,
  ExperienceCloud,
  MboxRequest,
  Notification,
  PrefetchRequest,
  Property,
  RequestDetails,
  ViewRequest,
  VisitorId,
} from "../types.js";
import { AuthenticatedState, ChannelType, LoggingType, MetricType } from "../types.js";
import { hasOwn, setOwn } from "../own.js";
import { DEFAULT_GLOBAL_MBOX, type internal } from "@decisioning/engine";
import { AuthState, ServerVisitor, type CustomerIds, type VisitorLike, type VisitorValues } from "../visitor.js";

type SafeLogger = internal.SafeLogger;

/** The request the reference uses when none is given. */
export function emptyRequest(): DeliveryRequest {
  return { context: { channel: ChannelType.Web } };
}

/** What building a request needs besides the request. */
export interface RequestBuildOptions {
  logger: SafeLogger;
  visitor: VisitorLike;
  /** tntId from the `mbox` cookie. */
  deviceId: string | undefined;
  consumerId: string | undefined;
  environmentId: number | undefined;
  uuid: () => string;
  timeOffsetInMinutes: () => number;
}

type Loose = Record<string, unknown>;

/** What an absent part of a request reads as: shared (only ever read), frozen to keep it so. */
const NOTHING: Loose = Object.freeze({});

const isObject = (value: unknown): value is Loose => typeof value === "object" && value !== null && !Array.isArray(value);
const isDefined = (value: unknown): boolean => value !== undefined;
/** Whether an own enumerable key holds a defined value; stops at the first (no `Object.values` array). */
function hasDefinedValue(value: Loose): boolean {
  for (const key in value) if (hasOwn(value, key) && value[key] !== undefined) return true;
  return false;
}
/** The reference's "non-empty object": an object, not an array, with at least one defined value. */
export const isNonEmptyObject = (value: unknown): value is Loose => isObject(value) && hasDefinedValue(value);
const isNonEmptyString = (value: unknown): value is string => typeof value === "string" && value.length > 0;
/** The reference's "non-empty array": an array with at least one defined element. */
export const isNonEmptyArray = (value: unknown): value is unknown[] => Array.isArray(value) && value.some(isDefined);
const isNumber = (value: unknown): value is number => typeof value === "number" && !Number.isNaN(value);

/** Copy the named keys that are present (not undefined) into a fresh object. */
function pick<T>(source: Loose, keys: readonly string[]): T {
  const out: Loose = {};
  for (const key of keys) {
    const value = source[key];
    if (value !== undefined) out[key] = value;
  }
  return out as T;
}

// The fields kept of a context and of an mbox, view, page load or notification, in this order.
// They are read by name, one line each, rather than by looping over a list of names: a named
// read is cached per object shape, and most of these fields are absent, which a keyed read
// finds out by walking the prototype chain every time (two to three times slower).

/** The request details fields of an mbox, view, page load or notification. */
function pickDetails<T>(source: Loose): T {
  const out: Loose = {};
  let value: unknown;
  if ((value = source.address) !== undefined) out.address = value;
  if ((value = source.parameters) !== undefined) out.parameters = value;
  if ((value = source.profileParameters) !== undefined) out.profileParameters = value;
  if ((value = source.order) !== undefined) out.order = value;
  if ((value = source.product) !== undefined) out.product = value;
  return out as T;
}

/** The Delivery API fields of a context. */
function pickContext(source: Loose): Context {
  const out: Loose = {};
  let value: unknown;
  if ((value = source.channel) !== undefined) out.channel = value;
  if ((value = source.mobilePlatform) !== undefined) out.mobilePlatform = value;
  if ((value = source.application) !== undefined) out.application = value;
  if ((value = source.screen) !== undefined) out.screen = value;
  if ((value = source.window) !== undefined) out.window = value;
  if ((value = source.browser) !== undefined) out.browser = value;
  if ((value = source.address) !== undefined) out.address = value;
  if ((value = source.geo) !== undefined) out.geo = value;
  if ((value = source.timeOffsetInMinutes) !== undefined) out.timeOffsetInMinutes = value;
  if ((value = source.userAgent) !== undefined) out.userAgent = value;
  if ((value = source.clientHints) !== undefined) out.clientHints = value;
  if ((value = source.beacon) !== undefined) out.beacon = value;
  return out as Context;
}

const AUTH_STATE_NAMES: Record<number, AuthenticatedState> = {
  [AuthState.UNKNOWN]: AuthenticatedState.Unknown,
  [AuthState.AUTHENTICATED]: AuthenticatedState.Authenticated,
  [AuthState.LOGGED_OUT]: AuthenticatedState.LoggedOut,
};

function firstOrgState(visitor: VisitorLike): Loose | undefined {
  const state = visitor.getState() as Loose;
  const first = Object.keys(state)[0];
  const value = first === undefined ? undefined : state[first];
  return isObject(value) ? value : undefined;
}

/** Our own visitor, whose `getState` (not overridden) would only copy what `peekState` shows. */
const isOwnVisitor = (visitor: VisitorLike): visitor is ServerVisitor =>
  visitor instanceof ServerVisitor && visitor.getState === ServerVisitor.prototype.getState;

/** The visitor's AMCV values; our own visitor's are read in place (`getVisitorValues` copies them). */
function visitorValues(visitor: VisitorLike): Readonly<VisitorValues> | undefined {
  if (visitor instanceof ServerVisitor && visitor.getVisitorValues === ServerVisitor.prototype.getVisitorValues) return visitor.peekValues();
  return visitor.getVisitorValues();
}

/** The visitor's customer ids as `getState` would copy them (a plain object read in place: no copy). */
function visitorCustomerIds(visitor: VisitorLike): unknown {
  if (isOwnVisitor(visitor)) {
    const ids: unknown = visitor.peekState().customerIds;
    if (ids === undefined || isObject(ids)) return ids;
  }
  return firstOrgState(visitor)?.customerIDs;
}

/** The visitor's customer ids in Delivery API form, followed by those already in the request. */
function mergedCustomerIds(requestIds: CustomerId[] | undefined, visitor: VisitorLike): CustomerId[] | undefined {
  const fromVisitor = visitorCustomerIds(visitor);
  if (!isNonEmptyObject(fromVisitor)) return requestIds;
  const converted: CustomerId[] = [];
  for (const integrationCode of Object.keys(fromVisitor)) {
    const value = fromVisitor[integrationCode];
    if (!value) continue;
    if (isObject(value)) {
      const item: Loose = { integrationCode };
      if (isNonEmptyString(value.id)) item.id = value.id;
      // An id without a state is "unknown" (the reference leaves it out, which the API rejects).
      item.authenticatedState = AUTH_STATE_NAMES[value.authState as number] ?? AuthenticatedState.Unknown;
      converted.push(item as unknown as CustomerId);
    } else {
      converted.push({ id: textOf(value), integrationCode, authenticatedState: AuthenticatedState.Unknown });
    }
  }
  if (converted.length === 0) return requestIds;
  return converted.concat(Array.isArray(requestIds) ? requestIds : []);
}

/**
 * Accept customer ids as the Visitor API's object (`{userid: {id, authState}}`) or, for
 * convenience, as Delivery API `CustomerId`s; return the Visitor API form.
 */
export function customerIdsOf(input: unknown): CustomerIds | undefined {
  if (Array.isArray(input)) {
    const out: CustomerIds = {};
    for (const item of input) {
      if (!isObject(item) || !isNonEmptyString(item.integrationCode)) continue;
      const state = Object.entries(AUTH_STATE_NAMES).find(([, name]) => name === item.authenticatedState)?.[0];
      const authState = item.authState ?? (state === undefined ? AuthState.UNKNOWN : Number(state));
      Object.defineProperty(out, item.integrationCode, {
        value: { id: item.id, authState },
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return out;
  }
  return isObject(input) ? (input as CustomerIds) : undefined;
}

function createVisitorId(id: VisitorId | undefined, options: RequestBuildOptions): VisitorId | undefined {
  const given: Loose = isObject(id) ? id : NOTHING;
  const tntId = given.tntId === undefined ? options.deviceId : given.tntId;
  const mcid = given.marketingCloudVisitorId === undefined ? (visitorValues(options.visitor) as VisitorValues).MCMID : given.marketingCloudVisitorId;
  const customerIds = mergedCustomerIds(given.customerIds as CustomerId[] | undefined, options.visitor);
  const hasTntId = isNonEmptyString(tntId);
  const hasThirdPartyId = isNonEmptyString(given.thirdPartyId);
  const hasMcid = isNonEmptyString(mcid);
  const hasCustomerIds = isNonEmptyArray(customerIds);
  if (!hasTntId && !hasThirdPartyId && !hasMcid && !hasCustomerIds) return undefined;
  const result: VisitorId = {};
  if (hasTntId) result.tntId = tntId;
  if (hasThirdPartyId) result.thirdPartyId = given.thirdPartyId as string;
  if (hasMcid) result.marketingCloudVisitorId = mcid;
  if (hasCustomerIds) result.customerIds = customerIds;
  return result;
}

function createContext(context: Context | undefined, timeOffsetInMinutes: () => number): Context {
  // As in the reference, the host's time offset only fills in for a request without a context.
  const result = isObject(context) ? pickContext(context) : { timeOffsetInMinutes: timeOffsetInMinutes() };
  // The reference forces `web` even for a valid `mobile` channel (an enum-keys slip); a valid one is kept here.
  if (result.channel !== ChannelType.Web && result.channel !== ChannelType.Mobile) result.channel = ChannelType.Web;
  return result;
}

function currentSdid(visitor: VisitorLike): unknown {
  // Our own visitor answers without copying its whole state.
  if (isOwnVisitor(visitor)) return visitor.peekState().currentSdid;
  const sdid = firstOrgState(visitor)?.sdid;
  return isNonEmptyObject(sdid) ? sdid.supplementalDataIDCurrent : undefined;
}

function createAnalytics(analytics: AnalyticsRequest | undefined, options: RequestBuildOptions): AnalyticsRequest {
  const given: Loose = isObject(analytics) ? analytics : NOTHING;
  const consumerId = options.consumerId ?? DEFAULT_GLOBAL_MBOX;
  const givenSdid = given.supplementalDataId;
  const supplementalDataId =
    givenSdid !== undefined && givenSdid === currentSdid(options.visitor) ? (givenSdid as string) : options.visitor.getSupplementalDataID(consumerId);
  const result: AnalyticsRequest = {
    logging: isNonEmptyString(given.logging) ? (given.logging as AnalyticsRequest["logging"]) : LoggingType.ServerSide,
  };
  if (supplementalDataId !== undefined) result.supplementalDataId = supplementalDataId;
  if (isNonEmptyString(given.trackingServer)) result.trackingServer = given.trackingServer;
  if (isNonEmptyString(given.trackingServerSecure)) result.trackingServerSecure = given.trackingServerSecure;
  return result;
}

function createAudienceManager(audienceManager: AudienceManager | undefined, visitor: VisitorLike): AudienceManager | undefined {
  const given: Loose = isObject(audienceManager) ? audienceManager : NOTHING;
  const values: Readonly<VisitorValues> = visitorValues(visitor) ?? {};
  const hint = values.MCAAMLH === undefined ? Number.NaN : Number.parseInt(values.MCAAMLH, 10);
  const locationHint = given.locationHint === undefined ? (Number.isNaN(hint) ? undefined : hint) : given.locationHint;
  const blob = given.blob === undefined ? values.MCAAMB : given.blob;
  if (locationHint === undefined && blob === undefined) return undefined;
  const result: AudienceManager = {};
  if (locationHint !== undefined) result.locationHint = locationHint as number;
  if (blob !== undefined) result.blob = blob as string;
  return result;
}

function createExperienceCloud(experienceCloud: ExperienceCloud | undefined, options: RequestBuildOptions): ExperienceCloud {
  const given: Loose = isObject(experienceCloud) ? experienceCloud : NOTHING;
  const result: ExperienceCloud = { analytics: createAnalytics(given.analytics as AnalyticsRequest | undefined, options) };
  const audienceManager = createAudienceManager(given.audienceManager as AudienceManager | undefined, options.visitor);
  if (audienceManager) result.audienceManager = audienceManager;
  return result;
}

function createMboxes(mboxes: unknown, logger: SafeLogger): MboxRequest[] | undefined {
  if (!isNonEmptyArray(mboxes)) return undefined;
  let result: MboxRequest[] = [];
  for (const mbox of mboxes) {
    if (!isNonEmptyObject(mbox) || !isNonEmptyString(mbox.name)) {
      logger.error(Messages.MBOX_INVALID, mbox);
      continue;
    }
    const item = pickDetails<MboxRequest>(mbox);
    item.name = mbox.name;
    item.index = isNumber(mbox.index) ? mbox.index : result.length;
    // A literal for the first: pushing onto `[]` allocates room for sixteen.
    if (result.length === 0) result = [item];
    else result.push(item);
  }
  return result.length > 0 ? result : undefined;
}

function createViews(views: unknown): ViewRequest[] | undefined {
  if (!isNonEmptyArray(views)) return undefined;
  const result = views.map((view) => {
    const given: Loose = isObject(view) ? view : NOTHING;
    const item = pickDetails<ViewRequest>(given);
    if (isNonEmptyString(given.name)) item.name = given.name;
    if (isNonEmptyString(given.key)) item.key = given.key;
    return item;
  });
  return result.length > 0 ? result : undefined;
}

function createDetails(pageLoad: unknown): RequestDetails | undefined {
  return isObject(pageLoad) ? pickDetails<RequestDetails>(pageLoad) : undefined;
}

function createExecute(execute: unknown, logger: SafeLogger): ExecuteRequest | undefined {
  if (!isNonEmptyObject(execute)) return undefined;
  const { pageLoad, mboxes } = execute;
  if (!isObject(pageLoad) && !isNonEmptyArray(mboxes)) return undefined;
  const result: ExecuteRequest = {};
  const details = createDetails(pageLoad);
  if (details) result.pageLoad = details;
  const list = createMboxes(mboxes, logger);
  if (list) result.mboxes = list;
  return result;
}

function createPrefetch(prefetch: unknown, logger: SafeLogger): PrefetchRequest | undefined {
  if (!isNonEmptyObject(prefetch)) return undefined;
  const { pageLoad, views, mboxes } = prefetch;
  if (!isObject(pageLoad) && !isNonEmptyArray(views) && !isNonEmptyArray(mboxes)) return undefined;
  const result: PrefetchRequest = {};
  const details = createDetails(pageLoad);
  if (details) result.pageLoad = details;
  const viewList = createViews(views);
  if (viewList) result.views = viewList;
  const list = createMboxes(mboxes, logger);
  if (list) result.mboxes = list;
  return result;
}

const METRIC_TYPES: readonly unknown[] = Object.values(MetricType);

function createNotifications(notifications: unknown, logger: SafeLogger): Notification[] | undefined {
  if (!isNonEmptyArray(notifications)) return undefined;
  const result: Notification[] = [];
  for (const notification of notifications) {
    const valid =
      isNonEmptyObject(notification) && isNonEmptyString(notification.id) && isNumber(notification.timestamp) && METRIC_TYPES.includes(notification.type);
    if (!valid) {
      logger.error(Messages.NOTIFICATION_INVALID, notification);
      continue;
    }
    const item = pickDetails<Notification>(notification);
    item.id = notification.id as string;
    item.type = notification.type as Notification["type"];
    item.timestamp = notification.timestamp as number;
    if (isNonEmptyString(notification.impressionId)) item.impressionId = notification.impressionId;
    if (isNonEmptyArray(notification.tokens)) item.tokens = notification.tokens as string[];
    if (isNonEmptyObject(notification.mbox)) item.mbox = notification.mbox as Notification["mbox"];
    if (isNonEmptyObject(notification.view)) item.view = notification.view as Notification["view"];
    if (isNonEmptyObject(notification.pageLoad)) item.pageLoad = notification.pageLoad as Notification["pageLoad"];
    result.push(item);
  }
  return result.length > 0 ? result : undefined;
}

function createProperty(property: unknown): Property | undefined {
  return isObject(property) && isNonEmptyString(property.token) ? { token: property.token } : undefined;
}

/**
 * The property (at.js workspace) to send: the request's token, else the configured one. A
 * request token that differs from the configured one is logged, as in the reference.
 */
export function propertyOf(configToken: string | undefined, request: DeliveryRequest, logger: SafeLogger): Property | undefined {
  const requestToken = isObject(request.property) ? request.property.token : undefined;
  if (requestToken !== undefined && requestToken !== configToken) logger.debug(Messages.PROPERTY_TOKEN_MISMATCH(requestToken, configToken));
  const token = requestToken || configToken;
  return token ? { token } : undefined;
}

/** Build the Delivery API request from the caller's request; falsy top-level fields are dropped. */
export function createDeliveryRequest(input: DeliveryRequest, options: RequestBuildOptions): DeliveryRequest {
  const given: Loose = isObject(input) ? input : NOTHING;
  // Built key by key, in the Delivery API's order, rather than as a literal whose falsy keys are
  // deleted afterwards: `delete` turns a hot object into a slow dictionary.
  const result: Loose = {};
  const requestId = given.requestId ?? options.uuid();
  if (requestId) result.requestId = requestId;
  if (given.impressionId) result.impressionId = given.impressionId;
  const id = createVisitorId(given.id as VisitorId | undefined, options);
  if (id) result.id = id;
  const environmentId = given.environmentId ?? options.environmentId;
  if (environmentId) result.environmentId = environmentId;
  const property = createProperty(given.property);
  if (property) result.property = property;
  if (isObject(given.trace)) result.trace = pick(given.trace, ["authorizationToken", "usage"]);
  result.context = createContext(given.context as Context | undefined, options.timeOffsetInMinutes);
  result.experienceCloud = createExperienceCloud(given.experienceCloud as ExperienceCloud | undefined, options);
  const execute = createExecute(given.execute, options.logger);
  if (execute) result.execute = execute;
  const prefetch = createPrefetch(given.prefetch, options.logger);
  if (prefetch) result.prefetch = prefetch;
  if (isObject(given.telemetry) && isNonEmptyArray(given.telemetry.entries)) result.telemetry = { entries: [...given.telemetry.entries] };
  const notifications = createNotifications(given.notifications, options.logger);
  if (notifications) result.notifications = notifications;
  if (given.qaMode) result.qaMode = given.qaMode;
  if (given.preview) result.preview = given.preview;
  return result as DeliveryRequest;
}

function hasMboxes(mode: ExecuteRequest | PrefetchRequest | undefined): boolean {
  const list = mode?.mboxes;
  return Array.isArray(list) && list.length > 0;
}

function addMboxNames(names: Set<unknown>, mode: ExecuteRequest | PrefetchRequest | undefined): void {
  const list = mode?.mboxes;
  if (!Array.isArray(list)) return;
  for (const mbox of list) if (isObject(mbox) && mbox.name !== undefined) names.add(mbox.name);
}

/**
 * A shallow copy of `source` with `key` set, keys in the order of `{...source, [key]: value}`.
 * A key the source lacks is added while building the copy key by key: adding a key to a
 * spread copy costs V8 a slow map transition (~0.5 µs). `__proto__` is stored as data, as a
 * spread does.
 */
export function withKey<T extends object>(source: object, key: string, value: unknown): T {
  const from = source as Loose;
  if (hasOwn(source, key)) {
    const copy: Loose = { ...from };
    copy[key] = value;
    return copy as T;
  }
  const copy: Loose = {};
  // for-in with an own-key check visits what `Object.keys` lists, in its order, with no array.
  for (const name in from) {
    if (hasOwn(from, name)) setOwn(copy, name, from[name]);
  }
  copy[key] = value;
  return copy as T;
}

/**
 * Add mboxes to `request[mode].mboxes` (a new request; the given one is not touched). Names
 * requested anywhere already are skipped; new ones get indexes after the highest given index,
 * starting at 1 as in the reference.
 */
export function addMboxesToRequest(mboxNames: readonly string[], request: DeliveryRequest, mode: "execute" | "prefetch" = "execute"): DeliveryRequest {
  const given = request[mode];
  const mboxes =
    mboxNames.length === 1 && !hasMboxes(request.prefetch) && !hasMboxes(request.execute)
      ? // The usual call: one name, nothing requested yet, so no set of names to build.
        [{ name: mboxNames[0] as string, index: 1 }]
      : mergedMboxes(mboxNames, request, given);
  return withKey(request, mode, given === undefined || given === null ? { mboxes } : withKey(given, "mboxes", mboxes));
}

/** The mode's mboxes followed by the names not requested anywhere yet, indexed after the highest index. */
function mergedMboxes(mboxNames: readonly string[], request: DeliveryRequest, given: ExecuteRequest | PrefetchRequest | undefined): MboxRequest[] {
  const requested = new Set<unknown>();
  addMboxNames(requested, request.prefetch);
  addMboxNames(requested, request.execute);
  let mboxes: MboxRequest[] = Array.isArray(given?.mboxes) ? [...(given?.mboxes ?? [])] : [];
  let next = 1;
  for (const mbox of mboxes) if (isNumber(mbox?.index) && mbox.index + 1 > next) next = mbox.index + 1;
  for (const name of mboxNames) {
    // `requested` also remembers the names added here, so a repeated name is added once.
    if (requested.has(name)) continue;
    requested.add(name);
    // A literal for the first: pushing onto `[]` allocates room for sixteen.
    if (mboxes.length === 0) mboxes = [{ name, index: next }];
    else mboxes.push({ name, index: next });
    next += 1;
  }
  return mboxes;
}
