import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { renderBlocks, syncBlocks, syntaxOf } from "./blocks.js";

const md = syntaxOf("README.md");
const toml = syntaxOf("wrangler.toml");

describe("generated blocks", () => {
  it("rewrites an inline Markdown block and reports it stale", () => {
    const { text, blocks } = renderBlocks("lean: <!-- generated:size:lean -->21 KB<!-- /generated --> min+gzip", md, { "size:lean": "25.1 KB" });
    expect(text).toBe("lean: <!-- generated:size:lean -->25.1 KB<!-- /generated --> min+gzip");
    expect(blocks).toMatchObject([{ name: "size:lean", stale: true, unknown: false }]);
  });

  it("puts a multi-line value on lines of its own and finds nothing stale once written", () => {
    const table = "| a |\n| --- |\n| 1 |";
    const first = renderBlocks("before\n<!-- generated:t -->\n<!-- /generated -->\nafter", md, { t: table });
    expect(first.text).toBe(`before\n<!-- generated:t -->\n${table}\n<!-- /generated -->\nafter`);
    expect(renderBlocks(first.text, md, { t: table }).blocks).toMatchObject([{ name: "t", stale: false }]);
  });

  it("writes comment lines between # markers in a TOML file", () => {
    const { text } = renderBlocks('a = 1\n# generated:size:summary\n# old\n# /generated\nb = "x"', toml, { "size:summary": "lean 25.1 KB" });
    expect(text).toBe('a = 1\n# generated:size:summary\n# lean 25.1 KB\n# /generated\nb = "x"');
  });

  it("names a block that no script writes", () => {
    const { text, blocks } = renderBlocks("<!-- generated:size:gone -->1 KB<!-- /generated -->", md, {});
    expect(text).toBe("<!-- generated:size:gone -->1 KB<!-- /generated -->");
    expect(blocks).toMatchObject([{ name: "size:gone", unknown: true }]);
  });

  describe("in files", () => {
    let dir: string | undefined;
    afterEach(() => {
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    it("fails the check with the file and the block named, and --write makes it pass", () => {
      dir = mkdtempSync(join(tmpdir(), "blocks-"));
      const file = join(dir, "README.md");
      writeFileSync(file, "size <!-- generated:size:x -->1 KB<!-- /generated -->\n");
      const problems = syncBlocks([file], { "size:x": "2.0 KB" }, { root: dir });
      expect(problems).toHaveLength(1);
      expect(problems[0]).toContain('README.md: the block "size:x" differs');
      expect(readFileSync(file, "utf8")).toContain("1 KB");
      expect(syncBlocks([file], { "size:x": "2.0 KB" }, { root: dir, write: true })).toEqual([]);
      expect(syncBlocks([file], { "size:x": "2.0 KB" }, { root: dir })).toEqual([]);
      expect(readFileSync(file, "utf8")).toBe("size <!-- generated:size:x -->2.0 KB<!-- /generated -->\n");
    });
  });
});
