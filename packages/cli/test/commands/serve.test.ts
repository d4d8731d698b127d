import type { ChildProcess } from "node:child_process";
import { createDecider } from "@decisioning/engine";
import { artifact } from "@decisioning/testing";
import { fault, startFakeCdn, startFakeDeliveryApi } from "@decisioning/testing/servers";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { ensureBuilt, run, start } from "../helpers/binary.js";
import { FEATURES, features } from "../helpers/fixtures.js";
import { closedPort } from "../helpers/net.js";

beforeAll(ensureBuilt, 120000);

const running: ChildProcess[] = [];
afterEach(() => {
  for (const child of running.splice(0)) child.kill("SIGTERM");
});

async function serve(args: string[], ready = /listening on (http:\/\/127\.0\.0\.1:(\d+))/) {
  const started = await start(["serve", ...args], ready);
  running.push(started.child);
  return started;
}

const post = async (url: string, body: unknown, query = "?client=acme&sessionId=s-1") => {
  const response = await fetch(`${url}/rest/v1/delivery${query}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  return { status: response.status, json: (await response.json()) as any };
};

const strip = (response: any) => ({ ...response, requestId: "<id>" });

describe("decisioning serve", () => {
  it("answers POST /rest/v1/delivery on the printed port with the engine's decision", async () => {
    const { match } = await serve(["-a", FEATURES, "--port", "0"]);
    const url = match[1] as string;
    const request = {
      id: { tntId: "v-1" },
      context: { channel: "web" as const, address: { url: "https://www.shop.example.co.uk/?sale=1" } },
      execute: {
        mboxes: [
          { name: "flags", index: 1 },
          { name: "ab-hero", index: 2 },
          { name: "remote-box", index: 3 },
        ],
      },
      prefetch: { views: [{ name: "home" }] },
    };
    const { status, json } = await post(url, request);
    expect(status).toBe(200);
    const decided = createDecider({ client: "acme", artifact: features() }).decide({ request, sessionId: "s-1" });
    const engine = decided.response;
    const engineNotifications = decided.notification?.request.notifications?.length;
    expect(engineNotifications).toBeGreaterThan(0);
    // Without --notify, the answer also says that the display notification it owed was dropped.
    expect(strip(json)).toEqual({
      ...strip(engine),
      notificationsDropped: { count: engineNotifications, reason: "no-notify-url", message: expect.stringContaining("without --notify") },
    });
    expect(json.status).toBe(206);
    expect(json.remoteMboxes).toEqual(["remote-box"]);
  });

  it("answers errors in the Delivery API's shape", async () => {
    const { match } = await serve(["-a", FEATURES, "--port", "0"]);
    const url = match[1] as string;
    expect(await post(url, "{not json")).toMatchObject({ status: 400, json: { status: 400, message: expect.stringContaining("not JSON") } });
    expect(await post(url, { execute: { mboxes: "flags" } })).toEqual({
      status: 400,
      json: { status: 400, message: "request.execute.mboxes: must be an array" },
    });
    const missing = await fetch(`${url}/rest/v2/other`);
    expect(missing.status).toBe(404);
    const get = await fetch(`${url}/rest/v1/delivery`);
    expect(get.status).toBe(405);
    const health = await (await fetch(`${url}/health`)).json();
    expect(health).toMatchObject({ status: "ok", client: "acme", artifact: { version: "1.0.0" } });
  });

  it("forwards the notifications decisions owe Target to --notify", async () => {
    const delivery = await startFakeDeliveryApi();
    try {
      const { match } = await serve(["-a", FEATURES, "--port", "0", "--notify", delivery.endpoint]);
      await post(match[1] as string, { id: { tntId: "v-1" }, execute: { mboxes: [{ name: "flags", index: 1 }] } });
      await expect.poll(() => delivery.notifications.length, { timeout: 5000 }).toBe(1);
      expect(delivery.notifications[0]).toMatchObject({ type: "display", mbox: { name: "flags" }, tokens: [expect.any(String)] });
      expect(delivery.calls[0]?.query).toMatchObject({ client: "acme", sessionId: "s-1" });
    } finally {
      await delivery.close();
    }
  });

  it("keeps a URL artifact fresh with conditional requests, and keeps the old one when the CDN fails", async () => {
    const v1 = artifact({ client: "kit" })
      .activity("t")
      .mbox("m")
      .experience("Only", 100, { json: { version: 1 } })
      .build();
    const v2 = artifact({ client: "kit" })
      .activity("t")
      .mbox("m")
      .experience("Only", 100, { json: { version: 2 } })
      .build();
    const cdn = await startFakeCdn({ artifact: v1 });
    try {
      const { match, output } = await serve(["-a", cdn.artifactUrl, "--port", "0", "--poll", "1"]);
      const url = match[1] as string;
      const content = async () =>
        (await post(url, { id: { tntId: "v" }, execute: { mboxes: [{ name: "m", index: 1 }] } }, "?client=kit")).json.execute.mboxes[0].options[0].content;
      expect(await content()).toEqual({ version: 1 });
      await expect.poll(() => cdn.requests.filter((r) => r.headers["if-none-match"] === cdn.etag).length, { timeout: 5000 }).toBeGreaterThan(0);
      cdn.fail(fault.status(503));
      cdn.setArtifact(v2);
      await expect
        .poll(() => output(), { timeout: 5000 })
        .toMatch(
          /artifact refresh failed, still deciding with the previous one: Failed to retrieve artifact from http:\/\/127\.0\.0\.1:\d+\/kit\/production\/v1\/rules\.json: HTTP 503\n/,
        );
      expect(await content()).toEqual({ version: 1 });
      await expect.poll(content, { timeout: 5000 }).toEqual({ version: 2 });
    } finally {
      await cdn.close();
    }
  });

  it("prints JSON events with --json", async () => {
    const { match } = await serve(["-a", FEATURES, "--port", "0", "--json"], /\{"event":"listening".*\}\n/);
    const event = JSON.parse(match[0]);
    expect(event).toMatchObject({ event: "listening", url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/), client: "acme" });
  });

  it("stops cleanly on SIGTERM", async () => {
    const { child } = await serve(["-a", FEATURES, "--port", "0"]);
    const exit = new Promise<number | null>((resolve) => child.on("exit", resolve));
    child.kill("SIGTERM");
    expect(await exit).toBe(0);
  });

  it.each([
    ["no artifact", ["--port", "0"], 2, /serve needs an artifact/],
    ["a bad port", ["-a", FEATURES, "--port", "http"], 2, /--port must be an integer/],
    ["a bad notify URL", ["-a", FEATURES, "--notify", "target"], 2, /--notify takes an http\(s\) URL/],
  ])("explains %s", async (_name, args, exitCode, message) => {
    const { code, stderr } = await run(["serve", ...args]);
    expect(code).toBe(exitCode);
    expect(stderr).toMatch(message);
  });

  it("names the cause when the artifact's URL cannot be reached, within seconds", async () => {
    const port = await closedPort();
    const { code, stderr } = await run(["serve", "-a", `http://127.0.0.1:${port}/rules.json`, "--port", "0"]);
    expect(code).toBe(1);
    expect(stderr).toMatch(
      new RegExp(
        `could not load the artifact from http://127\\.0\\.0\\.1:${port}/rules\\.json: No artifact could be loaded .* after 3 attempts: .*fetch failed \\(connect ECONNREFUSED 127\\.0\\.0\\.1:${port}\\)`,
      ),
    );
  });

  it("documents itself with --help", async () => {
    const { code, stdout } = await run(["serve", "--help"]);
    expect(code).toBe(0);
    expect(stdout).toContain("POST /rest/v1/delivery");
    expect(stdout).toContain("--notify <url>");
  });
});
