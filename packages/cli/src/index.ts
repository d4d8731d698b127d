/**
 * `@decisioning/cli` as a library: the analyses behind the `decisioning` binary, for scripts
 * and CI checks that want the data rather than the text.
 */
export { run, COMMANDS } from "./main.js";
export type { Io } from "./io.js";
export { CliError, CliErrorCode } from "./errors.js";
export { createExplainer, explainRequest } from "./analysis/explain.js";
export type {
  ConditionExplanation,
  Explainer,
  Explanation,
  ExplainInput,
  ItemExplanation,
  RuleExplanation,
  RuleStatus,
  VisitorSource,
} from "./analysis/explain.js";
export { validateDeep } from "./analysis/validate.js";
export type { Issue, IssueCode, Severity, ValidationReport } from "./analysis/validate.js";
export { inspectArtifact } from "./analysis/inspect.js";
export type { ActivitySummary, AudienceSummary, ExperienceSummary, Inspection, LocationSummary } from "./analysis/inspect.js";
export { diffArtifacts, estimateImpact, sampleVisitorIds } from "./analysis/diff.js";
export type { ActivityChange, ActivityRef, ArtifactDiff, EstimateInput, ImpactEstimate, ListChange } from "./analysis/diff.js";
export { allocationValueOf, bucketOf, formatRange, rangeOf, splitConditionOf } from "./analysis/allocation.js";
export type { AllocationInterval, AllocationRange, Buckets, SplitCondition } from "./analysis/allocation.js";
export { createDeliveryServer } from "./server.js";
export type { DeliveryServer, DeliveryServerOptions, ServedRequest, TracePolicy } from "./server.js";
export { createForwarder, DropReason } from "./serve/forwarder.js";
export type { Forwarder, ForwarderOptions, ForwarderStats, ForwardJob, SubmitResult } from "./serve/forwarder.js";
export type { RefreshOutcome, SourceStatus } from "./serve/source.js";
