// Module hooks that let Node 20 run this repository's TypeScript scripts: a `.ts` file is
// compiled with esbuild (types stripped, nothing bundled) as it is loaded. Node 22 can strip
// types itself; Node 20, which the project supports, cannot. Type checking is `pnpm typecheck`'s.
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { transform } from "esbuild";

/** Relative imports written `./x.js` that name a `./x.ts` source resolve to the source. */
export async function resolve(specifier, context, nextResolve) {
  try {
    return await nextResolve(specifier, context);
  } catch (error) {
    const relative = specifier.startsWith(".") || specifier.startsWith("/") || specifier.startsWith("file:");
    if (relative && specifier.endsWith(".js") && context.parentURL?.endsWith(".ts")) {
      return nextResolve(`${specifier.slice(0, -3)}.ts`, context);
    }
    throw error;
  }
}

export async function load(url, context, nextLoad) {
  if (!url.endsWith(".ts") || url.includes("/node_modules/")) return nextLoad(url, context);
  const source = await readFile(fileURLToPath(url), "utf8");
  const { code } = await transform(source, { loader: "ts", format: "esm", target: "node20", sourcemap: "inline", sourcefile: fileURLToPath(url) });
  return { format: "module", source: code, shortCircuit: true };
}
