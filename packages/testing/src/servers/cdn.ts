/** A fake artifact CDN: the artifact (and its `rules.bin` form) with ETags, `304`s and scripted faults. */
import { internal } from "@decisioning/engine";
import { etagOf } from "./bodies.js";
import { obfuscateArtifact } from "./obfuscate.js";
import { startServer } from "./server.js";
import type { FakeCdn, FakeCdnOptions, Route } from "./types.js";

const { isRecord } = internal;

/** Start a fake CDN on 127.0.0.1 serving `options.artifact`. */
export async function startFakeCdn(options: FakeCdnOptions): Promise<FakeCdn> {
  const meta = isRecord(options.artifact) && isRecord(options.artifact.meta) ? options.artifact.meta : {};
  const client = typeof meta.clientCode === "string" ? meta.clientCode : "acme";
  const path = options.path ?? `/${client}/production/v1/rules.json`;
  const binPath = options.organizationId !== undefined ? `${path.replace(/\.json$/, "")}.bin` : undefined;
  const routesOf = (artifact: unknown): Record<string, Route> => {
    const json: Route = options.headers ? { body: artifact, headers: options.headers } : { body: artifact };
    if (binPath === undefined || options.organizationId === undefined) return { [path]: json };
    return { [path]: json, [binPath]: { ...json, body: obfuscateArtifact(artifact, options.organizationId) } };
  };
  let etag = etagOf(options.artifact);
  const { server } = await startServer({ port: options.port, record: options.record, name: "fake CDN", mainPath: path, routes: routesOf(options.artifact) });
  const setRoute = server.setRoute;
  return {
    ...server,
    setRoute(routePath, route) {
      setRoute(routePath, route);
      if (routePath === path) etag = route.etag === false ? "" : (route.etag ?? etagOf(route.body));
    },
    artifactUrl: server.url(path),
    binUrl: binPath !== undefined ? server.url(binPath) : undefined,
    get etag() {
      return etag;
    },
    setArtifact(artifact) {
      for (const [routePath, route] of Object.entries(routesOf(artifact))) setRoute(routePath, route);
      etag = etagOf(artifact);
    },
  };
}
