/**
 * `decisioning serve` as a sidecar (issue #17): what clients in other languages send is
 * forwarded or counted, a file artifact is watched, a URL artifact is polled conditionally,
 * and /health says how things stand. Real binary, real HTTP client, real local servers.
 */
import type { ChildProcess } from "node:child_process";
import { renameSync, writeFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { artifact } from "@decisioning/testing";
import { fault, startFakeCdn, startFakeDeliveryApi, type FakeDeliveryApi } from "@decisioning/testing/servers";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { ensureBuilt, start } from "../helpers/binary.js";
import { FEATURES, tempJson } from "../helpers/fixtures.js";

beforeAll(ensureBuilt, 120000);

const running: ChildProcess[] = [];
const apis: FakeDeliveryApi[] = [];
afterEach(async () => {
  for (const child of running.splice(0)) child.kill("SIGTERM");
  await Promise.all(apis.splice(0).map((api) => api.close()));
});

async function serve(args: string[]) {
  const started = await start(["serve", "--port", "0", ...args], /listening on (http:\/\/127\.0\.0\.1:(\d+))/);
  running.push(started.child);
  return { url: started.match[1] as string, output: started.output, child: started.child };
}

async function deliveryApi(): Promise<FakeDeliveryApi> {
  const api = await startFakeDeliveryApi();
  apis.push(api);
  return api;
}

const post = async (url: string, body: unknown, query = "?sessionId=s-1") => {
  const response = await fetch(`${url}/rest/v1/delivery${query}`, { method: "POST", body: JSON.stringify(body) });
  return { status: response.status, json: (await response.json()) as any };
};

const health = async (url: string): Promise<any> => (await fetch(`${url}/health`)).json();

const executeFlags = { id: { tntId: "v-1" }, execute: { mboxes: [{ name: "flags", index: 1 }] } };

describe("decisioning serve forwards what clients send", () => {
  it("forwards the display and click notifications a client sends with prefetched tokens to --notify", async () => {
    const api = await deliveryApi();
    const { url } = await serve(["-a", FEATURES, "--notify", api.endpoint]);
    const prefetched = await post(url, { id: { tntId: "v-1" }, prefetch: { mboxes: [{ name: "ab-hero", index: 1 }] } });
    const option = prefetched.json.prefetch.mboxes[0].options[0];
    const click = prefetched.json.prefetch.mboxes[0].metrics?.find((metric: any) => metric.type === "click");
    expect(option.eventToken).toEqual(expect.any(String));
    const notifications = [
      { id: "n-display", type: "display", timestamp: Date.now(), mbox: { name: "ab-hero" }, tokens: [option.eventToken] },
      { id: "n-click", type: "click", timestamp: Date.now(), mbox: { name: "ab-hero" }, tokens: [click?.eventToken ?? "click-token"] },
    ];
    const answer = await post(url, { id: { tntId: "v-1" }, context: { channel: "web" }, notifications });
    expect(answer.status).toBe(200);
    expect(answer.json.notificationsDropped).toBeUndefined();
    await expect.poll(() => api.notifications.map((n) => n.id), { timeout: 5000 }).toEqual(expect.arrayContaining(["n-display", "n-click"]));
    const call = api.calls.find((c) => c.request.notifications?.some((n) => n.id === "n-display"));
    expect(call?.request.id).toEqual({ tntId: "v-1" });
    expect(call?.request.notifications?.[0]?.tokens).toEqual([option.eventToken]);
    expect(call?.query).toMatchObject({ client: "acme", sessionId: "s-1" });
    await expect.poll(async () => (await health(url)).notifications, { timeout: 5000 }).toMatchObject({ forwarded: 2, dropped: 0, queued: 0 });
  });

  it("sends a decision's own display notification and the client's in one request", async () => {
    const api = await deliveryApi();
    const { url } = await serve(["-a", FEATURES, "--notify", api.endpoint]);
    await post(url, { ...executeFlags, notifications: [{ id: "n-1", type: "display", timestamp: 1, mbox: { name: "ab-hero" }, tokens: ["t"] }] });
    await expect.poll(() => api.calls.length, { timeout: 5000 }).toBe(1);
    expect(api.calls[0]?.request.notifications?.map((n) => n.mbox?.name)).toEqual(["flags", "ab-hero"]);
    await expect.poll(async () => (await health(url)).notifications.forwarded, { timeout: 5000 }).toBe(2);
  });

  it("without --notify warns at start, says so in each answer that owed Target something, and counts the drops", async () => {
    const { url, output } = await serve(["-a", FEATURES]);
    await expect.poll(output, { timeout: 2000 }).toContain("warning: no --notify: notifications");
    const answer = await post(url, { ...executeFlags, notifications: [{ id: "n-1", type: "click", timestamp: 1, mbox: { name: "flags" }, tokens: ["t"] }] });
    expect(answer.status).toBe(200);
    expect(answer.json.notificationsDropped).toEqual({ count: 2, reason: "no-notify-url", message: expect.stringContaining("without --notify") });
    const prefetchOnly = await post(url, { id: { tntId: "v-1" }, prefetch: { mboxes: [{ name: "flags", index: 1 }] } });
    expect(prefetchOnly.json.notificationsDropped).toBeUndefined();
    expect((await health(url)).notifications).toMatchObject({ target: null, forwarded: 0, dropped: 2, droppedByReason: { "no-notify-url": 2 } });
  });

  it("refuses notifications that are not a list of objects, naming the field", async () => {
    const { url } = await serve(["-a", FEATURES]);
    expect(await post(url, { notifications: { id: 1 } })).toEqual({
      status: 400,
      json: { status: 400, message: "request.notifications: must be an array of notifications" },
    });
    expect(await post(url, { notifications: [{ id: "a" }, 7] })).toEqual({
      status: 400,
      json: { status: 400, message: "request.notifications[1]: must be an object" },
    });
  });

  it("never makes an answer wait for a hanging --notify, and counts what the bounded queue drops, then what shutdown leaves", async () => {
    const api = await deliveryApi();
    api.failAlways(fault.hang());
    const { url, child, output } = await serve(["-a", FEATURES, "--notify", api.endpoint, "--notify-queue", "2"]);
    for (let i = 0; i < 10; i++) {
      const started = Date.now();
      const answer = await post(url, executeFlags);
      expect(answer.status).toBe(200);
      expect(Date.now() - started).toBeLessThan(1000);
      // Four are being sent, two wait; the rest are dropped on arrival.
      if (i >= 6) expect(answer.json.notificationsDropped).toMatchObject({ count: 1, reason: "queue-full" });
      else expect(answer.json.notificationsDropped).toBeUndefined();
    }
    expect((await health(url)).notifications).toMatchObject({ forwarded: 0, dropped: 4, droppedByReason: { "queue-full": 4 }, queued: 2, inFlight: 4 });
    expect(output()).toMatch(/notifications? dropped \(queue-full\): the notification queue is full/);
    const exit = new Promise<number | null>((resolve) => child.on("exit", resolve));
    child.kill("SIGTERM");
    expect(await exit).toBe(0);
    expect(output()).toContain("decisioning serve: stopped (notifications: 0 forwarded, 10 dropped)");
  }, 20000);

  it("counts notifications the Delivery API refuses as dropped, with the status", async () => {
    const api = await deliveryApi();
    api.failAlways(fault.status(400));
    const { url } = await serve(["-a", FEATURES, "--notify", api.endpoint]);
    await post(url, executeFlags);
    await expect
      .poll(async () => (await health(url)).notifications, { timeout: 5000 })
      .toMatchObject({
        forwarded: 0,
        dropped: 1,
        droppedByReason: { "http-error": 1 },
        lastError: { reason: "http-error", message: expect.stringMatching(/^HTTP 400 from http:\/\/127\.0\.0\.1:\d+$/) },
      });
  });
});

const versioned = (version: number) => artifact({ client: "kit" }).activity("t").mbox("m").experience("Only", 100, { json: { version } }).build();
const contentOf = async (url: string): Promise<unknown> =>
  (await post(url, { id: { tntId: "v" }, execute: { mboxes: [{ name: "m", index: 1 }] } })).json.execute.mboxes[0].options[0].content;

describe("decisioning serve keeps its artifact fresh", () => {
  it("picks up an edit to a file artifact, keeps the last good one through a bad edit, and reports it", async () => {
    const path = tempJson("watched.json", versioned(1));
    const { url, output } = await serve(["-a", path]);
    expect(await contentOf(url)).toEqual({ version: 1 });
    writeFileSync(path, JSON.stringify(versioned(2)));
    await expect.poll(() => contentOf(url), { timeout: 5000 }).toEqual({ version: 2 });
    writeFileSync(path, "{ broken");
    await expect
      .poll(output, { timeout: 5000 })
      .toMatch(/artifact refresh failed, still deciding with the previous one: the artifact .*watched\.json is not valid JSON/);
    expect(await contentOf(url)).toEqual({ version: 2 });
    expect(await health(url)).toMatchObject({
      status: "degraded",
      artifact: { kind: "file", refresh: "watch", lastRefresh: { result: "failed", error: expect.stringContaining("not valid JSON") } },
    });
    // Deploy tools replace the file by renaming a new one over it.
    const next = tempJson("watched.json.next", versioned(3));
    renameSync(next, path);
    await expect.poll(() => contentOf(url), { timeout: 5000 }).toEqual({ version: 3 });
    expect(await health(url)).toMatchObject({ status: "ok", artifact: { lastRefresh: { result: "updated" } } });
    expect(output()).toContain(`artifact updated from ${path} (version 1.0.0)`);
  }, 20000);

  it("sends If-None-Match from the first poll on, and /health shows the ETag, the age and the last refresh", async () => {
    const cdn = await startFakeCdn({ artifact: versioned(1) });
    try {
      const { url } = await serve(["-a", cdn.artifactUrl, "--poll", "1"]);
      await expect.poll(() => cdn.requests.length, { timeout: 5000 }).toBeGreaterThanOrEqual(2);
      expect(cdn.requests[0]?.headers["if-none-match"]).toBeUndefined();
      expect(cdn.requests[1]).toMatchObject({ headers: { "if-none-match": cdn.etag }, outcome: 304 });
      const status = await health(url);
      expect(status).toMatchObject({
        status: "ok",
        client: "kit",
        artifact: {
          kind: "url",
          source: cdn.artifactUrl,
          refresh: "poll every 1 s",
          etag: cdn.etag,
          loadedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
          ageMs: expect.any(Number),
          lastRefresh: { result: "not-modified", at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/), agoMs: expect.any(Number) },
        },
        notifications: { forwarded: 0, dropped: 0 },
      });
      expect(status.artifact.ageMs).toBeGreaterThanOrEqual(900);
    } finally {
      await cdn.close();
    }
  });
});

describe("decisioning serve says what is wrong with a request", () => {
  it("answers a gzip body with a readable 400, with or without Content-Encoding", async () => {
    const { url } = await serve(["-a", FEATURES]);
    const body = gzipSync(JSON.stringify(executeFlags));
    const encoded = await fetch(`${url}/rest/v1/delivery`, { method: "POST", headers: { "content-encoding": "gzip" }, body });
    expect(encoded.status).toBe(400);
    expect(((await encoded.json()) as any).message).toMatch(/gzip-encoded \(Content-Encoding: gzip\): send the JSON uncompressed/);
    const bare = await fetch(`${url}/rest/v1/delivery`, { method: "POST", body });
    expect(bare.status).toBe(400);
    expect(((await bare.json()) as any).message).toMatch(/the body is gzip-compressed: send the JSON uncompressed/);
  });

  it("logs a name the artifact does not know once, with the closest known name", async () => {
    const { url, output } = await serve(["-a", FEATURES]);
    for (let i = 0; i < 3; i++) await post(url, { execute: { mboxes: [{ name: "flgs", index: 1 }] }, prefetch: { views: [{ name: "hone" }] } });
    await expect.poll(output, { timeout: 2000 }).toContain('warning: view "hone" is not in the artifact');
    expect(
      output().match(
        /warning: mbox "flgs" is not in the artifact \(not local, not remote, no rules\), so it is left to the Delivery API \(status 206\): did you mean "flags"\?/g,
      ),
    ).toHaveLength(1);
    expect(output()).toContain(
      'view "hone" is not in the artifact (not local, not remote, no rules), so it is left to the Delivery API (status 206): did you mean "home"?',
    );
  });
});
