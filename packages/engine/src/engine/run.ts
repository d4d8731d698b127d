import type { PreparedArtifact } from "../artifact/prepare.js";
import type { ContextBuilder } from "../decide/context.js";
import { decide, type DecideEnvironment } from "../decide/decide.js";
import { cleanGeo } from "../context/geo.js";
import { checkRequest, normalizeRequest } from "../decide/request.js";
import { featuresOf, twoDecimals, type TelemetryStore } from "../platform/telemetry.js";
import type { ArtifactTrace, DecideResult, Geo, GetOffersOptions, NotificationPayload, Platform, RequestLimits } from "../types.js";

/**
 * What one decision needs besides the artifact and the request. It is also the decision's
 * environment (`client`, `now`, `uuid`, …), handed on as is rather than copied per decision.
 */
export interface RunDeps extends DecideEnvironment {
  platform: Pick<Platform, "now" | "monotonic" | "uuid">;
  telemetry: TelemetryStore;
  limits: RequestLimits;
}

/** Decision dependencies over a platform: its clock and ids serve the decision too. */
export function runDepsOf(
  platform: Pick<Platform, "now" | "monotonic" | "uuid">,
  given: { client: string; contexts: ContextBuilder; telemetry: TelemetryStore; limits: RequestLimits; artifactTrace: () => ArtifactTrace },
): RunDeps {
  return { ...given, platform, now: platform.now, uuid: platform.uuid };
}

/**
 * Check, normalize and decide one request synchronously. `geo` is the request's geo context
 * after any lookup (the caller does the I/O); without it the request's own geo is used.
 */
export function runDecision(prepared: PreparedArtifact, options: GetOffersOptions, deps: RunDeps, geo?: Geo, checked = false): DecideResult {
  const started = deps.platform.monotonic();
  if (!checked) checkRequest(options, deps.limits);
  const request = normalizeRequest(
    options.request,
    options.targetLocationHint,
    deps.platform.uuid,
    geo ?? cleanGeo(options.request.context?.geo ?? undefined),
  );
  const parsed = deps.platform.monotonic();
  const decision = decide(prepared, request, deps, options.sessionId);
  const { telemetry } = deps;
  telemetry.add({
    requestId: request.requestId,
    timestamp: decision.timestamp,
    execution: twoDecimals(deps.platform.monotonic() - started),
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
  return { response: decision.response, request, notification };
}
