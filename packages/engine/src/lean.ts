// The lean entry, `@decisioning/engine/lean`: the default entry's API without the Public Suffix
// List, for bundles with a size budget. Hosts are split by `parseDomainBasic` (Target's own
// dot-count rule) unless `parseDomainImpl` is a function. The default entry re-exports all of this.
export { createDecisioningEngine } from "./engine/engine.js";
export type { LoaderFactory } from "./engine/engine.js";
export { createDecider } from "./engine/decider.js";
export { validateArtifact, SUPPORTED_MAJOR_VERSION } from "./artifact/validate.js";
export { DEFAULT_GLOBAL_MBOX } from "./artifact/prepare.js";
export { deobfuscate } from "./artifact/obfuscation.js";
export { DEFAULT_REQUEST_LIMITS } from "./config/limits.js";
export { artifactLocationOf, artifactFormatOf } from "./config/artifact-source.js";
// Snapshot stores that need no Node: a KV namespace (Workers KV and the like) or memory.
export { kvSnapshotStore, memorySnapshotStore } from "./loader/snapshot.js";
export { platformOf, randomId } from "./platform/platform.js";
export { ArtifactError, ConfigError, DecisioningError, ErrorCode, RequestError } from "./errors.js";
export * from "./types.js";
// The visitor's allocation (Target's MurmurHash3 bucket), for tools that predict experiences.
export { allocationOf, deviceKeyOf, visitorIdOf } from "./allocation.js";
// Building blocks for this workspace's other packages and for tools that explain decisions: a
// namespace (as LaunchDarkly's SDKs keep theirs) rather than a subpath, so that a bundler alias
// of `@decisioning/engine` to the lean build carries it along. Not covered by semver.
export * as internal from "./internal.js";
