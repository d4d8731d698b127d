import { afterEach, describe, expect, it } from "vitest";
import { ArtifactError, createDecisioningEngine, deobfuscate, ErrorCode } from "../../src/index.js";
import { parseArtifactBody } from "../../src/loader/loader.js";
import { obfuscateArtifact, startFakeCdn, type FakeCdn } from "@decisioning/testing/servers";
import { binFixture, flagArtifact } from "../kit/index.js";

// Adobe's real-world pair (fixtures/conformance/real-world).
const { bin, json, organizationId: REAL_WORLD_ORG } = binFixture();

let server: FakeCdn | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe("rules.bin", () => {
  it("decodes rules.bin into its rules.json twin", () => {
    expect(JSON.parse(deobfuscate(bin, REAL_WORLD_ORG))).toEqual(json);
    expect(parseArtifactBody(bin, "bin", REAL_WORLD_ORG).artifact).toEqual(json);
  });

  it("is downloaded and decoded when the location ends in .bin", async () => {
    server = await startFakeCdn({ artifact: bin, path: "/v1/rules.bin" });
    const engine = await createDecisioningEngine({
      client: "acme",
      organizationId: REAL_WORLD_ORG,
      artifactLocation: server.url("/v1/rules.bin"),
      pollingInterval: 0,
    });
    expect(engine.getRawArtifact()).toEqual(json);
    await engine.close();
  });

  it("reports a wrong organization as an invalid artifact, without crashing", () => {
    const attempt = () => parseArtifactBody(bin, "bin", "00000000000000000000AAAA@AdobeOrg");
    expect(attempt).toThrow(ArtifactError);
    expect(attempt).toThrow(expect.objectContaining({ code: ErrorCode.ArtifactInvalid, message: expect.stringMatching(/wrong organizationId/) }));
  });

  it("refuses a header other than ATOD:001 and a body shorter than the header", () => {
    const other = bin.slice();
    other.set(new TextEncoder().encode("ATOD:002"), 0);
    expect(() => deobfuscate(other, REAL_WORLD_ORG)).toThrow(expect.objectContaining({ code: ErrorCode.ArtifactInvalid }));
    expect(() => deobfuscate(bin.subarray(0, 20), REAL_WORLD_ORG)).toThrow(expect.objectContaining({ code: ErrorCode.ArtifactInvalid }));
  });

  it("round-trips the test kit's obfuscator", () => {
    const artifact = flagArtifact("v1");
    expect(JSON.parse(deobfuscate(obfuscateArtifact(artifact, "ORG@AdobeOrg"), "ORG@AdobeOrg"))).toEqual(artifact);
  });
});
