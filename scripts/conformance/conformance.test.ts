import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import * as engine from "@decisioning/engine";
import { loadConformanceTests, runConformanceTest } from "./harness.js";

const root = fileURLToPath(new URL("../../fixtures/conformance/target-sdk-testing", import.meta.url));
const tests = loadConformanceTests(root);

describe("Adobe's on-device conformance schema", () => {
  it("has all 66 tests", () => {
    expect(tests).toHaveLength(66);
  });
  it.each(tests.map((t) => [`${t.suite} › ${t.key}`, t] as const))("passes %s", async (_name, test) => {
    expect(await runConformanceTest(engine, test)).toEqual([]);
  });
});
