import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { renderBlocks, syncBlocks, syntaxOf } from "./blocks.js";
import { benchBlocks } from "../bench/summary.mjs";

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

describe("the README's benchmark summary", () => {
  const benchmarks = [
    "| scenario | ours ops/s | reference ops/s | ratio | ours p50 / p99 | reference p50 / p99 | ours sync ops/s |",
    "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    "| 1-ab-execute: one mbox | 514,668 | 2,757 | **186.7x** | 1.9 µs / 6.4 µs | 362.8 µs / 1,510.7 µs | 609,013 |",
    "| 2-targeted: targeted | 351,617 | 944 | **372.6x** | 2.8 µs / 9.4 µs | 1 µs / 2 µs | 1 |",
    "| 3-pageload: page load | 107,147 | 584 | **183.5x** | 9.3 µs / 27.8 µs | 1 µs / 2 µs | 1 |",
    "| 4-get-attributes: getAttributes | 344,353 | 1,531 | **225.0x** | 2.9 µs / 20.8 µs | 1 µs / 2 µs | n/a |",
    "",
    "| scenario, notification delivery included | ours calls/s | reference calls/s | ratio | ours µs per call | of which the stub's Response alone |",
    "| --- | ---: | ---: | ---: | ---: | ---: |",
    "| 4b-get-attributes: the same calls | 35,052 | 1,263 | **27.8x** | 28.5 µs | 11.7 µs |",
    "",
    "| scenario | ours bytes allocated per call | reference bytes allocated per call | ratio |",
    "| 1-ab-execute | 3,730 | 392,325 | 105x less |",
  ].join("\n");

  it("takes each scenario's figures from docs/benchmarks.md's tables", () => {
    const rows = benchBlocks(benchmarks)["bench:summary"].split("\n");
    expect(rows).toHaveLength(7);
    expect(rows[2]).toBe("| one mbox, execute, small A/B artifact, new visitor each call | 514,668 | 2,757 | 187x | 1.9 / 6.4 µs |");
    expect(rows[4]).toContain("| 107,147 | 584 | 184x | 9.3 / 27.8 µs |");
    expect(rows[6]).toContain("| 35,052 | 1,263 | 28x | 28.5 µs per call |");
  });

  it("fails, naming the scenario, when docs/benchmarks.md lacks one", () => {
    expect(() => benchBlocks(benchmarks.replace(/\| 3-pageload.*\n/, ""))).toThrow("no row for scenario 3-pageload");
  });
});
