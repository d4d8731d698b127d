import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

const read = (path: string): string => readFileSync(new URL(`../../../${path}`, import.meta.url), "utf8");

describe("the testing recipe (docs/testing.md)", () => {
  it("shows the example test exactly as it is run", () => {
    expect(read("docs/testing.md")).toContain(read("packages/client/test/example-testing.test.ts").trimEnd());
  });
});
