// Bundles the portable entry points into single ES modules, as an edge worker's or a page's
// bundler would, so that tests can load them into workerd and Chromium and the size budget can
// be measured on what users actually ship. Reads the tsc output, so run after `tsc`.
//
//   pnpm build (its last step), or node --import ./scripts/lib/ts.mjs scripts/edge/build.ts
//     -> packages/engine/dist/bundle/{engine,engine-lean}.js,
//        packages/client/dist/bundle/{client,client-lean}.js (+ .meta.json)
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import * as esbuild from "esbuild";

/** One edge bundle: its name, its entry (tsc output) and its output file, relative to the repository. */
export interface Bundle {
  name: string;
  entry: string;
  outfile: string;
  /** Resolve `@decisioning/engine` to the engine's lean entry. */
  lean?: boolean;
}

/** A built bundle: its name, absolute output file and minified size. */
export interface BuiltBundle {
  name: string;
  outfile: string;
  bytes: number;
}

const root = fileURLToPath(new URL("../../", import.meta.url));

/**
 * The bundles: entry (tsc output, relative to the repository) and output file. A `lean` bundle
 * resolves `@decisioning/engine` to the engine's lean entry, as a user's bundler alias would.
 */
export const BUNDLES: readonly Bundle[] = [
  { name: "engine", entry: "packages/engine/dist/index.js", outfile: "packages/engine/dist/bundle/engine.js" },
  { name: "engine-lean", entry: "packages/engine/dist/lean.js", outfile: "packages/engine/dist/bundle/engine-lean.js" },
  { name: "client", entry: "packages/client/dist/index.js", outfile: "packages/client/dist/bundle/client.js" },
  { name: "client-lean", entry: "packages/client/dist/index.js", outfile: "packages/client/dist/bundle/client-lean.js", lean: true },
];

/** An esbuild plugin that points `@decisioning/engine` at its lean entry (no Public Suffix List). */
export function leanEnginePlugin(cwd = root): esbuild.Plugin {
  return {
    name: "lean-engine",
    setup(build) {
      build.onResolve({ filter: /^@decisioning\/engine$/ }, () => ({ path: join(cwd, "packages/engine/dist/lean.js") }));
    },
  };
}

/**
 * An esbuild plugin that leaves out the client's `"module.exports"` export (src/require.ts):
 * it only serves Node's `require()`, and keeping it would make the bundle carry an object of
 * every export. A user's bundler drops it by itself (it is unused, and the package has no side
 * effects); a prebuilt bundle keeps every export, so it is taken out here.
 */
export function withoutRequireViewPlugin(cwd = root): esbuild.Plugin {
  const index = join(cwd, "packages/client/dist/index.js");
  const line = /^export \{ requiredTargetClient as "module\.exports" \} from "\.\/require\.js";\n/m;
  return {
    name: "without-require-view",
    setup(build) {
      build.onLoad({ filter: /[\\/]packages[\\/]client[\\/]dist[\\/]index\.js$/ }, (args) => {
        if (args.path !== index) return undefined;
        const code = readFileSync(index, "utf8");
        if (!line.test(code)) throw new Error(`${index}: the "module.exports" export line was not found (update scripts/edge/build.ts)`);
        return { contents: code.replace(line, ""), loader: "js", resolveDir: dirname(index) };
      });
    },
  };
}

/**
 * Options shared by every edge bundle. `neutral` means no Node fallbacks: a `node:` import or
 * a Node built-in fails the build instead of being papered over. The conditions are the ones
 * wrangler and browser bundlers ask for, so `exports` maps resolve as they would there.
 */
export const EDGE_BUILD_OPTIONS = {
  bundle: true,
  format: "esm",
  platform: "neutral",
  target: "es2022",
  mainFields: ["module", "main"],
  conditions: ["workerd", "worker", "browser"],
  minify: true,
  legalComments: "none",
  metafile: true,
  logLevel: "silent",
} satisfies esbuild.BuildOptions;

/** Build every bundle; resolves with `{name, outfile, bytes}` per bundle. */
export async function buildBundles({ bundles = BUNDLES, cwd = root }: { bundles?: readonly Bundle[]; cwd?: string } = {}): Promise<BuiltBundle[]> {
  const built: BuiltBundle[] = [];
  for (const bundle of bundles) {
    const entry = join(cwd, bundle.entry);
    if (!existsSync(entry)) throw new Error(`${bundle.entry} is missing: build the packages first (pnpm build)`);
    const outfile = join(cwd, bundle.outfile);
    mkdirSync(dirname(outfile), { recursive: true });
    const plugins = [...(bundle.lean ? [leanEnginePlugin(cwd)] : []), ...(bundle.name.startsWith("client") ? [withoutRequireViewPlugin(cwd)] : [])];
    const result = await esbuild.build({ ...EDGE_BUILD_OPTIONS, entryPoints: [entry], outfile, absWorkingDir: cwd, plugins });
    writeFileSync(outfile.replace(/\.js$/, ".meta.json"), JSON.stringify(result.metafile));
    built.push({ name: bundle.name, outfile, bytes: result.metafile.outputs[relative(cwd, outfile)]?.bytes ?? 0 });
  }
  return built;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  try {
    for (const { name, outfile, bytes } of await buildBundles()) {
      console.log(`edge bundle ${name}: ${relative(root, outfile)} (${bytes} bytes minified)`);
    }
  } catch (error) {
    // esbuild's own message names the file that imported a Node built-in, which is the point.
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  }
}
