import { mkdtempSync, mkdirSync, readFileSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import * as esbuild from "esbuild";
import type { Miniflare } from "miniflare";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EDGE_BUILD_OPTIONS } from "../../../../scripts/edge/build.js";
import { repoPath } from "../../../../scripts/edge/kit/cases.js";
import { startWorker, type TestKv } from "../../../../scripts/edge/kit/workerd.js";
import { CLIENT_BUILT } from "./kit.js";

// The example of examples/cloudflare-worker, bundled as wrangler would bundle it (esbuild, the
// workerd/worker/browser conditions, wrangler.toml's optional alias for the lean engine), then
// run in workerd with a KV namespace and a fake internet behind its outbound fetches.
const artifact = JSON.parse(readFileSync(repoPath("fixtures/artifacts/features.json"), "utf8"));
const CHROME = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36";
const PAGES = ["https://shop.example.co.uk/deals?sale=1", "https://www.acme.com/", "https://www.acme.com/?q=boots"];
const CDN = "https://assets.adobetarget.com/acme/production/v1/rules.json";
const SNAPSHOT_KEY = `decisioning-artifact:${CDN}`;
const ENV = { TARGET_CLIENT: "acme", TARGET_ORGANIZATION_ID: "ACME@AdobeOrg", TARGET_FLAGS_MBOX: "flags" };

let scratch: string;

/** Bundle the example; `lean` applies the alias wrangler.toml documents. */
async function bundleExample(lean: boolean, edit: (code: string) => string = (code) => code): Promise<string> {
  const result = await esbuild.build({
    ...EDGE_BUILD_OPTIONS,
    minify: false,
    metafile: false,
    write: false,
    entryPoints: [repoPath("examples/cloudflare-worker/src/worker.ts")],
    outfile: "worker.js",
    // Where `npm install` would have put the packages, next to wrangler.toml.
    nodePaths: [join(scratch, "node_modules")],
    absWorkingDir: scratch,
    ...(lean ? { alias: { "@decisioning/engine": "./node_modules/@decisioning/engine/dist/lean.js" } } : {}),
  });
  return edit(result.outputFiles![0]!.text);
}

/** What the example's outbound fetches met: the Delivery API (pings, notifications) and the CDN. */
interface Outbound {
  cdn: number;
  notifications: Array<{ url: string; body: any }>;
  pings: number;
}

function fakeInternet(outbound: Outbound, cdnUp: boolean) {
  return async (request: Request): Promise<Response> => {
    const url = new URL(request.url);
    if (url.pathname === "/rest/v1/delivery") {
      const body: any = await request.json();
      if (body.notifications) outbound.notifications.push({ url: request.url, body });
      else outbound.pings += 1;
      return Response.json({ status: 200, requestId: body.requestId, client: "acme", id: body.id, edgeHost: "mboxedge35.tt.omtrdc.net" });
    }
    if (request.url === CDN) {
      outbound.cdn += 1;
      return cdnUp ? Response.json(artifact) : new Response("down", { status: 503 });
    }
    return new Response("not here", { status: 404 });
  };
}

async function eventually<T>(read: () => Promise<T> | T, done: (value: T) => boolean, ms = 5000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > until) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Node's answers: the built client, on the default or the lean engine, deciding the same pages. */
async function nodeFlags(lean: boolean): Promise<unknown[]> {
  const module = await import(pathToFileURL(repoPath(lean ? CLIENT_BUILT.bundleLean : CLIENT_BUILT.nodeFull)).href);
  const TargetClient = module.TargetClient;
  let ready!: () => void;
  const isReady = new Promise<void>((resolve) => (ready = resolve));
  const client = TargetClient.create({
    client: "acme",
    organizationId: "ACME@AdobeOrg",
    decisioningMethod: "on-device",
    artifactPayload: artifact,
    targetLocationHint: "35",
    fetchApi: async () => Response.json({}),
    events: { clientReady: () => ready() },
  });
  await isReady;
  const answers = [];
  for (const url of PAGES) {
    const attributes = await client.getAttributes(["flags"], { request: { context: { channel: "web", address: { url }, userAgent: CHROME } } });
    answers.push(attributes.asObject("flags"));
  }
  await client.close();
  return answers;
}

beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), "edge-example-"));
  mkdirSync(join(scratch, "node_modules", "@decisioning"), { recursive: true });
  for (const name of ["client", "engine"]) symlinkSync(repoPath(`packages/${name}`), join(scratch, "node_modules", "@decisioning", name), "dir");
});

afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
});

describe.each([
  ["default engine", false],
  ["lean engine (wrangler alias)", true],
] as const)("the Cloudflare Worker example with the %s", (_name, lean) => {
  let worker: Miniflare;
  let code: string;
  const outbound: Outbound = { cdn: 0, notifications: [], pings: 0 };

  beforeAll(async () => {
    code = await bundleExample(lean);
    worker = startWorker([{ path: "worker.js", contents: code }], {
      kvNamespaces: ["TARGET_KV"],
      bindings: ENV,
      outboundService: fakeInternet(outbound, true),
    });
    const kv = (await worker.getKVNamespace("TARGET_KV")) as unknown as TestKv;
    await kv.put("rules.json", JSON.stringify(artifact));
  }, 30_000);

  afterAll(async () => {
    await worker?.dispose();
  });

  it("bundles with the Public Suffix List only when the lean alias is not applied", () => {
    expect(code.includes("PSL_RULES")).toBe(!lean);
  });

  it("splits shop.example.co.uk as its engine does: the UK audience needs the Public Suffix List", async () => {
    const [ukShop] = await nodeFlags(lean);
    expect((ukShop as Record<string, unknown>)["currency"] === "GBP").toBe(!lean);
  });

  it("sets the flags header and body from getAttributes, page by page, as Node decides them", async () => {
    const expected = await nodeFlags(lean);
    for (const [i, url] of PAGES.entries()) {
      const response = await worker.dispatchFetch(url, { headers: { "user-agent": CHROME } });
      expect(response.status).toBe(200);
      const body = (await response.json()) as { mbox: string; flags: unknown };
      expect(body).toEqual({ mbox: "flags", flags: expected[i] });
      expect(JSON.parse(response.headers.get("x-target-flags")!)).toEqual(expected[i]);
      expect(response.headers.get("set-cookie")).toMatch(/^mbox=session%23/);
    }
  });

  it("starts from the artifact in KV without fetching the CDN", () => {
    expect(outbound.cdn).toBe(0);
  });

  it("sends Target nothing but notifications: no location-hint ping delays a new isolate's first answer", () => {
    expect(outbound.pings).toBe(0);
  });

  it("keeps the visitor's edge cluster: mboxEdgeCluster in, notifications to that cluster and the cookie out", async () => {
    const before = outbound.notifications.length;
    const response = await worker.dispatchFetch(PAGES[1]!, { headers: { "user-agent": CHROME, cookie: "mboxEdgeCluster=34" } });
    expect(response.status).toBe(200);
    expect(response.headers.getSetCookie()).toContainEqual(expect.stringMatching(/^mboxEdgeCluster=34; Max-Age=\d+; Path=\/; Secure; SameSite=Lax$/));
    const sent = await eventually(
      () => outbound.notifications.slice(before),
      (n) => n.length >= 1,
    );
    expect(new URL(sent[0]!.url).host).toBe("mboxedge34.tt.omtrdc.net");
  });

  it("delivers the display notifications after the response, through ctx.waitUntil", async () => {
    const sent = await eventually(
      () => outbound.notifications.length,
      (n) => n >= PAGES.length + 1,
    );
    expect(sent).toBe(PAGES.length + 1);
    const mboxes = outbound.notifications.flatMap((n) => n.body.notifications.map((item: any) => item.mbox?.name));
    expect(new Set(mboxes)).toEqual(new Set(["flags"]));
  });
});

describe("the Cloudflare Worker example without its waitUntil hand-off", () => {
  it("loses notifications: workerd cancels what a request leaves running (why the example hands work over)", async () => {
    const outbound: Outbound = { cdn: 0, notifications: [], pings: 0 };
    const code = await bundleExample(false, (text) => {
      expect(text).toContain("background.handOff(ctx);");
      return text.replace("background.handOff(ctx);", "");
    });
    const worker = startWorker([{ path: "worker.js", contents: code }], {
      kvNamespaces: ["TARGET_KV"],
      bindings: ENV,
      outboundService: fakeInternet(outbound, true),
    });
    try {
      const kv = (await worker.getKVNamespace("TARGET_KV")) as unknown as TestKv;
      await kv.put("rules.json", JSON.stringify(artifact));
      for (const url of PAGES) await (await worker.dispatchFetch(url, { headers: { "user-agent": CHROME } })).text();
      await new Promise((resolve) => setTimeout(resolve, 1000));
      expect(outbound.notifications.length).toBeLessThan(PAGES.length);
    } finally {
      await worker.dispose();
    }
  }, 30_000);
});

describe("the Cloudflare Worker example without an artifact in KV", () => {
  const outbound: Outbound = { cdn: 0, notifications: [], pings: 0 };
  let snapshot: string | null = null;

  it("downloads the artifact from the CDN and keeps a snapshot of it in KV", async () => {
    const worker = startWorker([{ path: "worker.js", contents: await bundleExample(false) }], {
      kvNamespaces: ["TARGET_KV"],
      bindings: ENV,
      outboundService: fakeInternet(outbound, true),
    });
    try {
      const response = await worker.dispatchFetch(PAGES[1]!, { headers: { "user-agent": CHROME } });
      expect(response.status).toBe(200);
      expect(outbound.cdn).toBe(1);
      const kv = (await worker.getKVNamespace("TARGET_KV")) as unknown as TestKv;
      // Written in the background and handed to waitUntil: it lands after the response.
      snapshot = await eventually(
        () => kv.get(SNAPSHOT_KEY),
        (value) => value !== null,
      );
      expect(snapshot).not.toBeNull();
    } finally {
      await worker.dispose();
    }
  }, 30_000);

  it("answers from that snapshot in a new isolate while the CDN is down", async () => {
    expect(snapshot).not.toBeNull();
    const down: Outbound = { cdn: 0, notifications: [], pings: 0 };
    const worker = startWorker([{ path: "worker.js", contents: await bundleExample(false) }], {
      kvNamespaces: ["TARGET_KV"],
      bindings: ENV,
      outboundService: fakeInternet(down, false),
    });
    try {
      const kv = (await worker.getKVNamespace("TARGET_KV")) as unknown as TestKv;
      await kv.put(SNAPSHOT_KEY, snapshot!);
      const response = await worker.dispatchFetch(PAGES[0]!, { headers: { "user-agent": CHROME } });
      expect(response.status).toBe(200);
      expect(down.cdn).toBeGreaterThanOrEqual(1);
      expect(((await response.json()) as { flags: unknown }).flags).toEqual((await nodeFlags(false))[0]);
    } finally {
      await worker.dispose();
    }
  }, 30_000);
});

describe("the Cloudflare Worker example run locally with TARGET_OFFLINE=true and no network", () => {
  /** Every outbound request the worker makes; with no network each would fail and workerd would log it. */
  const attempted: string[] = [];
  const noNetwork = async (request: Request): Promise<Response> => {
    attempted.push(request.url);
    return new Response("no network", { status: 503 });
  };
  const output: string[] = [];
  const capture = (stdout: NodeJS.ReadableStream, stderr: NodeJS.ReadableStream) => {
    for (const stream of [stdout, stderr]) stream.on("data", (chunk: Buffer) => output.push(...chunk.toString("utf8").split("\n").filter(Boolean)));
  };
  let worker: Miniflare;

  beforeAll(async () => {
    worker = startWorker([{ path: "worker.js", contents: await bundleExample(false) }], {
      kvNamespaces: ["TARGET_KV"],
      bindings: { ...ENV, TARGET_OFFLINE: "true" },
      outboundService: noNetwork,
      handleRuntimeStdio: capture,
    });
  }, 30_000);

  afterAll(async () => {
    await worker?.dispose();
  });

  it("answers 503, saying what to do, while KV holds no artifact", async () => {
    const response = await worker.dispatchFetch(PAGES[1]!);
    expect(response.status).toBe(503);
    expect(((await response.json()) as { error: string }).error).toMatch(/TARGET_OFFLINE is set and KV holds no "rules\.json"/);
  });

  it("decides from the artifact in KV as Node does, with no request leaving the worker and one log line per notification", async () => {
    const kv = (await worker.getKVNamespace("TARGET_KV")) as unknown as TestKv;
    await kv.put("rules.json", JSON.stringify(artifact));
    const expected = await nodeFlags(false);
    for (const [i, url] of PAGES.entries()) {
      const response = await worker.dispatchFetch(url, { headers: { "user-agent": CHROME } });
      expect(response.status).toBe(200);
      expect(((await response.json()) as { flags: unknown }).flags).toEqual(expected[i]);
    }
    const notices = await eventually(
      () => output.filter((line) => line.includes("TARGET_OFFLINE: notification not sent to Target (flags)")),
      (lines) => lines.length >= PAGES.length,
    );
    expect(notices).toHaveLength(PAGES.length);
    // Give retries, pings or refreshes time to show up, if anything were to make them.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(attempted).toEqual([]);
    expect(output.filter((line) => !line.includes("TARGET_OFFLINE: notification not sent"))).toEqual([]);
  });
});
