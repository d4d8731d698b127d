import type { DecisioningConfig } from "../config.js";

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
