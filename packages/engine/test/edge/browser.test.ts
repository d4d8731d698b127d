import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { repoPath, type EdgeAnswer } from "../../../../scripts/edge/kit/cases.js";
import { chromiumUnavailable, decidePerBundle, openEdgePage } from "../../../../scripts/edge/kit/chromium.js";
import { BUILT, nodeAnswers, type Flavour } from "./kit/node-answers.js";

const unavailable = chromiumUnavailable();
if (unavailable) console.warn(`skipping the browser tests: ${unavailable}`);

const { cases, answers } = await nodeAnswers();
const runtime = (file: string) => ({ file: repoPath(`packages/engine/test/edge/runtime/${file}`) });

describe.skipIf(unavailable !== undefined)("the bundled engine in headless Chromium", () => {
  let close: (() => Promise<void>) | undefined;
  let page: Page;
  let errors: string[] = [];
  const inBrowser: Partial<Record<Flavour, EdgeAnswer[]>> = {};

  beforeAll(async () => {
    const opened = await openEdgePage({
      "/": runtime("page.html"),
      "/page.js": runtime("page.js"),
      "/decide-case.js": runtime("decide-case.js"),
      "/engine.js": { file: repoPath(BUILT.bundleFull) },
      "/engine-lean.js": { file: repoPath(BUILT.bundleLean) },
    });
    ({ page, errors, close } = opened);
    Object.assign(inBrowser, await decidePerBundle<EdgeAnswer>(page, cases));
  }, 60_000);

  afterAll(async () => {
    await close?.();
  });

  it("loads both bundles as plain modules in a secure context with no errors and no CSP violations", async () => {
    const state = await page.evaluate(() => {
      const edge = (window as unknown as { edge: { violations: string[]; secure: boolean } }).edge;
      return { violations: edge.violations, secure: edge.secure, userAgent: navigator.userAgent };
    });
    expect(state.userAgent).toContain("HeadlessChrome");
    expect(state.secure).toBe(true);
    expect(state.violations).toEqual([]);
    expect(errors).toEqual([]);
  });

  it("decides every conformance and fixture request that needs no geo lookup", () => {
    expect(cases.cases.length).toBeGreaterThanOrEqual(39 + 65);
    expect(inBrowser.full?.map((a) => a.key)).toEqual(cases.cases.map((c) => c.key));
  });

  describe.each(["full", "lean"] as const)("the %s bundle", (flavour) => {
    it.each(cases.cases.map((c, i) => [c.key, i] as const))("answers %s exactly as Node does", (_key, i) => {
      expect(inBrowser[flavour]?.[i]).toEqual(answers[flavour][i]);
    });
  });
});
