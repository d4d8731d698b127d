/**
 * `@decisioning/testing`: build artifacts, pick visitors and pin time for offline tests. The
 * fake CDN and Delivery API (Node only) are in `@decisioning/testing/servers`.
 */
export { artifact, ArtifactBuilder, DEFAULT_RESPONSE_TOKENS } from "./builder.js";
export type { ActivityOptions, ArtifactOptions, ExperienceOptions, OfferSpec } from "./builder.js";
export { when } from "./conditions.js";
export type { Condition, ValueConditions } from "./conditions.js";
export { allocationOf, forceVisitor, visitorInExperience, visitorWithAllocation } from "./visitors.js";
export type { AllocationWindow, ExperienceTarget, SearchOptions } from "./visitors.js";
export { forceAllocation, forceExperience } from "./force.js";
export type { ActivitySelector } from "./force.js";
export { frozenClock } from "./clock.js";
export type { FrozenClock } from "./clock.js";
export { TestingError, TestingErrorCode } from "./errors.js";
