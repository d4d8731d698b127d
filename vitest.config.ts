import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const pkg = (name: string) => fileURLToPath(new URL(`./packages/${name}/src/index.ts`, import.meta.url));

export default defineConfig({
  resolve: {
    // Tests run against sources; the built dist is exercised by scripts/conformance and the edge tests.
    alias: [
      { find: /^@decisioning\/engine$/, replacement: pkg("engine") },
      { find: /^@decisioning\/engine\/node$/, replacement: fileURLToPath(new URL("./packages/engine/src/node/index.ts", import.meta.url)) },
      { find: /^@decisioning\/client$/, replacement: pkg("client") },
      { find: /^@decisioning\/cli$/, replacement: pkg("cli") },
      { find: /^@decisioning\/testing$/, replacement: pkg("testing") },
      { find: /^@decisioning\/testing\/servers$/, replacement: fileURLToPath(new URL("./packages/testing/src/servers/index.ts", import.meta.url)) },
      { find: /^@decisioning\/openfeature$/, replacement: pkg("openfeature") },
    ],
  },
  test: {
    include: ["packages/*/test/**/*.test.ts", "scripts/**/*.test.ts"],
    testTimeout: 20000,
    pool: "forks",
  },
});
