// The `internal` namespace of `@decisioning/engine`: building blocks for this workspace's other
// packages (the client, the CLI, the test kit, the OpenFeature provider) and for tools that
// explain and analyse decisions. Not covered by semver: the rest of the entry is the public API.
export { ContextBuilder } from "./decide/context.js";
export type { RequestContext, UrlContext } from "./decide/context.js";
export { mboxContextOf } from "./context/mbox.js";
export { checkRequest, normalizeRequest } from "./decide/request.js";
export { cleanGeo } from "./context/geo.js";
export { prepareArtifact } from "./artifact/prepare.js";
export { deciderFor } from "./engine/decider.js";
export type { PreparedArtifact, PreparedRule } from "./artifact/prepare.js";
export { compileLogic, logicProblems, unknownOperators, truthy } from "./logic/compile.js";
export type { CompiledLogic } from "./logic/compile.js";
export { clusterOfEdgeHost, clusterOfTntId, edgeClusterOf, edgeHostOf, isEdgeCluster } from "./context/edge-cluster.js";
export { safeLogger } from "./platform/logger.js";
export type { SafeLogger } from "./platform/logger.js";
export { featuresOf, TelemetryStore, twoDecimals } from "./platform/telemetry.js";
export { defineOwn, hasOwn, isRecord } from "./util/json.js";
export { listenForAbort, ON_ABORT } from "./platform/abort.js";
export type { OnAbort } from "./platform/abort.js";
export { createArtifactLoader, DEFAULT_LOADER_TUNING } from "./loader/loader.js";
export type { ArtifactLoader, LoaderDeps, LoaderTuning } from "./loader/loader.js";
export { Lru } from "./util/lru.js";
export { engineSettingsOf } from "./config/settings.js";
