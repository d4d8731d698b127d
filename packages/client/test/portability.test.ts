import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const SRC = fileURLToPath(new URL("../src", import.meta.url));
/** The Node-only entry (the package's `node` condition), which the portable sources never import. */
const NODE_ENTRY = join(SRC, "node.ts");

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) => (entry.isDirectory() ? sources(join(dir, entry.name)) : entry.name.endsWith(".ts") ? [join(dir, entry.name)] : []))
    .filter((file) => file !== NODE_ENTRY);
}

/** Code without comments, so that prose may mention what code must not use. */
const code = (file: string) =>
  readFileSync(file, "utf8")
    .replace(/\/\*[\s\S]*?\*\//g, "")
    .replace(/\/\/.*$/gm, "");

describe("the client's sources", () => {
  it.each(sources(SRC).map((file) => [file.slice(SRC.length + 1), file]))("%s uses web-standard APIs only", (_name, file) => {
    const text = code(file);
    expect(text).not.toMatch(/from\s+["']node:/);
    expect(text).not.toMatch(/\brequire\(/);
    expect(text).not.toMatch(/\bprocess\./);
    expect(text).not.toMatch(/\bBuffer\b/);
    expect(text).not.toMatch(/\beval\(|new Function\(/);
    expect(text).not.toMatch(/\benum\s+\w+/);
  });

  it("import only their own files and the engine", () => {
    const imports = sources(SRC).flatMap((file) => [...code(file).matchAll(/from\s+["']([^"']+)["']/g)].map((m) => m[1] ?? ""));
    expect(imports.filter((spec) => !spec.startsWith(".") && spec !== "@decisioning/engine")).toEqual([]);
    expect(imports.filter((spec) => spec.startsWith(".") && !spec.endsWith(".js"))).toEqual([]);
  });
});

describe("the client's Node entry", () => {
  it("is imported by no portable source", () => {
    const importers = sources(SRC).filter((file) => /from\s+["']\.{1,2}\/(?:\.\.\/)*node\.js["']/.test(code(file)));
    expect(importers).toEqual([]);
  });
});
