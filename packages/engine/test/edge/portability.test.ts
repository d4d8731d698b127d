import { readFileSync } from "node:fs";
import * as esbuild from "esbuild";
import { describe, expect, it } from "vitest";
import * as fullEntry from "../../src/index.js";
import * as leanEntry from "../../src/lean.js";
import { EDGE_BUILD_OPTIONS } from "../../../../scripts/edge/build.js";
import { repoPath } from "../../../../scripts/edge/kit/cases.js";
import { scanGraph, scanSource } from "../../../../scripts/edge/kit/portability.js";

const engineDependencies = Object.keys(JSON.parse(readFileSync(repoPath("packages/engine/package.json"), "utf8")).dependencies ?? {});
// Dependencies the portable entries may reach; anything else (node-fetch, say) must stay behind a Node-only entry.
const PORTABLE_PACKAGES = ["murmurhash3js"];
const ENTRIES = {
  "@decisioning/engine": repoPath("packages/engine/src/index.ts"),
  "@decisioning/engine/lean": repoPath("packages/engine/src/lean.ts"),
};

describe("the portable entry points", () => {
  it.each(Object.entries(ENTRIES))("%s reaches no Node built-in, process, Buffer, eval or new Function", (_name, entry) => {
    const { files, problems } = scanGraph([entry], { allowedPackages: PORTABLE_PACKAGES, root: repoPath("") });
    expect(files.length).toBeGreaterThan(10);
    expect(problems).toEqual([]);
  });

  it.each(Object.entries(ENTRIES))("%s loads only packages the engine declares as runtime dependencies", (_name, entry) => {
    const { packages } = scanGraph([entry], { allowedPackages: PORTABLE_PACKAGES, root: repoPath("") });
    expect(packages.filter((name) => !engineDependencies.includes(name))).toEqual([]);
  });

  it("the lean entry never reaches the Public Suffix List", () => {
    const { files } = scanGraph([ENTRIES["@decisioning/engine/lean"]], { allowedPackages: PORTABLE_PACKAGES, root: repoPath("") });
    expect(files.filter((file) => /psl|context\/domain\.ts$/.test(file))).toEqual([]);
    const { files: fullFiles } = scanGraph([ENTRIES["@decisioning/engine"]], { allowedPackages: PORTABLE_PACKAGES, root: repoPath("") });
    expect(fullFiles).toContain("packages/engine/src/context/psl-data.ts");
  });

  it("the lean entry exports what the default entry exports, except the Public Suffix List parser", () => {
    const missing = Object.keys(fullEntry).filter((name) => !(name in leanEntry));
    expect(missing).toEqual(["parseDomain"]);
    expect(Object.keys(leanEntry).filter((name) => !(name in fullEntry))).toEqual([]);
  });

  it.each(Object.entries(ENTRIES))("%s bundles for a platform without Node, dependencies included", async (_name, entry) => {
    // esbuild fails to resolve a Node built-in on the neutral platform, in our code or in a dependency's.
    const result = await esbuild.build({ ...EDGE_BUILD_OPTIONS, entryPoints: [entry], write: false, outdir: "out", absWorkingDir: repoPath("") });
    expect(result.errors).toEqual([]);
    const packages = new Set(
      Object.keys(result.metafile!.inputs).flatMap((path) => /node_modules\/(?:\.pnpm\/[^/]+\/node_modules\/)?((?:@[^/]+\/)?[^/]+)/.exec(path)?.[1] ?? []),
    );
    expect([...packages].filter((name) => !PORTABLE_PACKAGES.includes(name))).toEqual([]);
  });
});

describe("the Node-only entry, @decisioning/engine/node", () => {
  const bundleImport = (specifier: string, platform: "neutral" | "node" = "neutral") =>
    esbuild.build({
      ...EDGE_BUILD_OPTIONS,
      // As a Node bundler resolves: the `node` condition on, Node built-ins left external.
      ...(platform === "node" ? { platform, conditions: [] } : {}),
      stdin: { contents: `export * from ${JSON.stringify(specifier)};`, resolveDir: repoPath("packages/client"), loader: "js" },
      write: false,
      metafile: false,
    });

  it("does not resolve for workers and browsers, so a bundle cannot pull in node:fs by mistake", async () => {
    await expect(bundleImport("@decisioning/engine/node")).rejects.toThrow(/not exported|Could not resolve/);
  });

  it("resolves for Node, and the portable entries resolve for the edge conditions", async () => {
    await expect(bundleImport("@decisioning/engine/node", "node")).resolves.toBeDefined();
    for (const entry of ["@decisioning/engine", "@decisioning/engine/lean"]) await expect(bundleImport(entry)).resolves.toBeDefined();
  });
});

describe("the portability scan", () => {
  it("flags every Node-only construct it is meant to catch", () => {
    const source = [
      'import { readFileSync } from "node:fs";',
      'import path from "path";',
      'export { x } from "node:crypto";',
      "const a = process.env.HOME;",
      "const b = Buffer.from('x');",
      "const c = globalThis.process;",
      "const d = globalThis['Buffer'];",
      "eval('1');",
      "const e = new Function('return 1');",
      "const f = require('os');",
      "const g = __dirname;",
      "setImmediate(() => {});",
      "const h = await import('node:http');",
    ].join("\n");
    const { problems } = scanSource("sample.ts", source);
    expect(problems.map((p) => p.line)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 10, 11, 12, 13]);
  });

  it("leaves property names, strings, comments and type-only imports alone", () => {
    const source = [
      'import type { Readable } from "node:stream";',
      "// process the Buffer here",
      "const o = { process: 1, Buffer: 2, eval: 3 };",
      "const p = o.process + o.Buffer;",
      'const s = "process Buffer eval new Function";',
      "class C { process() { return 1; } }",
      "type T = { require: boolean };",
    ].join("\n");
    expect(scanSource("sample.ts", source).problems).toEqual([]);
  });

  it("leaves a local binding named like a Node global alone, and still finds the global outside its scope", () => {
    const source = [
      "function view(named: object) {",
      "  const exports = named as Record<string, unknown>;",
      "  return (key: string) => exports[key];",
      "}",
      "function env(process: { env: object }) { return process.env; }",
      "const { Buffer: bytes } = { Buffer: 1 };",
      "for (const module of []) module;",
      "try {} catch (global) { global; }",
      "const leaked = () => process.env;",
    ].join("\n");
    expect(scanSource("sample.ts", source).problems.map((p) => `${p.line}: ${p.what}`)).toEqual(["9: uses the Node global process"]);
  });
});
