/**
 * The decisioning engine's configuration as a client starts it: the client's options, its
 * logger, events and platform, and its notification queue as the sender of decisions'
 * notifications.
 */
import type { DecisioningConfig, FetchApi, NotificationPayload } from "@decisioning/engine";
import type { Call } from "./call.js";
import type { TargetClientOptions } from "./options.js";

/** What the client lends its engine. */
export interface EngineHost {
  logger: NonNullable<DecisioningConfig["logger"]>;
  fetchApi: FetchApi;
  emit: (name: string, payload?: Record<string, unknown>) => void;
  /** Takes a decision's notification payload (the client's queue). */
  enqueue: (payload: NotificationPayload<Call>) => void;
  /** Resolves once the queue has sent (or dropped) what it holds. */
  whenSettled: () => Promise<void>;
}

function withoutUndefined<T extends Record<string, unknown>>(object: T): T {
  for (const key of Object.keys(object)) if (object[key] === undefined) delete object[key];
  return object;
}

/** The engine configuration of a client made with `options`. */
export function engineConfigOf(options: TargetClientOptions, host: EngineHost): DecisioningConfig<Call> {
  const given = options.platform ?? {};
  const platform = withoutUndefined({
    now: given.now,
    monotonic: given.monotonic,
    setTimeout: given.setTimeout,
    clearTimeout: given.clearTimeout,
    random: given.random,
    uuid: given.uuid,
  });
  const config: DecisioningConfig<Call> = withoutUndefined({
    ...options.engineOptions,
    client: options.client,
    organizationId: options.organizationId,
    pollingInterval: options.pollingInterval,
    maximumWaitReady: options.maximumWaitReady,
    artifactFormat: options.artifactFormat,
    artifactLocation: options.artifactLocation,
    artifactPayload: options.artifactPayload,
    propertyToken: options.propertyToken,
    environment: options.environment,
    cdnEnvironment: options.cdnEnvironment,
    cdnBasePath: options.cdnBasePath,
    logger: host.logger,
    telemetryEnabled: options.telemetryEnabled !== false,
    fetchApi: host.fetchApi,
    eventEmitter: host.emit,
    // Queued, not sent: the engine's hand-off never waits for the Delivery API. The queue is
    // bounded and sends on a later tick, so the engine hands over at once rather than queueing too.
    sendNotificationFunc: host.enqueue,
    notificationHandoff: "immediate" as const,
    platform: { ...options.engineOptions?.platform, ...platform },
  });
  const waitUntil = options.engineOptions?.waitUntil;
  // The engine hands the host its notification hand-offs; the host must also wait for the sends.
  if (typeof waitUntil === "function") config.waitUntil = (task) => waitUntil(task.finally(() => host.whenSettled()));
  return config;
}
