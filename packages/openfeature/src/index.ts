/** `@decisioning/openfeature`: an OpenFeature server provider deciding Adobe Target flags on-device. */
export { DecisioningProvider } from "./provider.js";
export type { DecisioningProviderOptions } from "./provider.js";
export { parseFlagKey, requestOf, RESERVED_CONTEXT_KEYS } from "./flags.js";
export type { FlagKey } from "./flags.js";
