/**
 * One SDK (or one bare transport) in a process of its own, against the benchmark's Delivery
 * API (./server.ts) on 127.0.0.1: `calls` on-device getAttributes calls, each for a new
 * visitor and so each owing Target one notification request, with the event loop turning every
 * 64 calls as a server's does between requests. The clock and the CPU count stop only when
 * every notification has been answered. Prints one JSON line.
 *
 * Usage: node --import ./scripts/lib/ts.mjs scripts/bench/delivery/client.ts <variant> <port> <calls> [bodyFile]
 * Variants: ours (its default transport on Node), ours-fetch (given the global fetch, the
 * portable entry's default), reference (Adobe's SDK, its default transport),
 * floor-node and floor-fetch (the same notification body POSTed with a bare keep-alive
 * `node:http` Agent, or with global fetch, nothing else).
 */
import { readFileSync } from "node:fs";
import { Agent, request } from "node:http";
import { createRequire } from "node:module";
import type { TargetClientOptions } from "../../../packages/client/dist/index.js";
import type { Artifact, DeliveryRequest } from "../../../packages/engine/dist/index.js";
import { printResult } from "../child.js";
import type { ReferenceTargetClientClass } from "../engines.js";
import { CHROME_MAC, attributesScenario, readJson } from "../scenarios.js";
import { BURST, type DeliveryRun, type DeliveryVariant, isDeliveryVariant, MAX_BACKLOG } from "./method.js";

const [variantName = "ours", portText = "0", callsText = "2000", bodyFile] = process.argv.slice(2);
if (!isDeliveryVariant(variantName)) throw new Error(`unknown variant ${variantName}`);
const variant: DeliveryVariant = variantName;
const port = Number(portText);
const calls = Number(callsText);
const origin = `http://127.0.0.1:${port}`;

const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** What the server has received; only polled at the end, for an SDK that does not say. */
async function serverCounts(): Promise<{ notifications: number; requests: number }> {
  const response = await fetch(`${origin}/counts`);
  return (await response.json()) as { notifications: number; requests: number };
}

interface Sdk {
  /** One getAttributes call and one value read, as an application makes it. */
  call(n: number): Promise<unknown>;
  /** Resolves once `owed` notifications have been answered since the start. */
  answered(owed: number): Promise<void>;
  close(): Promise<void>;
  dropped(): number;
  /** Notifications owed but not yet answered, where the SDK tells (else 0). */
  backlog(): number;
}

const scenario = attributesScenario();
const artifact = readJson<Artifact>(scenario.artifactPath);
const { mbox, key } = scenario.read;
let visitor = 0;
/** A new visitor per call, with no edge cluster in its id (so every call goes to this server). */
const options = (): { request: DeliveryRequest } => ({
  request: {
    id: { tntId: `${(++visitor).toString(16).padStart(12, "0")}delivery0000000000` },
    context: { channel: "web", address: { url: "https://www.adobe.com/" }, userAgent: CHROME_MAC },
  },
});

function clientOptions(extra: Partial<TargetClientOptions>, ready: () => void): TargetClientOptions {
  return {
    client: scenario.client,
    organizationId: "bench@AdobeOrg",
    decisioningMethod: "on-device",
    artifactPayload: artifact,
    pollingInterval: 0,
    serverDomain: `127.0.0.1:${port}`,
    secure: false,
    // A configured (empty) hint: no location-hint ping before the run, for either SDK.
    targetLocationHint: "",
    events: { clientReady: ready },
    ...extra,
  };
}

async function ours(extra: Partial<TargetClientOptions>): Promise<Sdk> {
  // The entry Node resolves `@decisioning/client` to (its `node` export condition).
  const { default: TargetClient } = await import("../../../packages/client/dist/node.js");
  const client = await new Promise<ReturnType<typeof TargetClient.create>>((resolve) => {
    const created = TargetClient.create(clientOptions(extra, () => setImmediate(() => resolve(created))));
  });
  return {
    call: async () => (await client.getAttributes(scenario.mboxes, options())).getValue(mbox, key),
    async answered(owed) {
      for (;;) {
        const stats = client.getNotificationStats();
        if (stats.sent + stats.dropped >= owed) return;
        await sleep(1);
      }
    },
    close: () => client.close(),
    dropped: () => client.getNotificationStats().dropped,
    backlog: () => {
      const stats = client.getNotificationStats();
      return stats.queued + stats.inFlight;
    },
  };
}

async function reference(): Promise<Sdk> {
  const require = createRequire(import.meta.url);
  const TargetClient = require("@adobe/target-nodejs-sdk") as ReferenceTargetClientClass;
  const client = await new Promise<ReturnType<ReferenceTargetClientClass["create"]>>((resolve) => {
    const created = TargetClient.create(clientOptions({}, () => setImmediate(() => resolve(created))));
  });
  return {
    call: async () => (await client.getAttributes(scenario.mboxes, options())).getValue(mbox, key),
    async answered(owed) {
      while ((await serverCounts()).notifications < owed) await sleep(2);
      // The last answers reach the SDK just after the server counted their requests.
      await sleep(20);
    },
    close: async () => client.decisioningEngine?.stopPolling?.(),
    dropped: () => 0,
    // Adobe's SDK sends each notification from its own timer, with no bound: nothing to wait for.
    backlog: () => 0,
  };
}

/** The same notification POSTed with nothing else: a bare keep-alive `node:http` Agent, or global fetch. */
async function floor(transport: "node" | "fetch"): Promise<Sdk> {
  if (!bodyFile) throw new Error("floor variants need the notification body file");
  const body = readFileSync(bodyFile, "utf8");
  const agent = new Agent({ keepAlive: true, maxSockets: BURST });
  const url = `${origin}/rest/v1/delivery?client=${scenario.client}&sessionId=bench&version=2.4.3`;
  const headers = { "Content-Type": "application/json" };
  const postNode = () =>
    new Promise<unknown>((resolve, reject) => {
      const req = request(url, { method: "POST", agent, headers: { ...headers, "Content-Length": Buffer.byteLength(body) } }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () => resolve(JSON.parse(Buffer.concat(chunks).toString("utf8"))));
        res.on("error", reject);
      });
      req.on("error", reject);
      req.end(body);
    });
  const postFetch = async () => (await fetch(url, { method: "POST", headers, body })).json();
  const post = transport === "node" ? postNode : postFetch;
  let sent = 0;
  let answered = 0;
  const pending = new Set<Promise<unknown>>();
  return {
    // Each call's POST starts at once; answers are read as they come, as the SDKs' are.
    call: async () => {
      sent += 1;
      const p = post().then(() => void (answered += 1));
      pending.add(p);
      void p.finally(() => pending.delete(p));
    },
    async answered(owed) {
      while (answered < owed) await Promise.all(pending);
    },
    close: async () => agent.destroy(),
    dropped: () => sent - answered,
    backlog: () => sent - answered,
  };
}

function sdkFor(name: DeliveryVariant): Promise<Sdk> {
  switch (name) {
    case "ours":
      return ours({});
    case "ours-fetch":
      return ours({ fetchApi: globalThis.fetch.bind(globalThis) });
    case "reference":
      return reference();
    case "floor-node":
      return floor("node");
    case "floor-fetch":
      return floor("fetch");
  }
}

async function run(sdk: Sdk, count: number, offset: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    await sdk.call(offset + i);
    if (i % BURST === BURST - 1) {
      await turn();
      while (sdk.backlog() > MAX_BACKLOG) await sleep(1);
    }
  }
  await sdk.answered(offset + count);
}

const sdk = await sdkFor(variant);
// Warm up (V8 optimizes, sockets open), then measure from a quiet start.
const warmup = Math.min(2000, Math.max(200, Math.floor(calls / 5)));
await run(sdk, warmup, 0);
await sleep(50);
const cpuBefore = process.cpuUsage();
const started = performance.now();
await run(sdk, calls, warmup);
const wallMs = performance.now() - started;
const cpu = process.cpuUsage(cpuBefore);
await sdk.close();
printResult({
  variant,
  calls,
  warmup,
  cpuUsPerCall: (cpu.user + cpu.system) / calls,
  userUsPerCall: cpu.user / calls,
  systemUsPerCall: cpu.system / calls,
  wallUsPerCall: (wallMs * 1000) / calls,
  dropped: sdk.dropped(),
} satisfies DeliveryRun);
process.exit(0);
