import { readFileSync } from "node:fs";
import * as esbuild from "esbuild";
import { describe, expect, it } from "vitest";
import { EDGE_BUILD_OPTIONS } from "../../../../scripts/edge/build.js";
import { repoPath } from "../../../../scripts/edge/kit/cases.js";
import { scanGraph } from "../../../../scripts/edge/kit/portability.js";

const clientDependencies = Object.keys(JSON.parse(readFileSync(repoPath("packages/client/package.json"), "utf8")).dependencies ?? {});
const ENTRY = repoPath("packages/client/src/index.ts");
// The engine is scanned by its own portability test; here it only has to be the one package reached.
const PORTABLE_PACKAGES = ["@decisioning/engine"];

describe("the client's portable entry point", () => {
  it("reaches no Node built-in, process, Buffer, eval or new Function", () => {
    const { files, problems } = scanGraph([ENTRY], { allowedPackages: PORTABLE_PACKAGES, root: repoPath("") });
    expect(files.length).toBeGreaterThan(5);
    expect(problems).toEqual([]);
  });

  it("loads only packages the client declares as runtime dependencies", () => {
    const { packages } = scanGraph([ENTRY], { allowedPackages: PORTABLE_PACKAGES, root: repoPath("") });
    expect(packages.filter((name) => !clientDependencies.includes(name))).toEqual([]);
  });

  it("bundles for a platform without Node, the engine included", async () => {
    const result = await esbuild.build({ ...EDGE_BUILD_OPTIONS, entryPoints: [ENTRY], write: false, outdir: "out", absWorkingDir: repoPath("") });
    expect(result.errors).toEqual([]);
    const external = Object.keys(result.metafile!.inputs).filter((path) => path.includes("node_modules/") && !/node_modules\/@decisioning\//.test(path));
    expect(external).toEqual([]);
  });

  it("leaves the Cloudflare Worker example free of Node too", () => {
    const example = repoPath("examples/cloudflare-worker/src/worker.ts");
    const { problems } = scanGraph([example], { allowedPackages: ["@decisioning/client", "@decisioning/engine"], root: repoPath("") });
    expect(problems).toEqual([]);
  });
});
