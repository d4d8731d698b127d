/**
 * An OpenFeature server provider over the on-device engine. The engine loads the artifact and
 * keeps it fresh (polling, ETags, retries, snapshots); each evaluation decides one mbox
 * synchronously with a decider over the current artifact, so the provider can name the rule
 * its value came from (variant, reason, activity and experience ids).
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
  type Option,
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
import { changedFlags, indexOf, parseFlagKey, requestOf, type ArtifactIndex, type RuleFacts } from "./flags.js";

const { isRecord } = internal;

/**
 * Options: the engine's own configuration (`client`, `artifactLocation` or `artifactPayload`,
 * `pollingInterval`, `organizationId`, `fetchApi`, `sendNotificationFunc`, ...). With a
 * `sendNotificationFunc`, every evaluation owes Target a display notification, as a
 * `getAttributes` call does; without one, nothing is sent.
 */
export type DecisioningProviderOptions = DecisioningConfig;

type FlagType = "boolean" | "string" | "number" | "object";

interface Current {
  artifact: Artifact;
  decider: Decider;
  index: ArtifactIndex;
}

function matchesType(value: unknown, type: FlagType): boolean {
  if (type === "object") return typeof value === "object" && value !== null;
  return typeof value === type && (type !== "number" || Number.isFinite(value));
}

function metadataOf(mbox: string, facts: RuleFacts | undefined, option: Option | undefined): FlagMetadata {
  const metadata: FlagMetadata = { mbox };
  const tokens = isRecord(option?.responseTokens) ? option.responseTokens : {};
  const put = (key: string, value: unknown): void => {
    if (typeof value === "string" || typeof value === "number" || typeof value === "boolean") metadata[key] = value;
  };
  put("activityId", facts?.activityId ?? tokens["activity.id"]);
  put("activityName", facts?.activityName ?? tokens["activity.name"]);
  put("activityType", facts?.activityType);
  put("experienceId", facts?.experienceId ?? tokens["experience.id"]);
  put("experienceName", facts?.experienceName ?? tokens["experience.name"]);
  return metadata;
}

/** Resolves OpenFeature flags `mbox/attribute` from Adobe Target rules artifacts, on-device. */
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
    if (typeof options !== "object" || options === null || typeof options.client !== "string" || options.client === "") {
      throw new ConfigError("client", "DecisioningProvider needs { client } (the Target client code) and an artifactLocation or artifactPayload");
    }
  }

  /** Load the first artifact (the SDK calls this from `setProvider`). Rejects when none can be had. */
  async initialize(): Promise<void> {
    const userEmitter = this.options.eventEmitter;
    // The engine sends nothing itself: evaluations never go through getOffers.
    const { sendNotificationFunc: _unused, ...config } = this.options;
    this.engine = await createDecisioningEngine({
      ...config,
      eventEmitter: (name, payload) => {
        if (name === "artifactDownloadSucceeded" && isRecord(payload) && payload.artifactPayload !== undefined) this.use(payload.artifactPayload);
        return userEmitter?.(name, payload);
      },
    });
    if (!this.current) this.use(this.engine.getRawArtifact());
    this.initialized = true;
  }

  /** Stop refreshing the artifact and wait for pending work (the SDK calls this on shutdown). */
  async onClose(): Promise<void> {
    await this.engine?.close();
  }

  /** Decide from this artifact from now on (for artifacts you fetch yourself); emits a configuration change. */
  setArtifact(artifact: unknown): void {
    this.use(artifact);
  }

  /** The artifact evaluations decide with, or undefined before initialization. */
  get artifact(): Artifact | undefined {
    return this.current?.artifact;
  }

  private use(artifact: unknown): void {
    const previous = this.current;
    const decider = createDecider({
      client: this.options.client,
      artifact,
      ...(this.options.parseDomainImpl !== undefined ? { parseDomainImpl: this.options.parseDomainImpl } : {}),
      ...(this.options.platform ? { platform: this.options.platform } : {}),
      ...(this.options.requestLimits ? { requestLimits: this.options.requestLimits } : {}),
      telemetryEnabled: this.options.sendNotificationFunc !== undefined && this.options.telemetryEnabled !== false,
    });
    const next: Current = { artifact: decider.artifact, decider, index: indexOf(decider.artifact, decider) };
    this.current = next;
    if (this.initialized) {
      this.events.emit(ProviderEvents.ConfigurationChanged, {
        flagsChanged: changedFlags(previous?.index, next.index),
        message: `artifact ${next.artifact.version} in use`,
        metadata: { artifactVersion: next.artifact.version },
      });
    }
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
    const current = this.current;
    if (!current) return fail(ErrorCode.PROVIDER_NOT_READY, "no artifact loaded yet");
    const { mbox, attribute } = parseFlagKey(flagKey);
    const facts = current.index.mboxes.get(mbox);
    if (!facts) return fail(ErrorCode.FLAG_NOT_FOUND, `the artifact has no mbox "${mbox}" (flag keys are "mbox/attribute")`);
    if (facts.remote) return fail(ErrorCode.GENERAL, `mbox "${mbox}" cannot be decided on-device: the artifact lists it as remote (it needs the Delivery API)`);
    if (attribute !== undefined && !facts.attributes.has(attribute)) {
      return fail(ErrorCode.FLAG_NOT_FOUND, `no experience of mbox "${mbox}" sets "${attribute}"`);
    }
    if (attribute === undefined && type !== "object") return fail(ErrorCode.TYPE_MISMATCH, `"${flagKey}" names a whole mbox, an object: use "${mbox}/<attribute>" for a ${type}`);

    let result;
    try {
      result = current.decider.decide({ request: requestOf(context, mbox, this.options.propertyToken) });
    } catch (error) {
      if (error instanceof RequestError) return fail(ErrorCode.INVALID_CONTEXT, error.message);
      return fail(ErrorCode.GENERAL, error instanceof Error ? error.message : String(error));
    }
    if (result.notification) this.send(result.notification, logger);

    const options = (result.response.execute?.mboxes ?? []).flatMap((item) => item.options ?? []);
    const json = options.filter((option) => option.type === "json" && isRecord(option.content));
    // Display notifications carry the event tokens of the rules that answered, in rule order.
    const tokens = (result.notification?.request.notifications ?? []).flatMap((n) => n.tokens ?? []);
    const rules: RuleFacts[] = [];
    for (const token of tokens) {
      const found = current.index.tokens.get(token);
      if (found && !rules.includes(found)) rules.push(found);
    }
    if (json.length === 0) return { value: defaultValue, reason: StandardResolutionReasons.DEFAULT, flagMetadata: { mbox } };

    const attributes: Record<string, unknown> = {};
    for (const option of json) Object.assign(attributes, option.content);
    const value = attribute === undefined ? attributes : attributes[attribute];
    // Later offers overwrite earlier ones when attributes merge, so the last rule setting the key wins.
    const source = [...rules].reverse().find((rule) => attribute === undefined || (rule.rule.consequence.options ?? []).some((o) => o.type === "json" && isRecord(o.content) && attribute in o.content)) ?? rules[0];
    const sourceOption = json.find((option) => attribute === undefined || attribute in (option.content as object));
    const flagMetadata = metadataOf(mbox, source, sourceOption);
    if (value === undefined) return { value: defaultValue, reason: StandardResolutionReasons.DEFAULT, flagMetadata };
    if (!matchesType(value, type)) {
      return fail(ErrorCode.TYPE_MISMATCH, `"${flagKey}" is ${Array.isArray(value) ? "an array" : value === null ? "null" : `a ${typeof value}`}, not a ${type}`, flagMetadata);
    }
    const variant = source?.experienceName ?? (flagMetadata.experienceName as string | undefined) ?? (flagMetadata.experienceId !== undefined ? String(flagMetadata.experienceId) : undefined);
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

