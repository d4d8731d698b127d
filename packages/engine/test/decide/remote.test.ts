import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { prepareArtifact, type PreparedArtifact } from "../../src/artifact/prepare.js";
import { remoteDependencyOf } from "../../src/decide/remote.js";
import type { Artifact, DeliveryRequest } from "../../src/index.js";

function prepared(lists: { remoteMboxes?: string[]; localMboxes?: string[]; remoteViews?: string[]; localViews?: string[] }): PreparedArtifact {
  return prepareArtifact({
    version: "1.0.0",
    meta: { clientCode: "acme" },
    globalMbox: "target-global-mbox",
    geoTargetingEnabled: false,
    responseTokens: [],
    remoteMboxes: lists.remoteMboxes ?? [],
    localMboxes: lists.localMboxes ?? [],
    remoteViews: lists.remoteViews ?? [],
    localViews: lists.localViews ?? [],
    rules: { mboxes: {}, views: {} },
  } as unknown as Artifact);
}

/** The rule written as plainly as possible, with sets: the oracle for the property below. */
function plainRemoteDependency(artifact: PreparedArtifact, request: DeliveryRequest) {
  const modes = ["prefetch", "execute"] as const;
  const names = (key: "mboxes" | "views") => {
    const found = new Set<unknown>();
    for (const mode of modes)
      for (const item of (request[mode]?.[key] as Array<{ name?: unknown }> | undefined) ?? []) if (item.name !== undefined) found.add(item.name);
    return found;
  };
  const mboxes = names("mboxes");
  if (request.execute?.pageLoad || request.prefetch?.pageLoad) mboxes.add("target-global-mbox");
  const views = names("views");
  const remoteMboxes = new Set<unknown>(artifact.remoteMboxes.filter((name) => mboxes.has(name)));
  for (const name of mboxes) if (!artifact.localMboxes.has(name)) remoteMboxes.add(name);
  const viewsRequested = modes.some((mode) => Array.isArray(request[mode]?.views));
  let remoteViews: Set<unknown>;
  if (viewsRequested && views.size === 0) remoteViews = new Set(artifact.remoteViews);
  else {
    remoteViews = new Set(artifact.remoteViews.filter((name) => views.has(name)));
    for (const name of views) if (!artifact.localViews.has(name)) remoteViews.add(name);
  }
  return { remoteNeeded: remoteMboxes.size > 0 || remoteViews.size > 0, remoteMboxes: [...remoteMboxes], remoteViews: [...remoteViews] };
}

describe("remoteDependencyOf", () => {
  it("needs nothing remote when every requested name is local", () => {
    const artifact = prepared({ localMboxes: ["a", "target-global-mbox"], localViews: ["home"] });
    const request = { execute: { pageLoad: {}, mboxes: [{ name: "a" }] }, prefetch: { views: [{ name: "home" }] } } as DeliveryRequest;
    expect(remoteDependencyOf(artifact, request)).toEqual({ remoteNeeded: false, remoteMboxes: [], remoteViews: [] });
  });

  it("lists the artifact's remote names first, then unknown ones in request order, each once", () => {
    const artifact = prepared({ remoteMboxes: ["r2", "r1"], localMboxes: ["a"] });
    const request = {
      prefetch: { mboxes: [{ name: "x" }, { name: "r1" }] },
      execute: { mboxes: [{ name: "r2" }, { name: "a" }, { name: "x" }], pageLoad: {} },
    } as DeliveryRequest;
    expect(remoteDependencyOf(artifact, request)).toEqual({
      remoteNeeded: true,
      remoteMboxes: ["r2", "r1", "x", "target-global-mbox"],
      remoteViews: [],
    });
  });

  it("makes a request for all views depend on every remote view", () => {
    const artifact = prepared({ remoteViews: ["v1", "v2"], localViews: ["home"] });
    expect(remoteDependencyOf(artifact, { prefetch: { views: [{}] } } as DeliveryRequest).remoteViews).toEqual(["v1", "v2"]);
  });

  it("agrees with the plain set-based rule on random requests", () => {
    const name = fc.constantFrom("a", "b", "r1", "r2", "v1", "home", "target-global-mbox");
    // Up to 12 items against up to 7 remote names: both the scanning and the set-building paths.
    const items = fc.option(fc.array(fc.record({ name: fc.option(name, { nil: undefined }) }, { requiredKeys: [] }), { maxLength: 12 }), { nil: undefined });
    const mode = fc.option(fc.record({ mboxes: items, views: items, pageLoad: fc.option(fc.constant({}), { nil: undefined }) }, { requiredKeys: [] }), {
      nil: undefined,
    });
    const lists = fc.record({
      remoteMboxes: fc.uniqueArray(name, { maxLength: 7 }),
      localMboxes: fc.uniqueArray(name, { maxLength: 4 }),
      remoteViews: fc.uniqueArray(name, { maxLength: 7 }),
      localViews: fc.uniqueArray(name, { maxLength: 3 }),
    });
    fc.assert(
      fc.property(lists, mode, mode, (given, execute, prefetch) => {
        const artifact = prepared(given);
        const request = JSON.parse(JSON.stringify({ execute, prefetch })) as DeliveryRequest;
        expect(remoteDependencyOf(artifact, request)).toEqual(plainRemoteDependency(artifact, request));
      }),
      { numRuns: 2000 },
    );
  });
});
