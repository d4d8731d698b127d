// `node --import ./scripts/lib/ts.mjs script.ts`: run a TypeScript script on Node 20 (see ts-hooks.mjs).
import { register } from "node:module";

register("./ts-hooks.mjs", import.meta.url);
