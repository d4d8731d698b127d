import { createDecisioningEngine } from "@decisioning/engine";
import { afterEach, describe, expect, it } from "vitest";
import { artifact } from "../../src/index.js";
import { fault, startFakeCdn, type FakeCdn, type Fault } from "../../src/servers/index.js";

const v1 = artifact().activity("t").mbox("m").experience("Only", 100, { json: { version: 1 } }).build();
const v2 = artifact().activity("t").mbox("m").experience("Only", 100, { json: { version: 2 } }).build();

let cdn: FakeCdn | undefined;
afterEach(async () => {
  await cdn?.close();
  cdn = undefined;
});

describe("startFakeCdn", () => {
  it("serves the artifact at Target's path with an ETag and answers conditional requests with 304", async () => {
    cdn = await startFakeCdn({ artifact: v1 });
    expect(cdn.artifactUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/acme\/production\/v1\/rules\.json$/);
    const first = await fetch(cdn.artifactUrl);
    expect(first.status).toBe(200);
    expect(first.headers.get("etag")).toBe(cdn.etag);
    expect(await first.json()).toEqual(v1);
    const again = await fetch(cdn.artifactUrl, { headers: { "if-none-match": cdn.etag } });
    expect(again.status).toBe(304);
    const etag = cdn.etag;
    cdn.setArtifact(v2);
    expect(cdn.etag).not.toBe(etag);
    const changed = await fetch(cdn.artifactUrl, { headers: { "if-none-match": etag } });
    expect(changed.status).toBe(200);
    expect(cdn.requests.map((r) => [r.method, r.outcome])).toEqual([["GET", 200], ["GET", 304], ["GET", 200]]);
    expect((await fetch(`${cdn.origin}/other.json`)).status).toBe(404);
  });

  it("feeds the engine, in JSON and as an obfuscated rules.bin", async () => {
    cdn = await startFakeCdn({ artifact: v1, organizationId: "ACME@AdobeOrg" });
    for (const [artifactLocation, extra] of [[cdn.artifactUrl, {}], [cdn.binUrl as string, { organizationId: "ACME@AdobeOrg" }]] as const) {
      const engine = await createDecisioningEngine({ client: "acme", artifactLocation, pollingInterval: 0, ...extra });
      const response = await engine.getOffers({ request: { id: { tntId: "v" }, prefetch: { mboxes: [{ name: "m", index: 1 }] } } });
      expect(response.prefetch?.mboxes?.[0]?.options?.[0]?.content).toEqual({ version: 1 });
      await engine.close();
    }
  });

  const outcomes: Array<[string, Fault, (response: Promise<Response>) => Promise<void>]> = [
    ["an HTTP status", fault.status(503), async (r) => expect((await r).status).toBe(503)],
    ["a body that is not JSON", fault.body("{truncated"), async (r) => expect(await (await r).text()).toBe("{truncated")],
    ["a dropped connection", fault.reset(), async (r) => await expect(r).rejects.toThrow()],
    ["a request that never ends", fault.hang(), async (r) => await expect(r).rejects.toThrow(/aborted|timeout/i)],
    ["a slow answer", fault.delay(150), async (r) => expect((await r).status).toBe(200)],
  ];

  it.each(outcomes)("scripts %s for the next request, then recovers", async (_name, f, check) => {
    cdn = await startFakeCdn({ artifact: v1 });
    cdn.fail(f);
    const started = Date.now();
    await check(fetch(cdn.artifactUrl, { signal: AbortSignal.timeout(1000) }));
    if (f.type === "delay") expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    expect((await fetch(cdn.artifactUrl)).status).toBe(200);
  });

  it("fails a number of times, or until told to recover", async () => {
    cdn = await startFakeCdn({ artifact: v1 });
    cdn.fail(fault.status(500), 2);
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await fetch(cdn.artifactUrl)).status);
    expect(statuses).toEqual([500, 500, 200]);
    cdn.failAlways(fault.status(404));
    expect((await fetch(cdn.artifactUrl)).status).toBe(404);
    expect((await fetch(cdn.artifactUrl)).status).toBe(404);
    cdn.recover();
    expect((await fetch(cdn.artifactUrl)).status).toBe(200);
  });

  it("makes the engine report a failed first download", async () => {
    cdn = await startFakeCdn({ artifact: v1 });
    cdn.failAlways(fault.status(503));
    await expect(createDecisioningEngine({ client: "acme", artifactLocation: cdn.artifactUrl, pollingInterval: 0, maximumWaitReady: 3000 })).rejects.toMatchObject({ name: "ArtifactError" });
  });
});
