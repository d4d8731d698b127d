import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { Agent } from "node:http";
import type { Duplex } from "node:stream";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { fileSnapshotStore, nodeFetch, proxyFetch } from "@decisioning/engine/node";
import { createDecisioningEngine, ErrorCode } from "../../src/index.js";
import { fault, startFakeCdn } from "@decisioning/testing/servers";
import { binFixture, fastLoader, flagArtifact, flagRequest, flagValue, loaderRig } from "../kit/index.js";

const { serve, startEngine, track } = loaderRig({ pollingInterval: 50 });

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "decisioning-snapshot-"));
  track(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** An http.Agent that counts the connections it opens: proof that requests went through it. */
class CountingAgent extends Agent {
  connections = 0;
  override createConnection(...args: Parameters<Agent["createConnection"]>): Duplex | null | undefined {
    this.connections += 1;
    return super.createConnection(...args);
  }
}

describe("fileSnapshotStore", () => {
  it("saves and loads a snapshot: header line, then the body bytes", async () => {
    const path = join(await tempDir(), "nested", "dir", "rules.snapshot");
    const store = fileSnapshotStore(path);
    expect(await store.load("k")).toBeUndefined();
    const body = new Uint8Array([0, 1, 2, 10, 13, 255]);
    await store.save("k", { body, savedAt: 1700000000000, etag: '"e1"' });
    expect(await store.load("k")).toEqual({ body, savedAt: 1700000000000, etag: '"e1"' });
    expect(await store.load("another-location")).toBeUndefined();
    const raw = await readFile(path);
    expect(raw.subarray(0, raw.indexOf(10)).toString()).toBe('{"v":1,"key":"k","savedAt":1700000000000,"etag":"\\"e1\\""}');
  });

  it("replaces the file atomically: concurrent writers never leave a torn or temporary file", async () => {
    const dir = await tempDir();
    const path = join(dir, "rules.snapshot");
    const store = fileSnapshotStore(path);
    const bodies = Array.from({ length: 20 }, (_, i) => new TextEncoder().encode(JSON.stringify(flagArtifact("x".repeat(i * 500)))));
    const readers = Array.from({ length: 40 }, async () => {
      const found = await store.load("k");
      if (found) expect(bodies.some((b) => Buffer.compare(Buffer.from(b), Buffer.from(found.body)) === 0)).toBe(true);
    });
    await Promise.all([...bodies.map((body, i) => store.save("k", { body, savedAt: i })), ...readers]);
    expect(await readdir(dir)).toEqual(["rules.snapshot"]);
  });

  it("refuses a file that is not a snapshot", async () => {
    const path = join(await tempDir(), "rules.snapshot");
    await writeFile(path, "hello");
    await expect(fileSnapshotStore(path).load("k")).rejects.toThrow(/not an artifact snapshot/);
  });

  it("lets a Node process that restarts while the CDN is down decide from the file", async () => {
    const path = join(await tempDir(), "rules.snapshot");
    const server = await serve();
    const first = await startEngine(server, { snapshotStore: fileSnapshotStore(path) });
    await first.engine.close();

    server.failAlways(fault.status(500));
    const { engine, events } = await startEngine(server, { snapshotStore: fileSnapshotStore(path) });
    expect(flagValue(await engine.getOffers(flagRequest()))).toBe("v1");
    expect(events.named("artifactSnapshotUsed")[0]).toMatchObject({ ageMs: expect.any(Number), savedAt: expect.any(Number) });
  });
});

describe("the Node transport behind nodeFetch and proxyFetch", () => {
  it("proxyFetch sends artifact downloads through the given agent", async () => {
    const server = await serve();
    const agent = new CountingAgent({ keepAlive: false });
    const { engine } = await startEngine(server, { fetchApi: proxyFetch(agent) });
    expect(flagValue(await engine.getOffers(flagRequest()))).toBe("v1");
    await server.waitForRequests(2);
    expect(agent.connections).toBeGreaterThanOrEqual(2);
  });

  it("close() with a non-keep-alive proxy agent leaves no socket open", async () => {
    const server = await serve();
    const agent = new CountingAgent({ keepAlive: false });
    const { engine } = await startEngine(server, { fetchApi: proxyFetch(agent) });
    server.failAlways(fault.hang());
    await server.waitForRequests(2);
    expect(server.openConnections()).toBeGreaterThanOrEqual(1);
    await engine.close();
    await server.waitForNoConnections();
    await server.waitForNoActiveRequests();
  });

  it("nodeFetch reads rules.bin and enforces maxArtifactBytes on a streamed body", async () => {
    const { bin, json, organizationId } = binFixture();
    const server = await startFakeCdn({ artifact: bin, path: "/rules.bin" });
    track(() => server.close());
    const config = { artifactLocation: server.url("/rules.bin"), organizationId, fetchApi: nodeFetch, pollingInterval: 0 };
    const { engine } = await startEngine(server, config);
    expect(engine.getRawArtifact()).toEqual(json);

    server.setRoute("/rules.bin", { body: bin, chunked: true });
    const small = createDecisioningEngine({ client: "acme", ...config, maxArtifactBytes: 1000 }, fastLoader({ initialRetries: 0 }));
    await expect(small).rejects.toMatchObject({ code: ErrorCode.ArtifactNotAvailable, cause: { code: ErrorCode.ArtifactTooLarge } });
  });
});
