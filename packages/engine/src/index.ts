// The default entry, `@decisioning/engine`: the lean entry's API, with hosts split by the Public
// Suffix List as Target does. Only the two factories differ (they default to the list), plus
// `parseDomain` itself.
export * from "./lean.js";
export { createDecisioningEngine, createDecider } from "./engine/with-psl.js";
export { parseDomain } from "./context/domain.js";
