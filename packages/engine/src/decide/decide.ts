import type { DecidedResponse, DeliveryRequest, Notification, RuleMatch } from "../types.js";
import { ModeDecider } from "./mode.js";
import { remoteDependencyOf } from "./remote.js";
import { RequestState, type DecideEnvironment } from "./request-state.js";
import type { DecisionTables } from "./tables.js";

export type { DecideEnvironment } from "./request-state.js";

/** A decision: the response, plus the display notifications it owes Target. */
export interface Decision {
  response: DecidedResponse;
  notifications: Notification[];
  /** The wall-clock time the decision was made at (ms since epoch). */
  timestamp: number;
  /** The rules that answered, when asked for. */
  matches: RuleMatch[] | undefined;
  /** Whether a condition read the visitor's allocation. */
  allocationRead: boolean;
}

/**
 * Decide a normalized request against the artifact of a decider's tables: pure and
 * synchronous. The request must already carry its visitor ids and request id (see
 * `normalizeRequest`).
 */
export function decide(
  tables: DecisionTables,
  request: DeliveryRequest,
  env: DecideEnvironment,
  sessionId: string | undefined,
  reportMatches: boolean,
): Decision {
  // One clock read serves the context's time and the notifications' timestamp.
  const now = env.now();
  const context = env.contexts.request(request.context ?? {}, now);
  const state = new RequestState(tables, request, context, env, sessionId, now, reportMatches);
  const dependency = remoteDependencyOf(tables.prepared, request);
  const response: DecidedResponse = {
    status: dependency.remoteNeeded ? 206 : 200,
    remoteMboxes: dependency.remoteMboxes,
    remoteViews: dependency.remoteViews,
    requestId: request.requestId as string,
    id: { ...request.id },
    client: env.client,
  };
  if (request.execute) response.execute = new ModeDecider(state, "execute").run(request.execute);
  if (request.prefetch) response.prefetch = new ModeDecider(state, "prefetch").run(request.prefetch);
  return { response, notifications: state.notifications ?? [], timestamp: now, matches: state.matches, allocationRead: state.allocationRead };
}
