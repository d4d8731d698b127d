import type { PreparedRule } from "../artifact/prepare.js";
import type { ModeRequest, ModeResponse, RequestDetails } from "../types.js";
import { copyJson, copyWith, isRecord } from "../util/json.js";
import { evaluate } from "./evaluate.js";
import type { ItemData, Mode, RequestState } from "./request-state.js";
import { shapeMatch, stamp } from "./shape.js";
import { ModeTracer, TraceMark, traceProfile } from "./trace.js";

const NO_RULES: readonly PreparedRule[] = [];

/** Decisions for one mode of the request. */
export class ModeDecider {
  private readonly tracer: ModeTracer | undefined;

  constructor(
    private readonly state: RequestState,
    private readonly mode: Mode,
  ) {
    const { request, prepared, env, sessionId } = state;
    this.tracer =
      request.trace !== undefined
        ? new ModeTracer(
            {
              clientCode: env.client,
              artifact: env.artifactTrace(),
              profile: traceProfile(request.id as Record<string, unknown> | undefined),
              sessionId,
            },
            prepared.artifact.meta?.environment,
          )
        : undefined;
  }

  private traceRequest(type: "mbox" | "view", item: Record<string, unknown>): void {
    const { page } = this.state.context;
    this.tracer?.traceRequest(this.mode, type, item, page.url, page.domain);
  }

  /** An mbox (at `at` in the mode's list): first matching rule, or every rule for the global mbox. */
  mbox(request: Record<string, unknown>, at: number): Array<Record<string, unknown>> {
    const { state, mode, tracer } = this;
    const { prepared } = state;
    const isGlobal = request.name === prepared.globalMbox;
    this.traceRequest("mbox", request);
    const rules = state.tables.servingRules(prepared.mboxes.get(String(request.name)) ?? NO_RULES, state.propertyToken);
    const results: Array<Record<string, unknown>> = [];
    let data: ItemData | undefined;
    for (const rule of rules) {
      data ??= state.itemData(request);
      if (isGlobal && state.keyMatched(rule, data)) continue;
      if (!evaluate(state, rule, data, tracer)) continue;
      const shaped = shapeMatch(state, rule, request, mode, "mbox", tracer);
      if (tracer) shaped.trace = tracer.mark(false);
      if (state.matches !== undefined) state.recordMatch(rule, mode, "mbox", at, String(request.name));
      // One match ends an mbox; a literal list of it is smaller than pushing onto `[]`.
      if (!isGlobal) return [shaped];
      results.push(shaped);
      state.markMatched(rule, data);
    }
    if (!isGlobal && results.length === 0) {
      // Built key by key: deleting undefined keys afterwards made each blank a dictionary-mode object.
      const blank: Record<string, unknown> = {};
      if (request.name !== undefined) blank.name = request.name;
      if (request.index !== undefined) blank.index = request.index;
      if (tracer) blank.trace = tracer.mark(true);
      return [blank];
    }
    return results;
  }

  /** A view (at `at` in the mode's list): matched consequences merged by name. */
  view(request: Record<string, unknown>, at: number): Array<Record<string, unknown>> {
    const { state, mode, tracer } = this;
    const { prepared } = state;
    this.traceRequest("view", request);
    const named = Object.prototype.hasOwnProperty.call(request, "name") && request.name !== undefined;
    const rules = state.tables.servingRules(named ? (prepared.views.get(String(request.name)) ?? NO_RULES) : prepared.allViews, state.propertyToken);
    // A null-prototype record orders names exactly as Target's plain object does.
    const byName: Record<string, Record<string, unknown>> = Object.create(null) as Record<string, Record<string, unknown>>;
    let data: ItemData | undefined;
    for (const rule of rules) {
      data ??= state.itemData(request);
      if (state.keyMatched(rule, data)) continue;
      if (!evaluate(state, rule, data, tracer)) continue;
      const shaped = shapeMatch(state, rule, request, mode, "view", tracer);
      // A later match merged into the same view keeps the first one's trace.
      if (tracer) shaped.trace = tracer.mark(false);
      state.markMatched(rule, data);
      const name = String(shaped.name);
      if (state.matches !== undefined) state.recordMatch(rule, mode, "view", at, name);
      const earlier = byName[name];
      if (!earlier) {
        byName[name] = shaped;
        continue;
      }
      const metrics = [...asArray(earlier.metrics), ...asArray(shaped.metrics)];
      const merged: Record<string, unknown> = { ...earlier, options: [...asArray(earlier.options), ...asArray(shaped.options)] };
      // Execute views may carry no metrics at all; Target throws there, we merge what exists.
      if (metrics.length > 0 || earlier.metrics !== undefined || shaped.metrics !== undefined) merged.metrics = metrics;
      byName[name] = merged;
    }
    return Object.keys(byName).map((name) => byName[name] as Record<string, unknown>);
  }

  /**
   * The page load: every global-mbox rule, options and metrics pooled as rules match. The
   * same options, metrics and notifications as shaping each match like an mbox and pooling
   * afterwards, without building the per-match response items nobody sees (a page load
   * matches a rule per activity). Its trace is its last match's, live (see TraceMark).
   */
  pageLoad(details: RequestDetails): Record<string, unknown> {
    const { state, mode, tracer } = this;
    const { prepared } = state;
    const request = copyWith<Record<string, unknown>>(details, { name: prepared.globalMbox });
    if (tracer) this.traceRequest("mbox", request);
    const rules = state.tables.servingRules(prepared.mboxes.get(prepared.globalMbox) ?? NO_RULES, state.propertyToken);
    const options: unknown[] = [];
    let metricsByToken: Record<string, unknown> | undefined;
    let trace: TraceMark | undefined;
    let data: ItemData | undefined;
    for (const rule of rules) {
      data ??= state.itemData(request);
      if (state.keyMatched(rule, data)) continue;
      if (!evaluate(state, rule, data, tracer)) continue;
      state.markMatched(rule, data);
      if (state.matches !== undefined) state.recordMatch(rule, mode, "pageLoad", 0, prepared.globalMbox);
      const plan = state.tables.planFor(rule);
      if (mode === "execute") {
        state.queueNotification(rule, plan, tracer);
        for (const option of plan.options) if (option.execute) options.push(stamp(state, plan, option, option.execute, request));
        for (const metric of plan.clickMetrics) {
          if (isRecord(metric)) (metricsByToken ??= Object.create(null) as Record<string, unknown>)[String(metric.eventToken)] = copyJson(metric);
        }
      } else {
        for (const option of plan.options) options.push(stamp(state, plan, option, option.prefetch, request));
      }
      if (tracer) trace = tracer.mark(true);
    }
    const result: Record<string, unknown> = { options };
    if (trace) result.trace = trace;
    if (metricsByToken) result.metrics = Object.keys(metricsByToken).map((token) => (metricsByToken as Record<string, unknown>)[token]);
    return result;
  }

  /** Decide the mode, then build the traces its items kept. */
  run(modeRequest: ModeRequest): ModeResponse {
    const response: ModeResponse = {};
    if (modeRequest.mboxes) {
      const requested = modeRequest.mboxes;
      if (requested.length === 1) {
        // The usual single mbox: its own fresh list of results is the mode's list.
        response.mboxes = this.mbox(requested[0] as Record<string, unknown>, 0);
      } else {
        const mboxes: Array<Record<string, unknown>> = [];
        for (let i = 0; i < requested.length; i++) for (const result of this.mbox(requested[i] as Record<string, unknown>, i)) mboxes.push(result);
        response.mboxes = mboxes;
      }
    }
    if (modeRequest.views) {
      const views: Array<Record<string, unknown>> = [];
      const requested = modeRequest.views;
      for (let i = 0; i < requested.length; i++) for (const result of this.view(requested[i] as Record<string, unknown>, i)) views.push(result);
      response.views = views;
    }
    if (modeRequest.pageLoad) response.pageLoad = this.pageLoad(modeRequest.pageLoad);
    if (this.tracer) buildTraces(this.tracer, response);
    return response;
  }
}

/** Replace the trace marks of a mode's response items by their traces, once the mode has ended. */
function buildTraces(tracer: ModeTracer, response: ModeResponse): void {
  const items: Array<{ trace?: unknown }> = [...(response.mboxes ?? []), ...(response.views ?? [])];
  if (response.pageLoad) items.push(response.pageLoad);
  for (const item of items) {
    if (item.trace instanceof TraceMark) item.trace = tracer.trace(item.trace);
  }
}

function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}
