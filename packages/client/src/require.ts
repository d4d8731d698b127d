/**
 * What `require("@decisioning/client")` returns. Node >= 20.19 loads ES modules through
 * `require()` and hands back the export named `"module.exports"` when there is one (TypeScript's
 * `nodenext` reads it too). Adobe's SDK exports `TargetClient` itself, so code written for it,
 * `const TargetClient = require(...); TargetClient.create(...)`, needs the class here. Its
 * properties also reach every named export, for `const { TargetClient, TargetClientError } =
 * require(...)`. A view over this package's one module graph, not a second build: `instanceof`
 * and every static work as with `import`, and the class itself is left untouched.
 */
import * as api from "./index.js";
import { TargetClient } from "./target-client.js";

/** `TargetClient`, whose properties also reach the package's named exports. */
export type RequiredTargetClient = typeof TargetClient & Omit<typeof api, keyof typeof TargetClient | "module.exports">;

/** The view of `client` whose properties also reach `named` (each entry builds its own). */
export function requiredView<C extends object>(client: C, named: object): C {
  const reachable = named as Readonly<Record<PropertyKey, unknown>>;
  return new Proxy(client, {
    get: (target, key, receiver) => (key in target || !(key in reachable) ? Reflect.get(target, key, receiver) : reachable[key]),
    has: (target, key) => key in target || key in reachable,
  });
}

/** The portable entry's view; index.ts exports it under the name `"module.exports"`. */
export const requiredTargetClient = requiredView(TargetClient, api) as RequiredTargetClient;
