import { existsSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

const root = new URL("../../../", import.meta.url);
const read = (path: string): string => readFileSync(new URL(path, root), "utf8");
// The section text lives in docs/tools.md until it is merged into the README.
const docs = ["docs/tools.md", "README.md"]
  .filter((path) => existsSync(new URL(path, root)))
  .map(read)
  .join("\n");

describe("the documentation", () => {
  it.each(["packages/testing/test/example.test.ts", "packages/testing/test/servers/example.test.ts", "packages/openfeature/test/example.test.ts"])(
    "shows %s exactly as it is tested",
    (path) => {
      expect(docs).toContain(read(path).trimEnd());
    },
  );
});
