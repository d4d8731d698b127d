/**
 * An OpenFeature server provider over the on-device engine. The engine loads the artifact and
 * keeps it fresh (polling, ETags, retries, snapshots) and makes one decider per artifact; each
 * evaluation decides one mbox synchronously with the engine's current decider, which reports
 * the rule its answer came from (variant, reason, activity and experience ids).
 */
import {
  ConfigError,
  createDecider,
  createDecisioningEngine,
  RequestError,
  type Artifact,
  type Decider,
  type DecisioningConfig,
  type DecisioningEngine,
  type NotificationPayload,
  type RuleMatch,
  internal,
} from "@decisioning/engine";
import {
  ErrorCode,
  OpenFeatureEventEmitter,
  ProviderEvents,
  StandardResolutionReasons,
  type EvaluationContext,
  type FlagMetadata,
  type JsonValue,
  type Logger,
  type Provider,
  type ResolutionDetails,
} from "@openfeature/server-sdk";
import { changedFlags, indexOf, jsonKeysOf, parseFlagKey, requestOf, type ArtifactIndex } from "./flags.js";

const { isRecord } = internal;

/**
 * Options: the engine's own configuration (`client`, `artifactLocation` or `artifactPayload`,
 * `pollingInterval`, `organizationId`, `fetchApi`, `sendNotificationFunc`, ...). `client` may be
 * left out: the artifact's `meta.clientCode` is used. With a `sendNotificationFunc`, every
 * evaluation owes Target a display notification, as a `getAttributes` call does; without one,
 * nothing is sent.
 */
export type DecisioningProviderOptions = DecisioningConfig;

type FlagType = "boolean" | "string" | "number" | "object";

/** The decider evaluations use, with its artifact indexed. */
interface Current {
  decider: Decider;
  index: ArtifactIndex;
  /** True when the engine made the decider (and may swap it); false for `setArtifact`'s. */
  fromEngine: boolean;
}

function matchesType(value: unknown, type: FlagType): boolean {
  if (type === "object") return typeof value === "object" && value !== null;
  return typeof value === type && (type !== "number" || Number.isFinite(value));
}

/** A word with its indefinite article: `a boolean`, `an object`. */
const withArticle = (word: string): string => (/^[aeiou]/.test(word) ? `an ${word}` : `a ${word}`);

/** What a value is: `a boolean`, `an object`, `an array`, `null`. */
function kindOf(value: unknown): string {
  if (value === null) return "null";
  return Array.isArray(value) ? "an array" : withArticle(typeof value);
}

function metadataOf(mbox: string, source: RuleMatch | undefined): FlagMetadata {
  const metadata: FlagMetadata = { mbox };
  if (!source) return metadata;
  const put = (key: string, value: unknown): void => {
    if (typeof value === "string" || typeof value === "number" || typeof value === "boolean") metadata[key] = value;
  };
  put("activityId", source.activity.id);
  put("activityName", source.activity.name);
  put("activityType", source.activity.type);
  put("experienceId", source.experience.id);
  put("experienceName", source.experience.name);
  return metadata;
}

/**
 * Resolves OpenFeature flags `mbox/attribute` from Adobe Target rules artifacts, on-device.
 *
 * A context without a `targetingKey` (nor `marketingCloudVisitorId` or `thirdPartyId`) names no
 * visitor. A flag chosen by audience alone still resolves; a flag whose answer comes from a
 * traffic split (an A/B test) resolves to the default value with the error
 * `TARGETING_KEY_MISSING`: without a visitor id, the split would draw a new experience on every
 * evaluation.
 */
export class DecisioningProvider implements Provider {
  /** Provider name shown by the SDK. */
  readonly metadata = { name: "decisioning" } as const;
  /** A server-side provider. */
  readonly runsOn = "server" as const;
  /** Emits `PROVIDER_CONFIGURATION_CHANGED` with the changed flag keys after each artifact update. */
  readonly events = new OpenFeatureEventEmitter();

  private engine: DecisioningEngine | undefined;
  private current: Current | undefined;
  private initialized = false;

  constructor(private readonly options: DecisioningProviderOptions) {
    const given = options as Partial<DecisioningProviderOptions> | null;
    const client = given?.client;
    if (typeof given !== "object" || given === null || (client !== undefined && (typeof client !== "string" || client === ""))) {
      throw new ConfigError(
        "client",
        "DecisioningProvider needs options: { client } (the Target client code, or the artifact's) and an artifactLocation or artifactPayload",
      );
    }
    if (client === undefined && given.artifactLocation === undefined && given.artifactPayload === undefined) {
      throw new ConfigError(
        "client",
        "DecisioningProvider needs { client } (the Target client code), or an artifactLocation or artifactPayload whose meta.clientCode it uses",
      );
    }
  }

  /** Load the first artifact (the SDK calls this from `setProvider`). Rejects when none can be had. */
  async initialize(): Promise<void> {
    const userEmitter = this.options.eventEmitter;
    // Evaluations never go through getOffers: the provider sends what they owe itself.
    const { sendNotificationFunc, ...config } = this.options;
    this.engine = await createDecisioningEngine({
      ...config,
      telemetryEnabled: sendNotificationFunc !== undefined && config.telemetryEnabled !== false,
      eventEmitter: (name, payload) => {
        // During initialize the engine is not assigned yet; the first decider is taken below.
        if (name === "artifactDownloadSucceeded" && this.engine) this.follow(this.engine.getDecider());
        return userEmitter?.(name, payload);
      },
    });
    if (!this.current) this.follow(this.engine.getDecider());
    this.initialized = true;
  }

  /** Stop refreshing the artifact and wait for pending work (the SDK calls this on shutdown). */
  async onClose(): Promise<void> {
    await this.engine?.close();
  }

  /** Decide from this artifact from now on (for artifacts you fetch yourself); emits a configuration change. */
  setArtifact(artifact: unknown): void {
    const options = this.options;
    const decider = createDecider({
      artifact,
      ...(options.client !== undefined ? { client: options.client } : {}),
      ...(options.parseDomainImpl !== undefined ? { parseDomainImpl: options.parseDomainImpl } : {}),
      ...(options.platform ? { platform: options.platform } : {}),
      ...(options.requestLimits ? { requestLimits: options.requestLimits } : {}),
      telemetryEnabled: options.sendNotificationFunc !== undefined && options.telemetryEnabled !== false,
    });
    this.use(decider, false);
  }

  /** The artifact evaluations decide with, or undefined before initialization. */
  get artifact(): Artifact | undefined {
    return this.current?.decider.artifact;
  }

  /** Take the engine's decider when it changed, unless an artifact given to `setArtifact` came later. */
  private follow(decider: Decider | undefined): void {
    if (decider && decider !== this.current?.decider) this.use(decider, true);
  }

  private use(decider: Decider, fromEngine: boolean): void {
    const previous = this.current;
    const next: Current = { decider, index: indexOf(decider), fromEngine };
    this.current = next;
    if (this.initialized) {
      this.events.emit(ProviderEvents.ConfigurationChanged, {
        flagsChanged: changedFlags(previous?.index, next.index),
        message: `artifact ${decider.artifact.version} in use`,
        metadata: { artifactVersion: decider.artifact.version },
      });
    }
  }

  /** The decider to evaluate with now: asking the engine drives its on-request refreshes. */
  private currentNow(): Current | undefined {
    if (this.engine && this.current?.fromEngine) this.follow(this.engine.getDecider());
    return this.current;
  }

  /** Resolve a boolean attribute. */
  resolveBooleanEvaluation(flagKey: string, defaultValue: boolean, context: EvaluationContext, logger: Logger): Promise<ResolutionDetails<boolean>> {
    return Promise.resolve(this.resolve(flagKey, defaultValue, context, "boolean", logger));
  }

  /** Resolve a string attribute. */
  resolveStringEvaluation(flagKey: string, defaultValue: string, context: EvaluationContext, logger: Logger): Promise<ResolutionDetails<string>> {
    return Promise.resolve(this.resolve(flagKey, defaultValue, context, "string", logger));
  }

  /** Resolve a number attribute. */
  resolveNumberEvaluation(flagKey: string, defaultValue: number, context: EvaluationContext, logger: Logger): Promise<ResolutionDetails<number>> {
    return Promise.resolve(this.resolve(flagKey, defaultValue, context, "number", logger));
  }

  /** Resolve an object attribute, or a bare mbox name to all of its attributes. */
  resolveObjectEvaluation<T extends JsonValue>(flagKey: string, defaultValue: T, context: EvaluationContext, logger: Logger): Promise<ResolutionDetails<T>> {
    return Promise.resolve(this.resolve(flagKey, defaultValue, context, "object", logger));
  }

  private resolve<T>(flagKey: string, defaultValue: T, context: EvaluationContext, type: FlagType, logger: Logger): ResolutionDetails<T> {
    const fail = (errorCode: ErrorCode, errorMessage: string, flagMetadata?: FlagMetadata): ResolutionDetails<T> => ({
      value: defaultValue,
      reason: StandardResolutionReasons.ERROR,
      errorCode,
      errorMessage,
      ...(flagMetadata ? { flagMetadata } : {}),
    });
    const current = this.currentNow();
    if (!current) return fail(ErrorCode.PROVIDER_NOT_READY, "no artifact loaded yet");
    const { mbox, attribute } = parseFlagKey(flagKey);
    const facts = current.index.mboxes.get(mbox);
    if (!facts) return fail(ErrorCode.FLAG_NOT_FOUND, `the artifact has no mbox "${mbox}" (flag keys are "mbox/attribute")`);
    if (facts.remote) return fail(ErrorCode.GENERAL, `mbox "${mbox}" cannot be decided on-device: the artifact lists it as remote (it needs the Delivery API)`);
    if (attribute !== undefined && !facts.attributes.has(attribute)) {
      return fail(ErrorCode.FLAG_NOT_FOUND, `no experience of mbox "${mbox}" sets "${attribute}"`);
    }
    if (attribute === undefined && type !== "object")
      return fail(ErrorCode.TYPE_MISMATCH, `"${flagKey}" names a whole mbox, an object: use "${mbox}/<attribute>" for a ${type}`);

    const request = requestOf(context, mbox, this.options.propertyToken);
    let result;
    try {
      result = current.decider.decide({ request }, { matches: true });
    } catch (error) {
      if (error instanceof RequestError) return fail(ErrorCode.INVALID_CONTEXT, error.message);
      return fail(ErrorCode.GENERAL, error instanceof Error ? error.message : String(error));
    }
    const matches = result.matches ?? [];
    // Attributes merge in match order, so the last rule setting the key gives its value.
    const source = [...matches].reverse().find((match) => attribute === undefined || jsonKeysOf(match.rule).includes(attribute)) ?? matches[0];
    const flagMetadata = metadataOf(mbox, source);
    if (request.id === undefined && result.allocationRead) {
      // The answer came from a traffic split, drawn for a throwaway visitor id: another evaluation
      // would draw again. Nothing is sent for it.
      return fail(
        ErrorCode.TARGETING_KEY_MISSING,
        `mbox "${mbox}" splits traffic between experiences: pass a targetingKey (the visitor id) so that each visitor keeps one`,
        { mbox },
      );
    }
    if (result.notification) this.send(result.notification, logger);

    const options = (result.response.execute?.mboxes ?? []).flatMap((item) => item.options ?? []);
    const json = options.filter((option) => option.type === "json" && isRecord(option.content));
    if (json.length === 0) return { value: defaultValue, reason: StandardResolutionReasons.DEFAULT, flagMetadata: { mbox } };

    const attributes: Record<string, unknown> = {};
    for (const option of json) Object.assign(attributes, option.content);
    const value = attribute === undefined ? attributes : attributes[attribute];
    if (value === undefined) return { value: defaultValue, reason: StandardResolutionReasons.DEFAULT, flagMetadata };
    if (!matchesType(value, type)) return fail(ErrorCode.TYPE_MISMATCH, `"${flagKey}" is ${kindOf(value)}, not ${withArticle(type)}`, flagMetadata);
    const variant = source?.experience.name ?? (source?.experience.id !== undefined ? String(source.experience.id) : undefined);
    return {
      value: value as T,
      reason: source?.split ? StandardResolutionReasons.SPLIT : StandardResolutionReasons.TARGETING_MATCH,
      ...(variant !== undefined ? { variant } : {}),
      flagMetadata,
    };
  }

  private send(payload: NotificationPayload, logger: Logger): void {
    const sender = this.options.sendNotificationFunc;
    if (!sender || !payload.request.notifications?.length) return;
    // Fire and forget, after the evaluation has returned, as the engine does.
    void Promise.resolve()
      .then(() => sender(payload))
      .catch((error: unknown) => logger.error("sending the display notification to Target failed", error));
  }
}
