import type { DecisioningConfig } from "../types.js";

/** Target's CDN host for artifacts. */
export const CDN_HOST = "assets.adobetarget.com";

/** The artifact URL: `artifactLocation`, or Target's CDN path for the client, environment and property. */
export function artifactLocationOf(config: DecisioningConfig): string {
  if (typeof config.artifactLocation === "string") return config.artifactLocation;
  const environment = config.environment ? config.environment.toLowerCase() : "production";
  const file = config.artifactFormat === "bin" ? "rules.bin" : "rules.json";
  const parts = [`https://${config.cdnBasePath || CDN_HOST}`, config.client, environment, "v1"];
  if (config.propertyToken !== undefined) parts.push(config.propertyToken);
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

/**
 * The effective refresh interval: `0` disables refreshing, anything else is raised to
 * `minimum`, and a missing or non-numeric value means the default. NaN or negative input gets
 * the default rather than a 1 ms timer, which is what the reference ends up with.
 */
export function pollingIntervalOf(value: unknown, minimum: number = MINIMUM_POLLING_INTERVAL): number {
  if (value === 0) return 0;
  const requested = typeof value === "number" && Number.isFinite(value) && value > 0 ? value : DEFAULT_POLLING_INTERVAL;
  return Math.min(MAX_TIMER_MS, Math.max(minimum, requested));
}
