import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, normalize, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const SRC = fileURLToPath(new URL("../src/", import.meta.url));

/**
 * The engine's layers, each with the layers it may import (itself included). A layer is a
 * folder of `src/` or a file at its top; `types.ts` and `types/` are one layer. The entry
 * files (`index.ts`, `lean.ts`, `internal.ts`) may import anything and are left out.
 */
const LAYERS: Record<string, readonly string[]> = {
  types: ["types"],
  errors: [],
  util: ["types", "util"],
  platform: ["types", "util", "platform"],
  logic: ["types", "util", "errors", "logic"],
  allocation: ["types", "util"],
  context: ["types", "util", "errors", "context"],
  artifact: ["types", "util", "errors", "logic", "artifact"],
  config: ["types", "util", "errors", "platform", "context", "config"],
  decide: ["types", "util", "errors", "logic", "allocation", "context", "artifact", "config", "decide"],
  loader: ["types", "util", "errors", "platform", "context", "artifact", "config", "loader"],
  engine: ["types", "util", "errors", "platform", "logic", "allocation", "context", "artifact", "config", "decide", "loader", "engine"],
  // The Node entry: the transport (which takes the platform's abort hook) and file snapshots.
  node: ["types", "util", "errors", "platform", "node"],
};
const ENTRIES = new Set(["index.ts", "lean.ts", "internal.ts"]);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith(".ts") ? [relative(SRC, path)] : [];
  });
}

/** The `src/`-relative files a file imports or re-exports, type-only imports included. */
function importsOf(file: string): string[] {
  const text = readFileSync(join(SRC, file), "utf8");
  const found: string[] = [];
  for (const match of text.matchAll(/(?:^|\n)\s*(?:import|export)\b[^;]*?\bfrom\s+"(\.{1,2}\/[^"]+)"/g)) {
    found.push(normalize(join(dirname(file), (match[1] as string).replace(/\.js$/, ".ts"))));
  }
  return found;
}

/** The layer a `src/`-relative file belongs to. */
function layerOf(file: string): string {
  const top = file.split("/")[0] as string;
  return top.replace(/\.ts$/, "");
}

const files = sourceFiles(SRC);
const graph = new Map(files.map((file) => [file, importsOf(file)] as const));

describe("the engine's layers", () => {
  it("give every source file a layer with rules", () => {
    const unknown = files.filter((file) => !ENTRIES.has(file) && !(layerOf(file) in LAYERS));
    expect(unknown).toEqual([]);
  });

  it("let each layer import only the layers below it", () => {
    const leaks: string[] = [];
    for (const [file, imports] of graph) {
      if (ENTRIES.has(file)) continue;
      const allowed = LAYERS[layerOf(file)] ?? [];
      for (const target of imports) {
        if (!allowed.includes(layerOf(target))) leaks.push(`${file} imports ${target}`);
      }
    }
    expect(leaks).toEqual([]);
  });

  it("keep the loader and the config apart from the decisions", () => {
    // The rules the consolidation (issue #19) set, named here so that the table above cannot quietly drop them.
    expect(LAYERS.loader).not.toContain("decide");
    expect(LAYERS.loader).not.toContain("engine");
    expect(LAYERS.config).not.toContain("decide");
    expect(LAYERS.config).not.toContain("loader");
    expect(LAYERS.artifact).not.toContain("decide");
  });

  it("have no module that reaches itself through its imports", () => {
    const cycles: string[] = [];
    const state = new Map<string, "open" | "done">();
    const visit = (file: string, path: string[]): void => {
      state.set(file, "open");
      for (const target of graph.get(file) ?? []) {
        if (state.get(target) === "open") cycles.push([...path.slice(path.indexOf(target)), file, target].join(" -> "));
        else if (!state.has(target)) visit(target, [...path, file]);
      }
      state.set(file, "done");
    };
    for (const file of files) if (!state.has(file)) visit(file, []);
    expect(cycles).toEqual([]);
  });

  it("read every import this test can see", () => {
    // A sanity check on the scanner: the decision pipeline imports the prepared artifact.
    expect(graph.get("decide/mode.ts")).toContain("artifact/prepare.ts");
    expect(graph.get("lean.ts")?.length).toBeGreaterThan(10);
  });
});
