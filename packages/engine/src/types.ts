/**
 * Public types, in one place: the rules artifact, the Delivery API model the engine reads and
 * writes (and the client, CLI, test kit and OpenFeature provider share), the decision contract
 * and what the host lends. Field names follow Adobe's public Delivery API so that requests
 * written for Adobe's SDKs type-check unchanged.
 */
export type * from "./types/artifact.js";
export * from "./types/delivery.js";
export type * from "./types/decision.js";
export type * from "./types/platform.js";
export type * from "./types/config.js";
export type * from "./types/engine.js";
