import { describe, expect, it } from "vitest";
import { bodyBytes, etagOf, fault, obfuscateArtifact } from "@decisioning/testing/servers";
import { createDecisioningEngine, ErrorCode, type Snapshot, type SnapshotStore } from "../../src/index.js";
import { kvSnapshotStore, memorySnapshotStore } from "../../src/loader/snapshot.js";
import { fastLoader, flagArtifact, flagRequest, flagValue, loaderRig, recordLogs, until } from "../kit/index.js";

const { serve, startEngine } = loaderRig();

const HOUR = 3600000;

describe("last-good snapshots", () => {
  it("saves each accepted download, with its ETag, under the artifact location", async () => {
    const artifact = flagArtifact("v1");
    const server = await serve(artifact);
    const store = memorySnapshotStore();
    const { engine } = await startEngine(server, { snapshotStore: store });
    await engine.close();
    const saved = await store.load(server.url());
    expect(saved?.etag).toBe(etagOf(artifact));
    expect(saved?.body).toEqual(bodyBytes(artifact));
    expect(typeof saved?.savedAt).toBe("number");
  });

  it("starts a restarted process from the snapshot while the CDN is down, reports its age, then catches up", async () => {
    const server = await serve();
    const store = memorySnapshotStore();
    const first = await startEngine(server, { snapshotStore: store });
    await first.engine.close();

    server.failAlways(fault.status(503));
    const later = Date.now() + HOUR;
    const { engine, events, logs } = await startEngine(server, { snapshotStore: store, platform: { now: () => later } });
    expect(flagValue(await engine.getOffers(flagRequest()))).toBe("v1");
    const used = events.named("artifactSnapshotUsed")[0];
    expect(used).toMatchObject({ artifactLocation: server.url(), savedAt: expect.any(Number) });
    expect(used?.ageMs).toBeGreaterThanOrEqual(HOUR - 5000);
    expect(used?.ageMs).toBeLessThan(HOUR + 5000);
    expect(logs.text("warn")).toMatch(/deciding with the snapshot saved at .* \(36\d\d s old\)/);
    const traced = await engine.getOffers({ request: { ...flagRequest().request, trace: {} } });
    const artifactTrace = traced.execute?.mboxes?.[0]?.trace?.artifact as Record<string, unknown> | undefined;
    expect(artifactTrace?.artifactSnapshot).toMatchObject({ ageMs: expect.any(Number), savedAt: expect.any(String) });

    server.setArtifact(flagArtifact("v2"));
    server.recover();
    await events.waitFor("artifactDownloadSucceeded");
    expect(flagValue(await engine.getOffers(flagRequest()))).toBe("v2");
    const fresh = await engine.getOffers({ request: { ...flagRequest().request, trace: {} } });
    expect(fresh.execute?.mboxes?.[0]?.trace?.artifact).not.toHaveProperty("artifactSnapshot");
  });

  it("asks the CDN with the snapshot's ETag and keeps the snapshot on a 304", async () => {
    const artifact = flagArtifact("v1");
    const server = await serve(artifact);
    const store = memorySnapshotStore();
    await store.save(server.url(), { body: bodyBytes(artifact), savedAt: Date.now() - HOUR, etag: etagOf(artifact) });
    server.fail(fault.drop());
    const { engine, events } = await startEngine(server, { snapshotStore: store });
    await server.waitForRequests(2);
    await until(() => server.requestsTo()[1]?.outcome !== undefined, 2000, "the second answer");
    expect(server.requestsTo()[1]).toMatchObject({ headers: { "if-none-match": etagOf(artifact) }, outcome: 304 });
    expect(events.named("artifactSnapshotUsed")).toHaveLength(1);
    expect(flagValue(await engine.getOffers(flagRequest()))).toBe("v1");
  });

  it("falls back to the snapshot at maximumWaitReady when the CDN hangs", async () => {
    const server = await serve();
    const store = memorySnapshotStore();
    await store.save(server.url(), { body: bodyBytes(flagArtifact("from-snapshot")), savedAt: Date.now() });
    server.failAlways(fault.hang());
    const started = Date.now();
    const { engine, events } = await startEngine(server, { snapshotStore: store, maximumWaitReady: 150, artifactRequestTimeout: 5000 });
    expect(Date.now() - started).toBeLessThan(1000);
    expect(flagValue(await engine.getOffers(flagRequest()))).toBe("from-snapshot");
    expect(events.named("artifactSnapshotUsed")).toHaveLength(1);
  });

  it("ignores an unusable snapshot and still rejects with a typed error", async () => {
    const server = await serve();
    server.failAlways(fault.status(500));
    const store = memorySnapshotStore();
    await store.save(server.url(), { body: bodyBytes("{not json"), savedAt: Date.now() });
    const logs = recordLogs();
    const promise = createDecisioningEngine(
      { client: "acme", artifactLocation: server.url(), pollingInterval: 0, snapshotStore: store, logger: logs.logger },
      fastLoader({ initialRetries: 2 }),
    );
    await expect(promise).rejects.toMatchObject({ code: ErrorCode.ArtifactNotAvailable });
    expect(logs.text("warn")).toMatch(/snapshot cannot be used: Invalid artifact/);
  });

  it("decodes a rules.bin snapshot with the organization id", async () => {
    const org = "AAAABBBBCCCCDDDDEEEEFFFF@AdobeOrg";
    const server = await serve(obfuscateArtifact(flagArtifact("bin-v1"), org), { path: "/rules.bin" });
    const store = memorySnapshotStore();
    const config = { artifactLocation: server.url("/rules.bin"), organizationId: org, snapshotStore: store };
    const first = await startEngine(server, config);
    await first.engine.close();
    server.failAlways(fault.drop());
    const { engine } = await startEngine(server, config);
    expect(flagValue(await engine.getOffers(flagRequest()))).toBe("bin-v1");
  });

  it("logs a failing store and keeps deciding", async () => {
    const server = await serve();
    const broken: SnapshotStore = {
      load: () => Promise.reject(new Error("disk on fire")),
      save: () => {
        throw new Error("read-only file system");
      },
    };
    const { engine, logs } = await startEngine(server, { snapshotStore: broken });
    expect(flagValue(await engine.getOffers(flagRequest()))).toBe("v1");
    await engine.close();
    expect(logs.text("warn")).toMatch(/saving the artifact snapshot failed: read-only file system/);
  });

  it("keeps snapshots in a string key-value namespace (Workers KV style)", async () => {
    const map = new Map<string, string>();
    const store = kvSnapshotStore({ get: async (key) => map.get(key) ?? null, put: async (key, value) => void map.set(key, value) });
    const bytes = new Uint8Array(256).map((_, i) => i);
    const snapshot: Snapshot = { body: bytes, savedAt: 1700000000000, etag: '"abc"' };
    await store.save("https://cdn.example/rules.bin", snapshot);
    expect([...map.keys()]).toEqual(["decisioning-artifact:https://cdn.example/rules.bin"]);
    expect(await store.load("https://cdn.example/rules.bin")).toEqual(snapshot);
    expect(await store.load("https://cdn.example/other.json")).toBeUndefined();

    const server = await serve();
    const first = await startEngine(server, { snapshotStore: store });
    await first.engine.close();
    server.failAlways(fault.status(500));
    const { engine, events } = await startEngine(server, { snapshotStore: store });
    expect(flagValue(await engine.getOffers(flagRequest()))).toBe("v1");
    expect(events.named("artifactSnapshotUsed")).toHaveLength(1);
  });
});
