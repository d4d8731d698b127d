import { ConfigError } from "../errors.js";
import type {
  DeciderConfig,
  DecisioningConfig,
  EventEmitter,
  FetchApi,
  Logger,
  NotificationHandoff,
  NotificationPayload,
  ParseDomain,
  Platform,
  RefreshMode,
  RequestLimits,
  SnapshotStore,
} from "../types.js";
import { GEO_LOOKUP_URL } from "../context/geo.js";
import { artifactFormatOf, artifactLocationOf, DEFAULT_ARTIFACT_REQUEST_TIMEOUT, DEFAULT_MAX_ARTIFACT_BYTES, MAX_TIMER_MS } from "./artifact-source.js";
import { parseDomainOf } from "./domain.js";
import { forcedAllocationsOf, type ForcedAllocations } from "./forced.js";
import {
  configObject,
  describe,
  optionalAmount,
  optionalBoolean,
  optionalChoice,
  optionalFunction,
  optionalObject,
  optionalString,
  optionalUrl,
  type Fields,
} from "./fields.js";
import { requestLimitsOf } from "./limits.js";
import { isRecord } from "../util/json.js";

/** What a decider is configured with, checked: the same for `createDecider` and each artifact an engine loads. */
export interface DeciderSettings {
  /** Undefined: each artifact's `meta.clientCode`. */
  client: string | undefined;
  parseDomain: ParseDomain;
  /** The platform pieces given (each a function); the rest come from `platformOf`. */
  platform: Partial<Platform>;
  telemetryEnabled: boolean;
  limits: RequestLimits;
  /** Visitors whose allocation is fixed per activity (tests); undefined when none is. */
  forced: ForcedAllocations | undefined;
}

/** The loader's part of an engine's configuration, checked, with defaults applied. */
export interface LoaderSettings {
  /** The configured client code, if any (an artifact of another is reported). */
  client: string | undefined;
  location: string;
  format: "json" | "bin";
  /** The artifact in hand (`artifactPayload`), decided with before any download. */
  payload: object | undefined;
  organizationId: string | undefined;
  /** The requested interval; the loader raises it to its floor (see `pollingIntervalOf`). */
  pollingInterval: number | undefined;
  refreshMode: RefreshMode;
  timeoutMs: number;
  maxBytes: number;
  sha256: string | undefined;
  verify: ((body: Uint8Array, artifact: unknown) => boolean | Promise<boolean>) | undefined;
  snapshotStore: SnapshotStore | undefined;
  /** Ms to wait for the first artifact; 0 for no limit. */
  maximumWaitReady: number;
  waitUntil: ((promise: Promise<unknown>) => void) | undefined;
}

/** An engine's configuration, checked: its deciders', its loader's, and the notification and geo settings. */
export interface EngineSettings extends DeciderSettings {
  loader: LoaderSettings;
  sendNotificationFunc: ((payload: NotificationPayload) => unknown) | undefined;
  notificationHandoff: NotificationHandoff;
  eventEmitter: EventEmitter | undefined;
  logger: Logger | undefined;
  waitUntil: ((promise: Promise<unknown>) => void) | undefined;
  geoLookupUrl: string;
}

const PLATFORM_PIECES: ReadonlyArray<keyof Platform> = ["fetch", "now", "monotonic", "setTimeout", "clearTimeout", "random", "uuid"];
const LOGGER_LEVELS = ["debug", "info", "warn", "error"] as const;

/** The client code an artifact payload names, if any. */
function payloadClientOf(payload: Fields | undefined): string | undefined {
  const meta = payload?.meta;
  const code = isRecord(meta) ? meta.clientCode : undefined;
  return typeof code === "string" && code !== "" ? code : undefined;
}

function platformOf(config: Fields): Partial<Platform> {
  const given = optionalObject(config, "platform");
  const platform: Record<string, unknown> = {};
  if (given === undefined) return platform;
  // Only the pieces are read: a platform object may well carry more (a test clock's controls, say).
  for (const name of PLATFORM_PIECES) {
    const value = given[name];
    if (value === undefined) continue;
    if (typeof value !== "function") throw new ConfigError(`platform.${name}`, `must be a function, not ${describe(value)}`);
    platform[name] = value;
  }
  return platform as Partial<Platform>;
}

function loggerOf(config: Fields): Logger | undefined {
  const logger = optionalObject(config, "logger");
  if (logger === undefined) return undefined;
  for (const level of LOGGER_LEVELS) {
    const method = logger[level];
    if (method !== undefined && typeof method !== "function") throw new ConfigError(`logger.${level}`, `must be a function, not ${describe(method)}`);
  }
  return logger as Logger;
}

function sha256Of(config: Fields): string | undefined {
  const value = config.artifactSha256;
  if (value === undefined || value === null || value === "") return undefined;
  const hex =
    typeof value === "string"
      ? value
          .trim()
          .toLowerCase()
          .replace(/^sha256:/, "")
      : "";
  if (!/^[0-9a-f]{64}$/.test(hex)) throw new ConfigError("artifactSha256", "must be 64 hexadecimal digits (optionally after sha256:)");
  return hex;
}

function snapshotStoreOf(config: Fields): SnapshotStore | undefined {
  const store = optionalObject(config, "snapshotStore");
  if (store === undefined) return undefined;
  if (typeof store.load !== "function" || typeof store.save !== "function") {
    throw new ConfigError("snapshotStore", "must have load(key) and save(key, snapshot) methods");
  }
  return store as unknown as SnapshotStore;
}

// 0 and absence both mean "the default": neither a zero timeout nor a zero size limit is usable.
function amountOr(config: Fields, field: string, unit: string, fallback: number): number {
  const value = optionalAmount(config, field, unit);
  return value === undefined || value === 0 ? fallback : value;
}

function deciderSettingsFrom(config: Fields, client: string | undefined): DeciderSettings {
  return {
    client,
    parseDomain: parseDomainOf(config.parseDomainImpl),
    platform: platformOf(config),
    telemetryEnabled: optionalBoolean(config, "telemetryEnabled") ?? true,
    limits: requestLimitsOf(config),
    forced: forcedAllocationsOf(config),
  };
}

/** Check `createDecider`'s configuration (the artifact is checked when it is prepared); throws a `ConfigError` naming the field. */
export function deciderSettingsOf(config: Omit<DeciderConfig, "artifact">): DeciderSettings {
  const fields = configObject(config);
  return deciderSettingsFrom(fields, optionalString(fields, "client"));
}

/**
 * Check `createDecisioningEngine`'s configuration, every option, and apply the defaults; throws
 * a `ConfigError` naming the field and the problem. Unknown options are left alone: Adobe's SDK
 * passes options of its own.
 */
export function engineSettingsOf(config: DecisioningConfig): EngineSettings {
  const fields = configObject(config);
  const payload = optionalObject(fields, "artifactPayload");
  const artifactLocation = optionalUrl(fields, "artifactLocation");
  const client = optionalString(fields, "client") ?? payloadClientOf(payload);
  if (client === undefined && artifactLocation === undefined) {
    throw new ConfigError(
      "client",
      "must be a non-empty string (the Target client code), unless an artifactLocation or an artifactPayload with meta.clientCode is given",
    );
  }
  const decider = deciderSettingsFrom(fields, client);
  for (const field of ["organizationId", "propertyToken", "environment", "cdnEnvironment", "cdnBasePath"]) optionalString(fields, field);
  const format = optionalChoice(fields, "artifactFormat", ["json", "bin"] as const);
  const location = artifactLocation ?? artifactLocationOf({ ...config, client });
  const waitUntil = optionalFunction<(promise: Promise<unknown>) => void>(fields, "waitUntil");
  const fetchApi = optionalFunction<FetchApi>(fields, "fetchApi");
  const platform = fetchApi === undefined ? decider.platform : { ...decider.platform, fetch: fetchApi };
  const maximumWaitReady = optionalAmount(fields, "maximumWaitReady", "milliseconds") ?? 0;
  const pollingInterval = optionalAmount(fields, "pollingInterval", "milliseconds");
  if (pollingInterval === Number.POSITIVE_INFINITY) throw new ConfigError("pollingInterval", "must be a finite number of milliseconds (0 disables refreshing)");
  return {
    ...decider,
    platform,
    loader: {
      client: decider.client,
      location,
      format: format ?? artifactFormatOf(config, location),
      payload,
      organizationId: optionalString(fields, "organizationId"),
      pollingInterval,
      refreshMode: optionalChoice(fields, "refreshMode", ["poll", "on-request"] as const) ?? "poll",
      timeoutMs: Math.min(MAX_TIMER_MS, amountOr(fields, "artifactRequestTimeout", "milliseconds", DEFAULT_ARTIFACT_REQUEST_TIMEOUT)),
      maxBytes: amountOr(fields, "maxArtifactBytes", "bytes", DEFAULT_MAX_ARTIFACT_BYTES),
      sha256: sha256Of(fields),
      verify: optionalFunction(fields, "verifyArtifact"),
      snapshotStore: snapshotStoreOf(fields),
      // 0, absence and Infinity: no limit.
      maximumWaitReady: Number.isFinite(maximumWaitReady) ? Math.min(MAX_TIMER_MS, maximumWaitReady) : 0,
      waitUntil,
    },
    sendNotificationFunc: optionalFunction(fields, "sendNotificationFunc"),
    notificationHandoff: optionalChoice(fields, "notificationHandoff", ["deferred", "immediate"] as const) ?? "deferred",
    eventEmitter: optionalFunction(fields, "eventEmitter"),
    logger: loggerOf(fields),
    waitUntil,
    geoLookupUrl: optionalUrl(fields, "geoLookupUrl") ?? GEO_LOOKUP_URL,
  };
}
