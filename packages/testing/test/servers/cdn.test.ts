import { createDecisioningEngine } from "@decisioning/engine";
import { afterEach, describe, expect, it } from "vitest";
import { artifact } from "../../src/index.js";
import { etagOf, fault, obfuscateArtifact, startFakeCdn, type FakeCdn } from "../../src/servers/index.js";

const v1 = artifact()
  .activity("t")
  .mbox("m")
  .experience("Only", 100, { json: { version: 1 } })
  .build();
const v2 = artifact()
  .activity("t")
  .mbox("m")
  .experience("Only", 100, { json: { version: 2 } })
  .build();

let cdn: FakeCdn | undefined;
afterEach(async () => {
  await cdn?.close();
  cdn = undefined;
});

describe("startFakeCdn", () => {
  it("serves the artifact at Target's path with an ETag and answers conditional requests with 304", async () => {
    cdn = await startFakeCdn({ artifact: v1 });
    expect(cdn.artifactUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/acme\/production\/v1\/rules\.json$/);
    expect(cdn.url()).toBe(cdn.artifactUrl);
    const first = await fetch(cdn.artifactUrl);
    expect(first.status).toBe(200);
    expect(first.headers.get("etag")).toBe(cdn.etag);
    expect(cdn.etag).toBe(etagOf(v1));
    expect(await first.json()).toEqual(v1);
    const again = await fetch(cdn.artifactUrl, { headers: { "if-none-match": cdn.etag } });
    expect(again.status).toBe(304);
    const etag = cdn.etag;
    cdn.setArtifact(v2);
    expect(cdn.etag).not.toBe(etag);
    const changed = await fetch(cdn.artifactUrl, { headers: { "if-none-match": etag } });
    expect(changed.status).toBe(200);
    expect(cdn.requests.map((r) => [r.method, r.outcome])).toEqual([
      ["GET", 200],
      ["GET", 304],
      ["GET", 200],
    ]);
    expect((await fetch(`${cdn.origin}/other.json`)).status).toBe(404);
  });

  it("honours weak ETags and lists of them in If-None-Match", async () => {
    cdn = await startFakeCdn({ artifact: v1 });
    expect((await fetch(cdn.artifactUrl, { headers: { "if-none-match": `"other", W/${cdn.etag}` } })).status).toBe(304);
    expect((await fetch(cdn.artifactUrl, { headers: { "if-none-match": `"other"` } })).status).toBe(200);
  });

  it("feeds the engine, in JSON and as an obfuscated rules.bin", async () => {
    cdn = await startFakeCdn({ artifact: v1, organizationId: "ACME@AdobeOrg" });
    expect(cdn.binUrl).toBe(cdn.artifactUrl.replace(/\.json$/, ".bin"));
    for (const [artifactLocation, extra] of [
      [cdn.artifactUrl, {}],
      [cdn.binUrl as string, { organizationId: "ACME@AdobeOrg" }],
    ] as const) {
      const engine = await createDecisioningEngine({ client: "acme", artifactLocation, pollingInterval: 0, ...extra });
      const response = await engine.getOffers({ request: { id: { tntId: "v" }, prefetch: { mboxes: [{ name: "m", index: 1 }] } } });
      expect(response.prefetch?.mboxes?.[0]?.options?.[0]?.content).toEqual({ version: 1 });
      await engine.close();
    }
    const bin = await fetch(cdn.binUrl as string);
    expect(bin.headers.get("content-type")).toBe("application/octet-stream");
    expect(new Uint8Array(await bin.arrayBuffer())).toEqual(obfuscateArtifact(v1, "ACME@AdobeOrg"));
  });

  it("swaps the rules.bin with the artifact", async () => {
    cdn = await startFakeCdn({ artifact: v1, organizationId: "ACME@AdobeOrg" });
    cdn.setArtifact(v2);
    expect(new Uint8Array(await (await fetch(cdn.binUrl as string)).arrayBuffer())).toEqual(obfuscateArtifact(v2, "ACME@AdobeOrg"));
  });

  it("serves bytes as they are, at a path of your choice, with the headers you give", async () => {
    const bytes = obfuscateArtifact(v1, "ORG@AdobeOrg");
    cdn = await startFakeCdn({ artifact: bytes, path: "/rules.bin", headers: { "x-geo-country-code": "CH" } });
    const response = await fetch(cdn.url());
    expect(cdn.artifactUrl).toBe(`${cdn.origin}/rules.bin`);
    expect(response.headers.get("x-geo-country-code")).toBe("CH");
    expect(response.headers.get("content-type")).toBe("application/octet-stream");
    expect(new Uint8Array(await response.arrayBuffer())).toEqual(bytes);
  });

  it("makes the engine report a failed first download", async () => {
    cdn = await startFakeCdn({ artifact: v1 });
    cdn.failAlways(fault.status(503));
    await expect(
      createDecisioningEngine({ client: "acme", artifactLocation: cdn.artifactUrl, pollingInterval: 0, maximumWaitReady: 3000 }),
    ).rejects.toMatchObject({ name: "ArtifactError" });
  });
});

describe("obfuscateArtifact", () => {
  it("takes JSON text or a value alike, and refuses a key that is not 32 characters", () => {
    expect(obfuscateArtifact(JSON.stringify(v1), "ORG@AdobeOrg")).toEqual(obfuscateArtifact(v1, "ORG@AdobeOrg"));
    expect(() => obfuscateArtifact(v1, "ORG@AdobeOrg", "short")).toThrow(
      expect.objectContaining({ code: "INVALID_ARGUMENT", message: expect.stringMatching(/key/) }),
    );
  });
});
