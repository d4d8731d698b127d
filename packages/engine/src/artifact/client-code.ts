import type { Artifact, ClientMismatch } from "../types.js";

/** The client code an artifact was published for (`meta.clientCode`), if it says. */
export function artifactClientCodeOf(artifact: Artifact): string | undefined {
  const code = artifact.meta?.clientCode;
  return typeof code === "string" && code !== "" ? code : undefined;
}

/**
 * Both codes when `client` differs from the artifact's `meta.clientCode`. Allocations hash the
 * client code, so deciding another client's artifact gives visitors other experiences than
 * Target does; Adobe's own conformance suite does it on purpose, so it is reported, not refused.
 */
export function clientMismatchOf(client: string, artifact: Artifact): ClientMismatch | undefined {
  const artifactClientCode = artifactClientCodeOf(artifact);
  return artifactClientCode === undefined || artifactClientCode === client ? undefined : { client, artifactClientCode };
}

/** The warning for a mismatch, naming both codes. */
export function clientMismatchMessage(mismatch: ClientMismatch, location: string): string {
  return (
    `client "${mismatch.client}" differs from the artifact's meta.clientCode "${mismatch.artifactClientCode}" (${location}): ` +
    `allocations are computed for "${mismatch.client}", so visitors may get other experiences than Target gives them`
  );
}
