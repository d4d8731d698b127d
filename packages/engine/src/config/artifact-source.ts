import type { DecisioningConfig } from "../types.js";

/** Target's CDN host for artifacts. */
export const CDN_HOST = "assets.adobetarget.com";

/** The artifact URL: `artifactLocation`, or Target's CDN path for the client, environment and property. */
export function artifactLocationOf(config: DecisioningConfig): string {
  if (typeof config.artifactLocation === "string") return config.artifactLocation;
  const environment = config.environment ? config.environment.toLowerCase() : "production";
  const file = config.artifactFormat === "bin" ? "rules.bin" : "rules.json";
  const parts = [`https://${config.cdnBasePath || CDN_HOST}`, config.client ?? "", environment, "v1"];
  if (config.propertyToken !== undefined && config.propertyToken !== null) parts.push(config.propertyToken);
  parts.push(file);
  return parts.join("/");
}

/** `bin` when configured or when the location ends in `.bin`, else `json`. */
export function artifactFormatOf(config: DecisioningConfig, location: string): "json" | "bin" {
  if (typeof config.artifactFormat === "string") return config.artifactFormat === "bin" ? "bin" : "json";
  return /\.bin$/i.test(location) ? "bin" : "json";
}

/** Default ms between artifact refreshes. */
export const DEFAULT_POLLING_INTERVAL = 300000;
/** Shortest refresh interval users may ask for: Target's CDN is not meant to be polled faster. */
export const MINIMUM_POLLING_INTERVAL = 300000;
/** Longest delay timers accept; larger values fire at once in browsers and Node. */
export const MAX_TIMER_MS = 2 ** 31 - 1;
/** Default per-request timeout for artifact downloads, in ms. */
export const DEFAULT_ARTIFACT_REQUEST_TIMEOUT = 10000;
/** Default cap on an artifact body, in bytes (real artifacts are well under 5 MiB). */
export const DEFAULT_MAX_ARTIFACT_BYTES = 50 * 1024 * 1024;

/**
 * The effective refresh interval of a checked `pollingInterval`: `0` disables refreshing,
 * anything else is raised to `minimum` (and held under the longest timer), and absence means
 * the default.
 */
export function pollingIntervalOf(value: number | undefined, minimum: number = MINIMUM_POLLING_INTERVAL): number {
  if (value === 0) return 0;
  return Math.min(MAX_TIMER_MS, Math.max(minimum, value ?? DEFAULT_POLLING_INTERVAL));
}
