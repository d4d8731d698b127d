import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { repoPath } from "../../../../scripts/edge/kit/cases.js";
import { chromiumUnavailable, decidePerBundle, openEdgePage } from "../../../../scripts/edge/kit/chromium.js";
import { CLIENT_BUILT, clientNodeAnswers, type ClientAnswer, type ClientFlavour } from "./kit.js";

const unavailable = chromiumUnavailable();
if (unavailable) console.warn(`skipping the browser tests: ${unavailable}`);

const { cases, answers } = await clientNodeAnswers();
const runtime = (file: string) => ({ file: repoPath(`packages/client/test/edge/runtime/${file}`) });

describe.skipIf(unavailable !== undefined)("TargetClient's on-device path, bundled, in headless Chromium", () => {
  let close: (() => Promise<void>) | undefined;
  let page: Page;
  let errors: string[] = [];
  const inBrowser: Partial<Record<ClientFlavour, ClientAnswer[]>> = {};

  beforeAll(async () => {
    const opened = await openEdgePage({
      "/": runtime("page.html"),
      "/page.js": runtime("page.js"),
      "/client-case.js": runtime("client-case.js"),
      "/client.js": { file: repoPath(CLIENT_BUILT.bundleFull) },
      "/client-lean.js": { file: repoPath(CLIENT_BUILT.bundleLean) },
    });
    ({ page, errors, close } = opened);
    Object.assign(inBrowser, await decidePerBundle<ClientAnswer>(page, cases));
  }, 60_000);

  afterAll(async () => {
    await close?.();
  });

  it("loads both client bundles as plain modules with no errors and no CSP violations", async () => {
    const violations = await page.evaluate(() => (window as unknown as { edge: { violations: string[] } }).edge.violations);
    expect(violations).toEqual([]);
    expect(errors).toEqual([]);
  });

  describe.each(["full", "lean"] as const)("the %s client bundle", (flavour) => {
    it.each(cases.cases.map((c, i) => [c.key, i] as const))("answers getOffers and getAttributes for %s exactly as Node does", (_key, i) => {
      expect(inBrowser[flavour]?.[i]).toEqual(answers[flavour][i]);
    });
  });
});
