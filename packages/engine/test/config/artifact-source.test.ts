import { describe, expect, it } from "vitest";
import { artifactFormatOf, artifactLocationOf, pollingIntervalOf } from "../../src/config/artifact-source.js";

describe("pollingIntervalOf", () => {
  it("defaults to 300000 ms and raises smaller values to 300000", () => {
    expect(pollingIntervalOf(undefined)).toBe(300000);
    expect(pollingIntervalOf(1000)).toBe(300000);
    expect(pollingIntervalOf(600000)).toBe(600000);
  });

  it("keeps 0 (polling disabled)", () => {
    expect(pollingIntervalOf(0)).toBe(0);
  });

  it("caps huge values at what timers accept", () => {
    expect(pollingIntervalOf(2 ** 40)).toBe(2 ** 31 - 1);
  });

  it("lets the internal floor go lower, for tests only", () => {
    expect(pollingIntervalOf(50, 0)).toBe(50);
  });
});

describe("artifact location", () => {
  it("builds Target's CDN URL from client, environment, property token and format", () => {
    expect(artifactLocationOf({ client: "acme" })).toBe("https://assets.adobetarget.com/acme/production/v1/rules.json");
    expect(artifactLocationOf({ client: "acme", environment: "Staging", propertyToken: "abc-123", artifactFormat: "bin" })).toBe(
      "https://assets.adobetarget.com/acme/staging/v1/abc-123/rules.bin",
    );
  });

  it("prefers artifactLocation, and reads the format from a .bin ending", () => {
    const config = { client: "acme", artifactLocation: "https://cdn.example/x/rules.bin" };
    expect(artifactLocationOf(config)).toBe("https://cdn.example/x/rules.bin");
    expect(artifactFormatOf(config, artifactLocationOf(config))).toBe("bin");
    expect(artifactFormatOf({ client: "acme" }, "https://cdn.example/rules.json")).toBe("json");
  });
});
