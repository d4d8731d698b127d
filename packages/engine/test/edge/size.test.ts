import { describe, expect, it } from "vitest";
import { BUDGETS, measureBundles } from "../../../../scripts/edge/size.js";
import { assertBuilt } from "./kit/node-answers.js";

assertBuilt();
const measured = new Map(measureBundles().map((m) => [m.name, m]));

describe("the edge size budget", () => {
  it("holds: the lean engine with its dependencies is at most 30 KB minified and gzipped", () => {
    const lean = measured.get("engine-lean")!;
    console.info(
      `engine-lean: ${lean.gzip} bytes min+gzip (${lean.minified} minified); engine (with the Public Suffix List): ${measured.get("engine")!.gzip} bytes`,
    );
    expect(BUDGETS["engine-lean"]).toBe(30 * 1024);
    expect(lean.gzip).toBeLessThanOrEqual(30 * 1024);
  });

  it("keeps the Public Suffix List out of the lean bundles and in the full ones", () => {
    for (const name of ["engine-lean", "client-lean"]) {
      expect(measured.get(name)!.inputs.map(([owner]) => owner)).not.toContain("context/psl-data.js");
    }
    for (const name of ["engine", "client"]) expect(measured.get(name)!.inputs[0]?.[0]).toBe("context/psl-data.js");
  });

  it("reports the client's on-device bundles too", () => {
    console.info(
      `client-lean: ${measured.get("client-lean")!.gzip} bytes min+gzip; client (with the Public Suffix List): ${measured.get("client")!.gzip} bytes`,
    );
    expect(measured.get("client-lean")!.gzip).toBeLessThan(measured.get("client")!.gzip);
  });
});
