import type { Miniflare } from "miniflare";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { repoPath } from "../../../../scripts/edge/kit/cases.js";
import { answersPerBundle, moduleFromFile, startWorker } from "../../../../scripts/edge/kit/workerd.js";
import { CLIENT_BUILT, clientNodeAnswers, type ClientAnswer, type ClientFlavour } from "./kit.js";

const { cases, answers } = await clientNodeAnswers();
const runtime = (file: string) => repoPath(`packages/client/test/edge/runtime/${file}`);

describe("TargetClient's on-device path, bundled, in workerd (miniflare)", () => {
  let worker: Miniflare;
  const inWorkerd: Partial<Record<ClientFlavour, ClientAnswer[]>> = {};

  beforeAll(async () => {
    worker = startWorker([
      moduleFromFile("client-worker.js", runtime("client-worker.js")),
      moduleFromFile("client-case.js", runtime("client-case.js")),
      moduleFromFile("client.js", repoPath(CLIENT_BUILT.bundleFull)),
      moduleFromFile("client-lean.js", repoPath(CLIENT_BUILT.bundleLean)),
    ]);
    Object.assign(inWorkerd, await answersPerBundle<ClientAnswer>(worker, cases));
  }, 60_000);

  afterAll(async () => {
    await worker?.dispose();
  });

  it("runs in workerd itself, where neither process nor Buffer exists", async () => {
    const response = await worker.dispatchFetch("http://edge.test/");
    expect(await response.json()).toEqual({ userAgent: "Cloudflare-Workers", process: "undefined", buffer: "undefined" });
  });

  it("decides every request on-device and sends its notifications", () => {
    expect(cases.cases.length).toBeGreaterThanOrEqual(39 + 65);
    expect(answers.full.filter((a) => a.error)).toEqual([]);
    expect(inWorkerd.full?.map((a) => a.key)).toEqual(cases.cases.map((c) => c.key));
    expect(inWorkerd.full?.every((a) => a.deliveries.length > 0)).toBe(true);
  });

  describe.each(["full", "lean"] as const)("the %s client bundle", (flavour) => {
    it.each(cases.cases.map((c, i) => [c.key, i] as const))("answers getOffers and getAttributes for %s exactly as Node does", (_key, i) => {
      expect(inWorkerd[flavour]?.[i]).toEqual(answers[flavour][i]);
    });
  });
});
