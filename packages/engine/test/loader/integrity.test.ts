import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { ErrorCode, type DecisioningConfig } from "../../src/index.js";
import { sha256Hex } from "../../src/loader/integrity.js";
import { memorySnapshotStore } from "../../src/loader/snapshot.js";
import { bodyBytes, fault, type FakeCdn } from "@decisioning/testing/servers";
import { flagArtifact, flagRequest, flagValue, loaderRig } from "../kit/index.js";

const { serve, begin } = loaderRig();
/** One download attempt: a refused artifact fails the start at once. */
const start = (server: FakeCdn, config: Partial<DecisioningConfig>) => begin(server, config, { initialRetries: 1 });

const v1 = flagArtifact("v1");
const sha256 = (body: unknown) => createHash("sha256").update(bodyBytes(body)).digest("hex");

describe("artifact integrity", () => {
  it("computes SHA-256 with crypto.subtle", async () => {
    expect(await sha256Hex(new TextEncoder().encode("abc"))).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  });

  it("accepts an artifact whose SHA-256 matches artifactSha256 (any case, optional sha256: prefix)", async () => {
    const server = await serve();
    const engine = await start(server, { artifactSha256: `sha256:${sha256(v1).toUpperCase()}` }).promise;
    expect(flagValue(await engine.getOffers(flagRequest()))).toBe("v1");
  });

  it("refuses a first artifact whose SHA-256 differs, with an ARTIFACT_INTEGRITY cause", async () => {
    const server = await serve();
    const { promise, events } = start(server, { artifactSha256: sha256("something else") });
    await expect(promise).rejects.toMatchObject({ code: ErrorCode.ArtifactNotAvailable, cause: { code: ErrorCode.ArtifactIntegrity } });
    expect(events.named("artifactDownloadFailed")[0]?.error).toMatchObject({ code: ErrorCode.ArtifactIntegrity, message: expect.stringMatching(/differs/) });
  });

  it("keeps the pinned artifact when the CDN starts serving another one", async () => {
    const server = await serve();
    const { promise, events } = start(server, { artifactSha256: sha256(v1) });
    const engine = await promise;
    server.setArtifact(flagArtifact("tampered"));
    const failed = await events.waitFor("artifactDownloadFailed");
    expect(failed.error).toMatchObject({ code: ErrorCode.ArtifactIntegrity });
    expect(flagValue(await engine.getOffers(flagRequest()))).toBe("v1");
  });

  it("runs verifyArtifact on the body and the parsed artifact, and refuses on false or a throw", async () => {
    const server = await serve();
    const seen: Array<[number, unknown]> = [];
    let verdict: () => boolean = () => true;
    const { promise, events } = start(server, {
      verifyArtifact: async (body, artifact) => {
        seen.push([body.length, artifact]);
        return verdict();
      },
    });
    const engine = await promise;
    expect(seen[0]).toEqual([bodyBytes(v1).length, v1]);

    verdict = () => false;
    server.setArtifact(flagArtifact("v2"));
    expect((await events.waitFor("artifactDownloadFailed")).error).toMatchObject({
      code: ErrorCode.ArtifactIntegrity,
      message: expect.stringMatching(/did not return true/),
    });
    verdict = () => {
      throw new Error("bad signature");
    };
    expect((await events.waitFor("artifactDownloadFailed", 2)).error).toMatchObject({
      code: ErrorCode.ArtifactIntegrity,
      message: expect.stringMatching(/bad signature/),
    });
    expect(flagValue(await engine.getOffers(flagRequest()))).toBe("v1");

    verdict = () => true;
    await events.waitFor("artifactDownloadSucceeded", 2);
    expect(flagValue(await engine.getOffers(flagRequest()))).toBe("v2");
  });

  it("checks snapshots too: a snapshot that fails the pin is not used", async () => {
    const server = await serve();
    server.failAlways(fault.status(500));
    const store = memorySnapshotStore();
    await store.save(server.url(), { body: bodyBytes(flagArtifact("old")), savedAt: Date.now() });
    const { promise, events } = start(server, { snapshotStore: store, artifactSha256: sha256(v1) });
    await expect(promise).rejects.toMatchObject({ code: ErrorCode.ArtifactNotAvailable });
    expect(events.named("artifactSnapshotUsed")).toHaveLength(0);
  });
});
