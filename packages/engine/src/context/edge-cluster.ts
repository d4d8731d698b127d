/**
 * Target's edge clusters. A cluster names the edge a visitor's profile lives on, and becomes the
 * Delivery API host `mboxedge<cluster>.tt.omtrdc.net`. Its value reaches us from the internet
 * (the `mboxEdgeCluster` cookie, the `PC` part of the `mbox` cookie, a tntId, an answer's
 * `edgeHost`), so only the shape Target issues is accepted: a short run of ASCII digits.
 * Anything else could choose another host (`35.evil.example:8443/`) or inject cookie attributes.
 */

/** Longest cluster accepted; Target's are one to three digits. */
const MAX_CLUSTER_DIGITS = 4;

/** Whether a value has the shape of an edge cluster Target issues (`35`). */
export function isEdgeCluster(value: unknown): value is string {
  if (typeof value !== "string" || value.length === 0 || value.length > MAX_CLUSTER_DIGITS) return false;
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code < 48 || code > 57) return false;
  }
  return true;
}

/** The value when it is an edge cluster, else undefined. */
export function edgeClusterOf(value: unknown): string | undefined {
  return isEdgeCluster(value) ? value : undefined;
}

/** The cluster a tntId was minted on (`<uuid>.<cluster>_<n>`), when it names a valid one. */
export function clusterOfTntId(tntId: unknown): string | undefined {
  if (typeof tntId !== "string") return undefined;
  const dot = tntId.indexOf(".");
  if (dot <= 0 || tntId.indexOf(".", dot + 1) !== -1) return undefined;
  const node = tntId.slice(dot + 1);
  const underscore = node.indexOf("_");
  if (underscore <= 0 || node.indexOf("_", underscore + 1) !== -1) return undefined;
  return edgeClusterOf(node.slice(0, underscore));
}

const EDGE_HOST_PREFIX = "mboxedge";
const EDGE_HOST_SUFFIX = ".tt.omtrdc.net";

/** The cluster of an edge host `mboxedge<cluster>.tt.omtrdc.net`; any other host names none. */
export function clusterOfEdgeHost(edgeHost: unknown): string | undefined {
  if (typeof edgeHost !== "string" || !edgeHost.startsWith(EDGE_HOST_PREFIX) || !edgeHost.endsWith(EDGE_HOST_SUFFIX)) return undefined;
  return edgeClusterOf(edgeHost.slice(EDGE_HOST_PREFIX.length, edgeHost.length - EDGE_HOST_SUFFIX.length));
}

/** Target's edge host for a cluster; throws for a value that is not one, so no caller can build another host. */
export function edgeHostOf(cluster: string): string {
  if (!isEdgeCluster(cluster)) throw new TypeError(`not an edge cluster: ${JSON.stringify(String(cluster).slice(0, 32))}`);
  return `${EDGE_HOST_PREFIX}${cluster}${EDGE_HOST_SUFFIX}`;
}
