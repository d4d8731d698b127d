/**
 * The soak's fake Target, in a child process of its own (its memory and CPU are not the
 * client's): the public test kit's fake CDN, publishing a new artifact version every few
 * seconds, and its fake Delivery API, counting per visitor the display notifications it
 * accepted and the artifact version each was made for. Faults are chosen per request from a
 * seeded generator, so a run's faults can be replayed with its seed. Driven over IPC by
 * soak.ts; needs the built packages (`packages/testing/dist`).
 */
import type { DeliveryRequest, Notification } from "@decisioning/engine";
import { type Fault, fault, startFakeCdn, startFakeDeliveryApi } from "../../packages/testing/dist/servers/index.js";
import { SOAK_MBOXES, soakArtifact, versionOfToken } from "./artifact.js";
import type { FaultCounts, FinalCounts, FromServers, ServerOptions, ToServers } from "./messages.js";

const options = JSON.parse(process.argv[2] ?? "{}") as ServerOptions;
const send = (message: FromServers): void => {
  if (!process.send) throw new Error("servers.ts runs as soak.ts's child process, over IPC");
  process.send(message);
};
const visitors = options.visitors;
let random = mulberry32(options.seed ?? 1);
let faults = false;

/** A small seeded generator, so that a run's faults can be replayed with its seed. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function countFault(table: FaultCounts, name: string): void {
  table[name] = (table[name] ?? 0) + 1;
}

/** One of `table`'s faults, each as likely, when the dice say so (and faults are on); counted by name. */
function pickFault(table: Record<string, () => Fault>, rate: number, counts: FaultCounts): Fault | undefined {
  if (!faults || random() >= rate) return undefined;
  const names = Object.keys(table);
  const name = names[Math.floor(random() * names.length)] as string;
  countFault(counts, name);
  return (table[name] as () => Fault)();
}

// ---- artifact CDN ---------------------------------------------------------------------------

let version = 1;
const cdnStats: FinalCounts["cdn"] = { requests: 0, faults: {}, swaps: 0 };
// `record: false`: a full run makes hundreds of thousands of requests; the counts are enough.
const cdn = await startFakeCdn({ artifact: soakArtifact(version), path: "/rules.json", record: false });

/** Artifact faults: the loader must refuse each and keep deciding with what it has. */
const ARTIFACT_FAULTS: Record<string, () => Fault> = {
  "status-503": () => fault.status(503),
  "status-500": () => fault.status(500),
  drop: () => fault.drop(),
  truncate: () => fault.truncate(),
  "invalid-json": () => fault.body('{"version": "1.0.0", "rules": {"mboxes": '),
  "wrong-shape": () => fault.body({ version: "1.0.0", rules: { mboxes: { x: "not a list" } } }),
  "unsupported-version": () => fault.body({ ...soakArtifact(version), version: "2.0.0" }),
  slow: () => fault.delay(300),
};

cdn.failAlways(() => {
  cdnStats.requests += 1;
  return pickFault(ARTIFACT_FAULTS, options.artifactFaultRate, cdnStats.faults);
});

const swapTimer = setInterval(() => {
  version += 1;
  cdn.setArtifact(soakArtifact(version));
  cdnStats.swaps += 1;
}, options.swapMs);

// ---- Delivery API ---------------------------------------------------------------------------

/** Display notifications accepted per visitor, and the version they were made for (0: none yet, 65535: mixed). */
const notified = new Uint8Array(visitors);
const notifiedVersion = new Uint16Array(visitors);
const delivery: FinalCounts["delivery"] = { requests: 0, accepted: 0, notifications: 0, strangers: 0, malformed: 0, faults: {}, outages: 0 };
let outageUntil = 0;

/** Delivery API faults: the edge failing before it processed anything, so a retry is always right. */
const DELIVERY_FAULTS: Record<string, () => Fault> = {
  "status-503": () => fault.status(503, { status: 503, message: "busy" }),
  "status-502": () => fault.status(502, { status: 502, message: "busy" }),
  drop: () => fault.drop(),
  slow: () => fault.delay(50 + Math.floor(random() * 400)),
};

const api = await startFakeDeliveryApi({ client: "soak", record: false });

api.failAlways(() => {
  delivery.requests += 1;
  if (faults && Date.now() < outageUntil) {
    countFault(delivery.faults, "outage-503");
    return fault.status(503, { status: 503, message: "edge down" });
  }
  return pickFault(DELIVERY_FAULTS, options.deliveryFaultRate, delivery.faults);
});

// Called only for calls the API answers, and only while the client still waits for the answer.
api.respondWith((call, answer) => {
  const notifications = Array.isArray(call.request.notifications) ? call.request.notifications : [];
  if (notifications.length > 0) {
    delivery.accepted += 1;
    record(call.request, notifications);
  }
  return answer();
});

function record(request: DeliveryRequest, notifications: Notification[]): void {
  const tntId = request.id?.tntId;
  const visitor = typeof tntId === "string" && tntId.startsWith("v") ? Number(tntId.slice(1)) : Number.NaN;
  for (const notification of notifications) {
    if (notification?.type !== "display" || !(visitor >= 0 && visitor < visitors)) {
      delivery.strangers += 1;
      continue;
    }
    const made = versionOfToken(notification.tokens?.[0]);
    const mbox = notification.mbox?.name;
    if (!SOAK_MBOXES.includes(mbox as string) || !(made > 0) || (notification.tokens as string[]).some((token) => versionOfToken(token) !== made)) {
      delivery.malformed += 1;
      continue;
    }
    notified[visitor] = Math.min(255, (notified[visitor] as number) + 1);
    const seen = notifiedVersion[visitor];
    notifiedVersion[visitor] = seen === 0 || seen === made ? made : 65535;
    delivery.notifications += 1;
  }
}

const outageTimer = setInterval(() => {
  if (!faults) return;
  outageUntil = Date.now() + options.outageMs;
  delivery.outages += 1;
}, options.outageEveryMs);

send({ type: "listening", artifactUrl: cdn.artifactUrl, serverDomain: api.host, version });

process.on("message", (message: ToServers) => {
  if (message.type === "faults") {
    faults = message.on;
    if (!faults) outageUntil = 0;
    random = mulberry32((options.seed ?? 1) + (message.on ? 7 : 13));
  } else if (message.type === "final") {
    clearInterval(swapTimer);
    clearInterval(outageTimer);
    send({
      type: "final",
      version,
      cdn: cdnStats,
      delivery,
      notified: Buffer.from(notified.buffer).toString("base64"),
      notifiedVersion: Buffer.from(notifiedVersion.buffer).toString("base64"),
    });
  } else if (message.type === "exit") {
    void Promise.all([cdn.close(), api.close()]).then(() => process.exit(0));
  }
});

process.on("disconnect", () => process.exit(0));
