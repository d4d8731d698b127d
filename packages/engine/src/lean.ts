// The lean entry, `@decisioning/engine/lean`: the default entry's API without the Public Suffix
// List, for bundles with a size budget. Hosts are split by `parseDomainBasic` (Target's own
// dot-count rule) unless `parseDomainImpl` is a function. The default entry re-exports all of this.
export { createDecisioningEngine } from "./engine/engine.js";
export type { DecisioningEngine, LoaderFactory } from "./engine/engine.js";
export { createDecider } from "./engine/decider.js";
export type { Decider, DeciderConfig } from "./engine/decider.js";
export type { DecideResult } from "./engine/run.js";
export type { DecisioningConfig, RefreshMode } from "./config.js";
export { validateArtifact, SUPPORTED_MAJOR_VERSION } from "./artifact/validate.js";
export { prepareArtifact, DEFAULT_GLOBAL_MBOX } from "./artifact/prepare.js";
export type { PreparedArtifact, PreparedRule } from "./artifact/prepare.js";
export { deobfuscate } from "./artifact/obfuscation.js";
export { DEFAULT_REQUEST_LIMITS } from "./decide/request.js";
export type { RequestLimits } from "./decide/request.js";
export { artifactLocationOf, artifactFormatOf } from "./loader/location.js";
export type { Snapshot, SnapshotStore } from "./loader/snapshot.js";
// Snapshot stores that need no Node: a KV namespace (Workers KV and the like) or memory.
export { kvSnapshotStore, memorySnapshotStore } from "./loader/snapshot.js";
export type { KeyValueNamespace } from "./loader/snapshot.js";
export { platformOf, randomId } from "./platform/platform.js";
export type { Platform } from "./platform/platform.js";
export { ArtifactError, ConfigError, DecisioningError, ErrorCode, RequestError } from "./errors.js";
export type * from "./types.js";
// Building blocks for tools that explain and analyse decisions; `parseDomain` (the Public Suffix
// List) is deliberately absent here.
export { compileLogic, logicProblems, unknownOperators, truthy } from "./logic/compile.js";
export type { CompiledLogic } from "./logic/compile.js";
export { allocationOf, deviceKeyOf, visitorIdOf } from "./allocation.js";
export { ContextBuilder } from "./decide/context.js";
export type { RequestContext, UrlContext } from "./decide/context.js";
export { mboxContextOf } from "./context/mbox.js";
export { checkRequest, cleanGeo, normalizeRequest } from "./decide/request.js";
// Edge clusters arrive in cookies and answers: one definition of the shape Target issues.
export { clusterOfEdgeHost, clusterOfTntId, edgeClusterOf, edgeHostOf, isEdgeCluster } from "./context/edge-cluster.js";
