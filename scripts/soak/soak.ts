/**
 * Soak: many on-device decisions, each for a visitor of its own, through the BUILT client
 * (packages/client/dist), while a fake CDN publishes a new artifact every few seconds and
 * injects faults, and a fake Delivery API fails, stalls and goes down now and then (both the
 * public test kit's, from the built packages/testing/dist: see servers.ts).
 *
 * It checks that
 * - every decision was made with one whole artifact (its three offers carry one version), no
 *   older than the newest the client had announced when the call began, and no newer than the
 *   newest it had announced when the call ended (no torn or stale reads);
 * - every display notification produced reached the fake Delivery API exactly once, made for
 *   the version that decided, or was reported in a `sendNotificationError` event: none lost,
 *   none counted twice;
 * - nothing threw, and the heap came back to where it started.
 * It prints a summary line and exits non-zero when a check fails.
 *
 *   npx -y pnpm@10.34.8 build                     # the soak runs the built packages
 *   pnpm soak                                     # full: 1,000,000 decisions and visitors
 *   pnpm soak --short                             # CI: 20,000 decisions
 *   pnpm soak --decisions 200000 --swap-ms 2000 --seed 7 --json
 *   pnpm soak --decisions 40000 --rate 400 --outage-every-ms 20000 --outage-ms 70000 --queue '{"maxAgeMs":30000}'
 * (`pnpm soak` runs scripts/soak/soak.ts through scripts/lib/ts.mjs.)
 */
import { fork } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { runInNewContext } from "node:vm";
import { setFlagsFromString } from "node:v8";
import type { DeliveryResponse, NotificationPayload } from "@decisioning/engine";
import { SOAK_MBOXES } from "./artifact.js";
import type { FinalCounts, FromServers, ServerOptions, ToServers } from "./messages.js";

const ROOT = new URL("../../", import.meta.url);
const CLIENT_DIST = new URL("packages/client/dist/index.js", ROOT);
const SERVERS_DIST = new URL("packages/testing/dist/servers/index.js", ROOT);
const TS_LOADER = fileURLToPath(new URL("../lib/ts.mjs", import.meta.url));

/** The command line's options (see --help). */
interface SoakArgs extends Omit<ServerOptions, "visitors"> {
  short: boolean;
  decisions: number;
  concurrency: number;
  /** Decisions per second; 0: as fast as they go. */
  rate: number;
  pollMs: number;
  json: boolean;
  /** The client's notificationQueue options. */
  queue: Record<string, unknown>;
}

function parseArgs(argv: string[]): SoakArgs {
  const args: Omit<SoakArgs, "decisions" | "rate"> & { decisions: number | undefined; rate: number | undefined } = {
    short: false,
    decisions: undefined,
    concurrency: 64,
    rate: undefined,
    swapMs: 3000,
    pollMs: 1000,
    seed: 1,
    json: false,
    artifactFaultRate: 0.3,
    deliveryFaultRate: 0.02,
    outageEveryMs: 15000,
    outageMs: 2000,
    queue: {},
  };
  for (let i = 0; i < argv.length; i++) {
    const name = argv[i];
    const value = () => {
      const next = argv[++i];
      if (next === undefined || Number.isNaN(Number(next))) throw new Error(`${name} needs a number`);
      return Number(next);
    };
    if (name === "--short") args.short = true;
    else if (name === "--json") args.json = true;
    else if (name === "--decisions") args.decisions = value();
    else if (name === "--concurrency") args.concurrency = value();
    else if (name === "--rate") args.rate = value();
    else if (name === "--swap-ms") args.swapMs = value();
    else if (name === "--poll-ms") args.pollMs = value();
    else if (name === "--seed") args.seed = value();
    else if (name === "--artifact-fault-rate") args.artifactFaultRate = value();
    else if (name === "--delivery-fault-rate") args.deliveryFaultRate = value();
    else if (name === "--outage-every-ms") args.outageEveryMs = value();
    else if (name === "--outage-ms") args.outageMs = value();
    else if (name === "--queue") args.queue = JSON.parse(argv[++i] ?? "{}");
    else if (name === "--help") {
      console.log(fileURLToPath(import.meta.url));
      console.log(
        "options: --short | --decisions N  --rate N (per second, 0: as fast as it goes)  --concurrency N  --swap-ms N  --poll-ms N  --seed N  --artifact-fault-rate R  --delivery-fault-rate R  --outage-every-ms N  --outage-ms N  --queue JSON (notificationQueue options)  --json",
      );
      process.exit(0);
    } else throw new Error(`unknown option ${name} (try --help)`);
  }
  if (args.decisions === undefined) args.decisions = args.short ? 20000 : 1000000;
  // The short run is paced so that it spans artifact swaps and Delivery API outages.
  if (args.rate === undefined) args.rate = args.short ? 1000 : 0;
  if (args.short) {
    args.swapMs = Math.min(args.swapMs, 2000);
    args.outageEveryMs = Math.min(args.outageEveryMs, 6000);
  }
  return args as SoakArgs;
}

// A full collection before each heap reading, so the figures are live objects, not garbage.
setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;
function heapMb() {
  gc();
  gc();
  return process.memoryUsage().heapUsed / 2 ** 20;
}

const mb = (value: number) => `${value.toFixed(1)} MB`;

/** What the soak reads of an artifact the client announces: the version its generator stamped. */
type SoakArtifactPayload = { meta?: { soakVersion?: number } } | undefined;

async function main() {
  const args = parseArgs(process.argv.slice(2));
  for (const built of [CLIENT_DIST, SERVERS_DIST]) {
    if (existsSync(built)) continue;
    console.error(`soak: ${fileURLToPath(built)} is missing; build first: npx -y pnpm@10.34.8 build`);
    process.exit(2);
  }
  const { default: TargetClient } = await import("../../packages/client/dist/index.js");
  const visitors = args.decisions;

  // ---- fake Target in a child process ----
  const serverOptions: ServerOptions & SoakArgs = { ...args, visitors };
  const child = fork(fileURLToPath(new URL("./servers.ts", import.meta.url)), [JSON.stringify(serverOptions)], {
    execArgv: ["--import", TS_LOADER],
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const tell = (message: ToServers) => child.send(message);
  let finalCounts: ((counts: FinalCounts) => void) | undefined;
  let listening: (message: Extract<FromServers, { type: "listening" }>) => void = () => {};
  const listened = new Promise<Extract<FromServers, { type: "listening" }>>((resolve) => (listening = resolve));
  child.on("message", (message: FromServers) => {
    if (message.type === "listening") listening(message);
    else finalCounts?.(message);
  });
  const askFinal = () =>
    new Promise<FinalCounts>((resolve) => {
      finalCounts = resolve;
      tell({ type: "final" });
    });
  const { artifactUrl, serverDomain } = await listened;

  // ---- bookkeeping: typed arrays only, so it does not show up as heap ----
  const decidedVersion = new Uint16Array(visitors);
  const reported = new Uint8Array(visitors);
  const counts = {
    decisions: 0,
    failedDecisions: 0,
    torn: 0,
    stale: 0,
    ahead: 0,
    wrongShape: 0,
    reportedPayloads: 0,
    reportedNotifications: 0,
    reportedBy: {} as Record<string, number>,
    strangerReports: 0,
    downloadsOk: 0,
    downloadsFailed: 0,
    loggedErrors: 0,
    foreignFetches: 0,
  };
  const errors: string[] = [];
  const keepError = (error: unknown) => {
    if (errors.length < 5) errors.push(error instanceof Error ? `${error.name}: ${error.message}` : String(error));
  };
  let announced = 0;
  const announcedVersions = new Set<number | undefined>();

  // The loader polls every 300000 ms at the least (users cannot lower it); the soak's clock runs
  // that one delay faster, so the client refreshes every `pollMs` as it would every 5 minutes.
  // The short run also shortens the loader's retry backoff (1 s doubling): in 20 s a few
  // faulty downloads in a row would otherwise leave too little time to see new versions.
  const warp = (ms: number) => (ms >= 300000 ? args.pollMs : args.short && ms >= 1000 ? Math.min(ms / 10, args.pollMs) : ms);
  const warpedSetTimeout = (fn: () => void, ms: number) => setTimeout(fn, warp(ms));
  // Everything stays on 127.0.0.1: any other URL is a bug in the soak or the client.
  const localFetch = (input: string, init?: RequestInit) => {
    if (new URL(input).hostname !== "127.0.0.1") {
      counts.foreignFetches += 1;
      return Promise.reject(new TypeError(`soak: refused a non-local URL ${input}`));
    }
    return fetch(input, init);
  };

  let ready: () => void = () => {};
  const isReady = new Promise<void>((resolve) => (ready = resolve));
  const client = TargetClient.create({
    client: "soak",
    organizationId: "SOAK@AdobeOrg",
    decisioningMethod: "on-device",
    artifactLocation: artifactUrl,
    pollingInterval: 300000,
    serverDomain,
    secure: false,
    notificationQueue: args.queue,
    fetchApi: localFetch,
    // Only the engine's clock is warped: the client's own timers (Delivery API timeouts, retries) run in real time.
    engineOptions: { platform: { setTimeout: warpedSetTimeout } },
    // No debug method: with one, the client serializes every request and answer for the log.
    logger: {
      error: () => {
        counts.loggedErrors += 1;
      },
    },
    events: {
      clientReady: () => ready(),
      artifactDownloadSucceeded: (event) => {
        counts.downloadsOk += 1;
        const version = (event.artifactPayload as SoakArtifactPayload)?.meta?.soakVersion;
        announcedVersions.add(version);
        if (version !== undefined && version > announced) announced = version;
      },
      artifactDownloadFailed: () => {
        counts.downloadsFailed += 1;
      },
      sendNotificationError: (event) => {
        counts.reportedPayloads += 1;
        const reason = String(event.reason);
        counts.reportedBy[reason] = (counts.reportedBy[reason] ?? 0) + 1;
        const notification = event.notification as NotificationPayload | undefined;
        const tntId = notification?.request?.id?.tntId;
        const visitor = typeof tntId === "string" ? Number(tntId.slice(1)) : Number.NaN;
        const owed = (notification?.request?.notifications ?? []).filter((n) => n.type === "display").length;
        counts.reportedNotifications += owed;
        if (visitor >= 0 && visitor < visitors) reported[visitor] = Math.min(255, (reported[visitor] as number) + owed);
        else counts.strangerReports += 1;
      },
    },
  });
  await isReady;

  const USER_AGENTS = [
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:125.0) Gecko/20100101 Firefox/125.0",
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Mobile Safari/537.36",
  ];

  async function decideFor(visitor: number) {
    const before = announced;
    let response: DeliveryResponse | undefined;
    try {
      const result = await client.getOffers({
        request: {
          id: { tntId: `v${visitor}` },
          context: { channel: "web", userAgent: USER_AGENTS[visitor % 4], address: { url: `https://shop.example/p/${visitor % 500}?sale=${visitor % 3}` } },
          execute: { mboxes: SOAK_MBOXES.map((name, index) => ({ name, index, parameters: { tier: visitor % 2 ? "gold" : "silver" } })) },
        },
      });
      response = result.response;
    } catch (error) {
      counts.failedDecisions += 1;
      keepError(error);
      return;
    }
    const after = announced;
    counts.decisions += 1;
    const mboxes = response?.execute?.mboxes ?? [];
    const versions = mboxes.map((mbox) => (mbox.options?.[0]?.content as { version?: unknown } | undefined)?.version);
    if (mboxes.length !== SOAK_MBOXES.length || versions.some((v) => typeof v !== "number")) {
      counts.wrongShape += 1;
      keepError(new Error(`decision for v${visitor} did not answer every mbox: ${JSON.stringify(response).slice(0, 200)}`));
      return;
    }
    const version = versions[0] as number;
    if (versions.some((v) => v !== version)) counts.torn += 1;
    if (version < before) counts.stale += 1;
    if (version > after) counts.ahead += 1;
    decidedVersion[visitor] = version;
  }

  // ---- run ----
  await decideFor(0);
  for (let v = 1; v < Math.min(2000, visitors); v++) await decideFor(v);
  const heapStart = heapMb();
  child.send({ type: "faults", on: true });
  let next = Math.min(2000, visitors);
  let heapPeak = heapStart;
  const started = performance.now();
  let lastReport = started;
  const queueHigh = 5000;
  const first = next;
  async function worker() {
    for (;;) {
      const visitor = next++;
      if (visitor >= visitors) return;
      if (args.rate > 0) {
        const due = started + ((visitor - first) * 1000) / args.rate;
        const wait = due - performance.now();
        if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
      }
      // Requests reach a server through I/O, one event-loop turn each: so they do here, and
      // background work (notification hand-offs, artifact refreshes) gets its turns.
      await new Promise((resolve) => setImmediate(resolve));
      // A loaded server cannot take requests faster than it answers them; the soak's load
      // generator likewise waits while notifications pile up, so drops measure outages, not
      // an open-loop overload.
      while (client.getNotificationStats().queued > queueHigh) await new Promise((resolve) => setTimeout(resolve, 5));
      await decideFor(visitor);
      if ((visitor & 0x3ff) === 0) {
        const now = performance.now();
        if (now - lastReport > 5000) {
          lastReport = now;
          // Live heap (after a collection), every few seconds: the peak of what is retained.
          const heap = heapMb();
          if (heap > heapPeak) heapPeak = heap;
          if (args.json) continue;
          const stats = client.getNotificationStats();
          console.log(
            `soak: ${visitor.toLocaleString("en")} decisions, ${Math.round((visitor - first) / ((now - started) / 1000))}/s, artifact v${announced}, heap ${mb(heap)}, queue ${stats.queued}+${stats.inFlight} in flight, sent ${stats.sent}, dropped ${stats.dropped}`,
          );
        }
      }
    }
  }
  await Promise.all(Array.from({ length: args.concurrency }, worker));
  const seconds = (performance.now() - started) / 1000;
  const measured = visitors - Math.min(2000, visitors);

  // Calm the fake edge, then let close() flush what is queued or backing off.
  child.send({ type: "faults", on: false });
  const flushStarted = performance.now();
  await client.close();
  const flushSeconds = (performance.now() - flushStarted) / 1000;
  const stats = client.getNotificationStats();
  const final = await askFinal();
  tell({ type: "exit" });
  const heapEnd = heapMb();

  // ---- verdict ----
  const notified = new Uint8Array(Buffer.from(final.notified, "base64"));
  const notifiedVersion = new Uint16Array(new Uint8Array(Buffer.from(final.notifiedVersion, "base64")).buffer);
  const owedPerDecision = SOAK_MBOXES.length;
  let produced = 0;
  let lost = 0;
  let duplicated = 0;
  let wrongVersion = 0;
  let deliveredAndReported = 0;
  for (let v = 0; v < visitors; v++) {
    if (decidedVersion[v] === 0) continue;
    produced += owedPerDecision;
    const delivered = notified[v] as number;
    const reportedHere = reported[v] as number;
    const accounted = delivered + reportedHere;
    if (accounted < owedPerDecision) lost += owedPerDecision - accounted;
    if (accounted > owedPerDecision) duplicated += accounted - owedPerDecision;
    if (delivered > 0 && reportedHere > 0) deliveredAndReported += 1;
    if (delivered > 0 && notifiedVersion[v] !== decidedVersion[v]) wrongVersion += 1;
  }
  const delivered = final.delivery.notifications;
  const heapGrowth = heapEnd - heapStart;
  const leakLimit = Math.max(64, heapStart * 0.5);
  const failures: string[] = [];
  if (counts.failedDecisions > 0 || counts.wrongShape > 0) failures.push(`${counts.failedDecisions + counts.wrongShape} decisions failed or answered wrongly`);
  if (counts.torn > 0) failures.push(`${counts.torn} torn reads`);
  if (counts.stale > 0 || counts.ahead > 0) failures.push(`${counts.stale} stale and ${counts.ahead} unannounced artifact reads`);
  if (lost > 0) failures.push(`${lost} notifications lost`);
  if (duplicated > 0) failures.push(`${duplicated} notifications delivered or reported twice`);
  if (wrongVersion > 0) failures.push(`${wrongVersion} visitors' notifications made for another version than their decision`);
  if (final.delivery.malformed > 0 || final.delivery.strangers > 0 || counts.strangerReports > 0) failures.push("notifications that belong to no decision");
  if (stats.enqueued !== counts.decisions || stats.sent + stats.dropped !== stats.enqueued || stats.queued + stats.inFlight !== 0)
    failures.push(`queue counters do not add up: ${JSON.stringify(stats)}`);
  if (stats.dropped !== counts.reportedPayloads) failures.push(`${stats.dropped} payloads dropped but ${counts.reportedPayloads} reported`);
  if (counts.foreignFetches > 0) failures.push(`${counts.foreignFetches} fetches left 127.0.0.1`);
  if (heapGrowth > leakLimit) failures.push(`heap grew ${mb(heapGrowth)} (limit ${mb(leakLimit)})`);
  if (announced < 3) failures.push(`only ${announced} artifact versions reached the client`);

  const summary = {
    ok: failures.length === 0,
    decisions: counts.decisions,
    visitors,
    decisionsPerSecond: Math.round(measured / seconds),
    seconds: Number(seconds.toFixed(1)),
    flushSeconds: Number(flushSeconds.toFixed(2)),
    heapStartMb: Number(heapStart.toFixed(1)),
    heapPeakMb: Number(heapPeak.toFixed(1)),
    heapEndMb: Number(heapEnd.toFixed(1)),
    errors: counts.failedDecisions + counts.wrongShape,
    torn: counts.torn,
    stale: counts.stale + counts.ahead,
    artifact: {
      versionsPublished: final.version,
      versionsLoaded: announcedVersions.size,
      lastLoaded: announced,
      downloadsOk: counts.downloadsOk,
      downloadsFailed: counts.downloadsFailed,
      cdnRequests: final.cdn.requests,
      faults: final.cdn.faults,
    },
    notifications: {
      produced,
      delivered,
      reported: counts.reportedNotifications,
      reportedBy: counts.reportedBy,
      lost,
      duplicated,
      wrongVersion,
      deliveredAndReported,
      deliveryRequests: final.delivery.requests,
      deliveryFaults: final.delivery.faults,
      outages: final.delivery.outages,
      queue: stats,
    },
    loggedErrors: counts.loggedErrors,
    failures,
    firstErrors: errors,
  };
  if (args.json) console.log(JSON.stringify(summary, null, 2));
  else {
    console.log(
      `soak ${summary.ok ? "OK" : "FAILED"}: ${summary.decisions.toLocaleString("en")} decisions over ${visitors.toLocaleString("en")} visitors in ${summary.seconds} s ` +
        `(${summary.decisionsPerSecond.toLocaleString("en")}/s); heap ${mb(heapStart)} at start, ${mb(heapPeak)} peak, ${mb(heapEnd)} at end; ` +
        `artifact v1..v${final.version} published, ${announcedVersions.size} loaded, ${counts.downloadsFailed} failed downloads; ` +
        `notifications ${produced.toLocaleString("en")} produced = ${delivered.toLocaleString("en")} delivered + ${counts.reportedNotifications.toLocaleString("en")} reported ` +
        `(lost ${lost}, duplicated ${duplicated}${counts.reportedNotifications > 0 ? `; reported by reason ${JSON.stringify(counts.reportedBy)}` : ""}); ${summary.errors} errors, ${counts.torn} torn reads, ${summary.stale} stale reads`,
    );
    for (const failure of failures) console.log(`soak: FAILED: ${failure}`);
    for (const error of errors) console.log(`soak: error: ${error}`);
  }
  process.exitCode = summary.ok ? 0 : 1;
}

main().catch((error) => {
  console.error("soak: crashed:", error);
  process.exit(1);
});
