import { artifactClientCodeOf, clientMismatchOf } from "../artifact/client-code.js";
import type { ForcedAllocations } from "../config/forced.js";
import { prepareArtifact, type PreparedArtifact } from "../artifact/prepare.js";
import { cleanGeo } from "../context/geo.js";
import { ContextBuilder } from "../decide/context.js";
import { decide, type DecideEnvironment } from "../decide/decide.js";
import { checkRequest, normalizeRequest } from "../decide/request.js";
import { remoteDependencyOf } from "../decide/remote.js";
import { DecisionTables } from "../decide/tables.js";
import { deciderSettingsOf, type DeciderSettings } from "../config/settings.js";
import { ArtifactError, ConfigError, ErrorCode } from "../errors.js";
import { platformOf } from "../platform/platform.js";
import { featuresOf, TelemetryStore, twoDecimals } from "../platform/telemetry.js";
import type {
  ArtifactTrace,
  ClientMismatch,
  Decider,
  DeciderConfig,
  DecideReport,
  DecideResult,
  DeliveryRequest,
  Geo,
  GetOffersOptions,
  NotificationPayload,
  Platform,
  RemoteDependency,
  RequestLimits,
} from "../types.js";

/** What every decider of one engine shares, whichever artifact it decides with. */
export interface DecisionServices {
  /** The configured client code; undefined to decide each artifact with its own `meta.clientCode`. */
  client: string | undefined;
  platform: Pick<Platform, "now" | "monotonic" | "uuid">;
  /** Parsed URL and user-agent contexts, cached across artifacts. */
  contexts: ContextBuilder;
  telemetry: TelemetryStore;
  limits: RequestLimits;
  /** Visitors whose allocation is fixed per activity (tests); undefined when none is. */
  forced: ForcedAllocations | undefined;
  /** The artifact half of request traces. */
  artifactTrace: () => ArtifactTrace;
}

/**
 * One decider's environment: the services plus the clock and ids the decision pipeline reads by
 * name. One object per decider, handed to every decision as it is rather than copied per decision.
 */
interface DeciderEnvironment extends DecideEnvironment {
  platform: Pick<Platform, "now" | "monotonic" | "uuid">;
  telemetry: TelemetryStore;
  limits: RequestLimits;
}

/**
 * Decides requests against one prepared artifact: checks and normalizes each request, decides
 * it with tables of its own and builds the notification payload with its telemetry entry.
 * `createDecider` makes one per artifact given; the engine one per artifact loaded.
 */
export class ArtifactDecider implements Decider {
  /** The artifact decided against (do not mutate). */
  readonly artifact: PreparedArtifact["artifact"];
  /** Rules whose conditions could not be compiled (they never match). */
  readonly problems: readonly string[];
  /** The client code decisions use. */
  readonly client: string;
  /** Both codes when `client` differs from the artifact's `meta.clientCode`. */
  readonly clientMismatch: ClientMismatch | undefined;
  private readonly tables: DecisionTables;
  private readonly env: DeciderEnvironment;

  constructor(
    readonly prepared: PreparedArtifact,
    services: DecisionServices,
  ) {
    this.artifact = prepared.artifact;
    this.problems = prepared.problems;
    const client = services.client ?? artifactClientCodeOf(prepared.artifact);
    if (client === undefined) {
      throw new ArtifactError(ErrorCode.ArtifactInvalid, "Invalid artifact: meta.clientCode: missing, and no client code was configured to decide with", {
        field: "meta.clientCode",
      });
    }
    this.client = client;
    this.clientMismatch = clientMismatchOf(client, prepared.artifact);
    const { platform } = services;
    this.env = { ...services, client, now: platform.now, uuid: platform.uuid };
    this.tables = new DecisionTables(prepared, client);
  }

  /** Check, normalize and decide a request; with `{matches: true}`, report the rules that answered. */
  decide(options: GetOffersOptions, report?: DecideReport): DecideResult {
    return this.run(options, undefined, false, report?.matches === true);
  }

  /** Decide a request that passed `checkRequest` already; `geo` is its geo context after an IP lookup. */
  decideChecked(options: GetOffersOptions, geo: Geo | undefined): DecideResult {
    return this.run(options, geo, true, false);
  }

  /** Which requested names need the Delivery API. */
  hasRemoteDependency(request: DeliveryRequest): RemoteDependency {
    return remoteDependencyOf(this.prepared, request);
  }

  /** Whether the artifact decides the name or lists it as remote (see `Decider.declares`). */
  declares(kind: "mbox" | "view", name: string): boolean {
    const { prepared } = this;
    if (kind === "mbox") return prepared.localMboxes.has(name) || prepared.mboxes.has(name) || prepared.remoteMboxes.includes(name);
    return prepared.localViews.has(name) || prepared.views.has(name) || prepared.remoteViews.includes(name);
  }

  private run(options: GetOffersOptions, geo: Geo | undefined, checked: boolean, reportMatches: boolean): DecideResult {
    const { env } = this;
    const { platform, telemetry } = env;
    const started = platform.monotonic();
    if (!checked) checkRequest(options, env.limits);
    const request = normalizeRequest(options.request, options.targetLocationHint, platform.uuid, geo ?? cleanGeo(options.request.context?.geo ?? undefined));
    const parsed = platform.monotonic();
    const decision = decide(this.tables, request, env, options.sessionId, reportMatches);
    telemetry.add({
      requestId: request.requestId,
      timestamp: decision.timestamp,
      execution: twoDecimals(platform.monotonic() - started),
      parsing: twoDecimals(parsed - started),
      mode: "local",
      features: featuresOf(request, "on-device"),
    });
    let notification: NotificationPayload | undefined;
    if (decision.notifications.length > 0 || telemetry.enabled) {
      notification = {
        request: { id: request.id, context: request.context, experienceCloud: request.experienceCloud },
        visitor: options.visitor,
      };
      if (decision.notifications.length > 0) notification.request.notifications = decision.notifications;
      if (telemetry.size > 0) notification.request.telemetry = { entries: telemetry.drain() };
    }
    const result: DecideResult = { response: decision.response, request, notification };
    if (decision.matches !== undefined) {
      result.matches = decision.matches;
      result.allocationRead = decision.allocationRead;
    }
    return result;
  }
}

/**
 * Create a synchronous decider for edge workers and tests: no fetch, no timers, no geo lookup
 * (pass `context.geo` yourself). Throws a `ConfigError` for a bad option and an `ArtifactError`
 * for an unusable artifact.
 */
export function createDecider(config: DeciderConfig): Decider {
  const settings = deciderSettingsOf(config);
  return deciderWith(prepareArtifact(config.artifact), settings);
}

/**
 * A decider over an artifact prepared already, configured as `createDecider` is (for tools that
 * read the prepared artifact too, such as the CLI's explain: one preparation serves both).
 */
export function deciderFor(prepared: PreparedArtifact, config: Omit<DeciderConfig, "artifact">): ArtifactDecider {
  return deciderWith(prepared, deciderSettingsOf(config));
}

/** The one place a stand-alone decider is made: the engine makes its own per loaded artifact. */
function deciderWith(prepared: PreparedArtifact, settings: DeciderSettings): ArtifactDecider {
  if (settings.client === undefined && artifactClientCodeOf(prepared.artifact) === undefined) {
    throw new ConfigError("client", "must be given: the artifact names no meta.clientCode");
  }
  const platform = platformOf(settings.platform);
  const retrieved = new Date(platform.now()).toISOString();
  const trace: ArtifactTrace = {
    artifactLocation: "Not Applicable",
    pollingInterval: 0,
    pollingHalted: true,
    artifactVersion: prepared.artifact.version,
    artifactRetrievalCount: 1,
    artifactLastRetrieved: retrieved,
    ...prepared.artifact.meta,
  };
  return new ArtifactDecider(prepared, {
    client: settings.client,
    platform,
    contexts: new ContextBuilder(settings.parseDomain),
    telemetry: new TelemetryStore(settings.telemetryEnabled),
    limits: settings.limits,
    forced: settings.forced,
    artifactTrace: () => trace,
  });
}
