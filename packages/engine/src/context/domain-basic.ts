import type { DomainParts } from "../types.js";

/**
 * A dot-count domain split with no suffix list, as Target's engine does by default: small,
 * but wrong for multi-label suffixes. Offered for bundles that cannot carry the list.
 */
export function parseDomainBasic(host: string): Partial<DomainParts> {
  const labels = host.split(".");
  switch (labels.length) {
    case 1:
      return { subdomain: "", domain: host, topLevelDomain: "" };
    case 2:
      return { subdomain: "", domain: host, topLevelDomain: labels[1] ?? "" };
    case 3:
      return { subdomain: labels[0] === "www" ? "" : (labels[0] ?? ""), domain: host, topLevelDomain: labels[2] ?? "" };
    case 4:
      return { subdomain: labels[0] === "www" ? "" : (labels[0] ?? ""), domain: host, topLevelDomain: `${labels[2]}.${labels[3]}` };
    default:
      return {};
  }
}
