/**
 * `decisioning serve` cannot be exhausted (issue #20): each attack or fault is played against
 * the real binary on 127.0.0.1, with a real CDN.
 */
import type { ChildProcess } from "node:child_process";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { artifact } from "@decisioning/testing";
import { startFakeCdn } from "@decisioning/testing/servers";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { ensureBuilt, run, start } from "../helpers/binary.js";
import { FEATURES, LARGE } from "../helpers/fixtures.js";

beforeAll(ensureBuilt, 120000);

const running: ChildProcess[] = [];
const servers: Server[] = [];
afterEach(async () => {
  for (const child of running.splice(0)) child.kill("SIGTERM");
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
});

async function serve(args: string[]) {
  const started = await start(["serve", "--port", "0", ...args], /listening on (http:\/\/127\.0\.0\.1:(\d+))/);
  running.push(started.child);
  return { url: started.match[1] as string, output: started.output };
}

const post = async (url: string, body: unknown, query = "") => {
  const response = await fetch(`${url}/rest/v1/delivery${query}`, { method: "POST", body: JSON.stringify(body) });
  return { status: response.status, json: (await response.json()) as any };
};

const health = async (url: string): Promise<any> => (await fetch(`${url}/health`)).json();

const versioned = (version: number) => artifact({ client: "kit" }).activity("t").mbox("m").experience("Only", 100, { json: { version } }).build();

const contentOf = async (url: string): Promise<unknown> =>
  (await post(url, { id: { tntId: "v" }, execute: { mboxes: [{ name: "m", index: 1 }] } })).json.execute.mboxes[0].options[0].content;

describe("decisioning serve under attack", () => {
  it("answers a ?client= other than the artifact's with a 400, and never compiles a decider for it", async () => {
    const { url } = await serve(["-a", FEATURES]);
    const other = await post(url, { execute: { mboxes: [{ name: "flags", index: 1 }] } }, "?client=someone-else");
    expect(other.status).toBe(400);
    expect(other.json.message).toMatch(/client "someone-else" is not the client this server decides for \(acme\).*--other-clients/);
    expect((await post(url, { execute: { mboxes: [{ name: "flags", index: 1 }] } }, "?client=acme")).status).toBe(200);
    expect((await post(url, { execute: { mboxes: [{ name: "flags", index: 1 }] } })).status).toBe(200);
    expect((await health(url)).otherClients).toEqual({ max: 0, cached: 0 });
  });

  it("keeps at most --other-clients deciders for other client codes, however many are asked for", async () => {
    const { url } = await serve(["-a", FEATURES, "--other-clients", "3"]);
    for (let i = 0; i < 40; i++) {
      const { status, json } = await post(url, { id: { tntId: "v-1" }, execute: { mboxes: [{ name: "ab-hero", index: 1 }] } }, `?client=client${i}`);
      expect(status).toBe(200);
      expect(json.client).toBe(`client${i}`);
    }
    expect((await health(url)).otherClients).toEqual({ max: 3, cached: 3 });
    const bad = await post(url, {}, `?client=${encodeURIComponent("a/b?c")}`);
    expect(bad).toMatchObject({ status: 400, json: { message: expect.stringContaining("must be a Target client code") } });
  });

  it("holds its memory when a thousand client codes are asked for a large artifact", async () => {
    const { url } = await serve(["-a", LARGE]);
    const request = { id: { tntId: "v-1" }, execute: { mboxes: [{ name: "target-global-mbox", index: 1 }] } };
    const statuses = new Set<number>();
    for (let i = 0; i < 1000; i++) statuses.add((await post(url, request, `?client=c${i}`)).status);
    expect([...statuses]).toEqual([400]);
    expect((await health(url)).otherClients.cached).toBe(0);
  }, 60000);

  it("refuses an artifact download over --max-artifact-bytes at start, naming the limit", async () => {
    const cdn = await startFakeCdn({ artifact: versioned(1) });
    try {
      const { code, stderr } = await run(["serve", "-a", cdn.artifactUrl, "--port", "0", "--max-artifact-bytes", "100"]);
      expect(code).toBe(1);
      expect(stderr).toMatch(/could not load the artifact from http:\/\/127\.0\.0\.1:\d+\/.*: .*maxArtifactBytes \(100\)/);
    } finally {
      await cdn.close();
    }
  });

  it("keeps the artifact in use when a refresh brings a body over --max-artifact-bytes", async () => {
    const small = versioned(1);
    const large = artifact({ client: "kit" })
      .activity("t")
      .mbox("m")
      .experience("Only", 100, { json: { version: 2, padding: "x".repeat(20000) } })
      .build();
    const cdn = await startFakeCdn({ artifact: small });
    try {
      const { url, output } = await serve(["-a", cdn.artifactUrl, "--poll", "1", "--max-artifact-bytes", "10000"]);
      cdn.setArtifact(large);
      await expect.poll(output, { timeout: 8000 }).toMatch(/artifact refresh failed, still deciding with the previous one: .*maxArtifactBytes \(10000\)/);
      expect(await contentOf(url)).toEqual({ version: 1 });
      expect((await health(url)).artifact.lastRefresh).toMatchObject({ result: "failed", error: expect.stringContaining("maxArtifactBytes (10000)") });
    } finally {
      await cdn.close();
    }
  });

  it("downloads one artifact at a time and never goes back to an older one when downloads are slow", async () => {
    // Each GET is answered with the version current when it arrived; the second one slowly, so
    // that a poller that does not wait for it sends a third, gets v3, then takes the late v2.
    let version = 0;
    let active = 0;
    let most = 0;
    const server = createServer((req, res) => {
      const served = ++version;
      active++;
      most = Math.max(most, active);
      setTimeout(
        () => {
          active--;
          res.writeHead(200, { "content-type": "application/json", etag: `"v${served}"` });
          res.end(JSON.stringify(versioned(served)));
        },
        served === 2 ? 2500 : 0,
      );
    });
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const cdnUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/rules.json`;
    const { url } = await serve(["-a", cdnUrl, "--poll", "1", "--client", "kit"]);
    const seen: number[] = [];
    const deadline = Date.now() + 6000;
    while (Date.now() < deadline) {
      seen.push(((await contentOf(url)) as { version: number }).version);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(most).toBe(1);
    expect(seen.at(-1)).toBeGreaterThanOrEqual(3);
    for (let i = 1; i < seen.length; i++) expect(seen[i]).toBeGreaterThanOrEqual(seen[i - 1] as number);
  }, 15000);

  it("refuses traces unless the operator allows them", async () => {
    const { url } = await serve(["-a", FEATURES]);
    const traced = await post(url, { trace: { authorizationToken: "anything" }, execute: { mboxes: [{ name: "flags", index: 1 }] } });
    expect(traced.status).toBe(403);
    expect(traced.json.message).toMatch(/traces are off on this server.*--trace-token/);
  });

  it("gives traces only to callers that send the --trace-token", async () => {
    const token = "s3cret-token-0123456789";
    const { url } = await serve(["-a", FEATURES, "--trace-token", token]);
    const request = (authorizationToken?: string) => ({
      trace: authorizationToken === undefined ? {} : { authorizationToken },
      execute: { mboxes: [{ name: "flags", index: 1 }] },
    });
    expect((await post(url, request())).status).toBe(403);
    expect((await post(url, request("wrong"))).status).toBe(403);
    const allowed = await post(url, request(token));
    expect(allowed.status).toBe(200);
    expect(allowed.json.execute.mboxes[0].trace).toBeDefined();
  });

  it("refuses an answer over --max-response-bytes with a 413 and keeps serving", async () => {
    const { url } = await serve(["-a", LARGE, "--allow-trace", "--max-response-bytes", "200000"]);
    // Each item's trace repeats the ones before it: a 3 KB request asks for megabytes.
    const mboxes = (count: number) =>
      Array.from({ length: count }, (_, i) => ({ name: "target-global-mbox", index: i + 1, parameters: { padding: "p".repeat(500) } }));
    const big = await post(url, { trace: {}, id: { tntId: "v-1" }, execute: { mboxes: mboxes(5) } });
    expect(big.status).toBe(413);
    expect(big.json.message).toMatch(/the answer would be \d+ bytes, over this server's limit of 200000 \(--max-response-bytes\).*without trace/);
    // Past ten items it is refused before any work: 50 took half a minute and 95 MB.
    const started = Date.now();
    const many = await post(url, { trace: {}, id: { tntId: "v-1" }, execute: { mboxes: mboxes(50) } });
    expect(many.status).toBe(413);
    expect(many.json.message).toMatch(/a traced request may ask for at most 10 mboxes, views and page loads .*this one asks for 50/);
    expect(Date.now() - started).toBeLessThan(2000);
    expect((await post(url, { id: { tntId: "v-1" }, execute: { mboxes: mboxes(1) } })).status).toBe(200);
  });

  it.each([
    ["a short trace token", ["--trace-token", "short"], /--trace-token must be at least 16 characters/],
    ["both trace options", ["--trace-token", "0123456789abcdef", "--allow-trace"], /not both/],
    ["a client cap that is not a number", ["--other-clients", "many"], /--other-clients must be an integer of at least 0/],
  ])("explains %s", async (_name, args, message) => {
    const { code, stderr } = await run(["serve", "-a", FEATURES, "--port", "0", ...args]);
    expect(code).toBe(2);
    expect(stderr).toMatch(message);
  });
});
