// After `changeset version`: the client sends its version to the Delivery API (SDK_VERSION in
// packages/client/src/version.ts), so that constant follows packages/client/package.json.
// packages/client/test/version.test.ts fails when they differ.
//
//   pnpm version-packages   (runs changeset version, then this: scripts/release/sync-version.ts)
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const root = new URL("../../", import.meta.url);
const file = fileURLToPath(new URL("packages/client/src/version.ts", root));
const { version } = JSON.parse(readFileSync(new URL("packages/client/package.json", root), "utf8")) as { version: string };
const source = readFileSync(file, "utf8");
const pattern = /export const SDK_VERSION = "[^"]*";/;
if (!pattern.test(source)) {
  console.error(`${file}: no \`export const SDK_VERSION = "…";\` line to update`);
  process.exit(1);
}
writeFileSync(file, source.replace(pattern, `export const SDK_VERSION = ${JSON.stringify(version)};`));
console.log(`SDK_VERSION = ${version}`);
