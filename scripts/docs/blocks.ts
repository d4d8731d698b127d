// Generated blocks in documentation: a figure that a script measures is written by that script
// between markers, and a check fails when a block no longer says what the script would write.
//
//   Markdown, inline or on lines of their own:
//     The lean engine is <!-- generated:size:engine-lean -->25.1 KB<!-- /generated --> min+gzip.
//   Files with # comments (wrangler.toml), whole comment lines:
//     # generated:size:summary
//     # lean engine 25.1 KB, …
//     # /generated
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { extname, join, relative } from "node:path";

/** A file kind's markers: the pattern that finds a block (name in group 1) and how a block is written. */
export interface BlockSyntax {
  pattern: RegExp;
  render(name: string, value: string): string;
}

/** A block found in a text: its name and its whole text, markers included. */
export interface Block {
  name: string;
  text: string;
}

/** What rendering did to one block: `unknown` when no value is named so, `stale` when it said something else. */
export interface RenderedBlock {
  name: string;
  unknown: boolean;
  stale: boolean;
  was: string;
  now?: string;
}

const MARKDOWN: BlockSyntax = {
  pattern: /<!-- generated:([\w:.-]+) -->([\s\S]*?)<!-- \/generated -->/g,
  render: (name, value) =>
    value.includes("\n") ? `<!-- generated:${name} -->\n${value}\n<!-- /generated -->` : `<!-- generated:${name} -->${value}<!-- /generated -->`,
};
const HASH_COMMENTS: BlockSyntax = {
  pattern: /^# generated:([\w:.-]+)\n([\s\S]*?)^# \/generated$/gm,
  render: (name, value) =>
    `# generated:${name}\n${value
      .split("\n")
      .map((line) => `# ${line}`.trimEnd())
      .join("\n")}\n# /generated`,
};

/** The marker syntax of a file, by its extension. */
export function syntaxOf(file: string): BlockSyntax {
  return extname(file) === ".md" ? MARKDOWN : HASH_COMMENTS;
}

/** The blocks of a text: `{name, text}` per block, in order, `text` being the whole block. */
export function blocksIn(text: string, syntax: BlockSyntax): Block[] {
  return [...text.matchAll(syntax.pattern)].map((match) => ({ name: match[1] as string, text: match[0] }));
}

/**
 * Rewrite every block of `text` from `values` (block name -> text). Returns the new text and
 * one entry per block: `stale` when it said something else, `unknown` when no value is named so.
 */
export function renderBlocks(text: string, syntax: BlockSyntax, values: Record<string, string>): { text: string; blocks: RenderedBlock[] } {
  const blocks: RenderedBlock[] = [];
  const rendered = text.replace(syntax.pattern, (whole: string, name: string) => {
    if (!Object.hasOwn(values, name)) {
      blocks.push({ name, unknown: true, stale: false, was: whole });
      return whole;
    }
    const next = syntax.render(name, values[name] as string);
    blocks.push({ name, unknown: false, stale: next !== whole, was: whole, now: next });
    return next;
  });
  return { text: rendered, blocks };
}

/** The documentation files that may hold blocks: README.md, docs/, the packages' and examples' READMEs, wrangler.toml files. */
export function documentationFiles(root: string): string[] {
  const files = [join(root, "README.md")];
  const inFolder = (folder: string, pick: (name: string) => boolean) =>
    existsSync(join(root, folder))
      ? readdirSync(join(root, folder))
          .filter(pick)
          .map((name) => join(root, folder, name))
      : [];
  files.push(...inFolder("docs", (name) => name.endsWith(".md")));
  for (const parent of ["packages", "examples"]) {
    for (const name of existsSync(join(root, parent)) ? readdirSync(join(root, parent)) : []) {
      for (const file of ["README.md", "wrangler.toml"]) if (existsSync(join(root, parent, name, file))) files.push(join(root, parent, name, file));
    }
  }
  return files.filter((file) => existsSync(file));
}

/**
 * Check (or, with `write`, rewrite) every block of `files` against `values`. Resolves with the
 * problems found, each a sentence naming the file and the block; rewritten files count as fixed.
 */
export function syncBlocks(files: readonly string[], values: Record<string, string>, { root, write = false }: { root: string; write?: boolean }): string[] {
  const problems: string[] = [];
  for (const file of files) {
    const before = readFileSync(file, "utf8");
    const { text, blocks } = renderBlocks(before, syntaxOf(file), values);
    const shown = relative(root, file);
    for (const block of blocks) {
      if (block.unknown) problems.push(`${shown}: no script writes the block "${block.name}"`);
      else if (block.stale && !write)
        problems.push(
          `${shown}: the block "${block.name}" differs from what is measured now\n    doc:      ${firstDifference(block.was, block.now as string)[0]}\n    measured: ${firstDifference(block.was, block.now as string)[1]}`,
        );
    }
    if (write && text !== before) writeFileSync(file, text);
  }
  return problems;
}

const shorten = (text: string) => (text.length > 240 ? `${text.slice(0, 240)}…` : text);

/** The first line on which two texts differ, from each (a whole short inline block is one line). */
function firstDifference(was: string, now: string): [string, string] {
  const a = was.split("\n");
  const b = now.split("\n");
  const i = a.findIndex((line, n) => line !== b[n]);
  const at = i === -1 ? a.length : i;
  return [shorten(a[at] ?? "(nothing)"), shorten(b[at] ?? "(nothing)")];
}
