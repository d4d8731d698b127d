import { parseDomain } from "../context/domain.js";
import type { Decider, DeciderConfig, DecisioningConfig, DecisioningEngine, ParseDomain } from "../types.js";
import { createDecider as createLeanDecider } from "./decider.js";
import { createDecisioningEngine as createLeanEngine, type LoaderFactory } from "./engine.js";

type DomainChoice = ParseDomain | "psl" | "basic" | null | undefined;

function withPsl<T extends { parseDomainImpl?: DomainChoice }>(config: T): T {
  // Non-objects go through untouched so the core reports them with its usual ConfigError.
  if (typeof config !== "object" || config === null) return config;
  const choice = config.parseDomainImpl;
  // null stands for an absent option, as everywhere in the config.
  return choice === undefined || choice === null || choice === "psl" ? { ...config, parseDomainImpl: parseDomain } : config;
}

/**
 * Create an on-device decisioning engine: resolves once the first artifact is loaded, and
 * rejects with an `ArtifactError` when none can be had. Hosts are split with the Public Suffix List.
 */
export function createDecisioningEngine<V = unknown>(config: DecisioningConfig<V>, loaderFactory?: LoaderFactory): Promise<DecisioningEngine<V>> {
  return createLeanEngine(withPsl(config), loaderFactory);
}

/**
 * Create a synchronous, zero-I/O decider for edge workers and tests; hosts are split with the
 * Public Suffix List. Throws an `ArtifactError` for an unusable artifact.
 */
export function createDecider(config: DeciderConfig): Decider {
  return createLeanDecider(withPsl(config));
}
