/**
 * The soak's fake Target, in a child process of its own (its memory and CPU are not the
 * client's): an artifact CDN on 127.0.0.1:0 that publishes a new artifact version every few
 * seconds and injects faults, and a fake Delivery API on 127.0.0.1:0 that injects faults and
 * counts, per visitor, the display notifications it accepted and the artifact version each was
 * made for. Driven over IPC by soak.mjs.
 */
import { createServer } from "node:http";
import { SOAK_MBOXES, soakArtifact, versionOfToken } from "./artifact.mjs";

const options = JSON.parse(process.argv[2] ?? "{}");
const visitors = options.visitors;
const swapMs = options.swapMs;
let random = mulberry32(options.seed ?? 1);

/** A small seeded generator, so that a run's faults can be replayed with its seed. */
function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// ---- artifact CDN ---------------------------------------------------------------------------

let version = 1;
let body = Buffer.from(JSON.stringify(soakArtifact(version)));
let etag = `"soak-${version}"`;
let faults = false;
const cdn = { requests: 0, served: 0, notModified: 0, faults: {}, swaps: 0 };

function countFault(table, name) {
  table[name] = (table[name] ?? 0) + 1;
}

const swapTimer = setInterval(() => {
  version += 1;
  body = Buffer.from(JSON.stringify(soakArtifact(version)));
  etag = `"soak-${version}"`;
  cdn.swaps += 1;
}, swapMs);

/** Artifact faults, each as likely: the loader must refuse each and keep deciding with what it has. */
const ARTIFACT_FAULTS = ["status-503", "status-500", "drop", "truncate", "invalid-json", "wrong-shape", "unsupported-version", "slow"];

function serveArtifact(req, res) {
  cdn.requests += 1;
  if (faults && random() < options.artifactFaultRate) {
    const fault = ARTIFACT_FAULTS[Math.floor(random() * ARTIFACT_FAULTS.length)];
    countFault(cdn.faults, fault);
    switch (fault) {
      case "status-503":
      case "status-500":
        res.writeHead(Number(fault.slice(7)), { "content-type": "text/plain" }).end("fault");
        return;
      case "drop":
        req.socket.destroy();
        return;
      case "truncate":
        res.writeHead(200, { "content-type": "application/json", "content-length": String(body.length) });
        res.write(body.subarray(0, body.length >> 1), () => req.socket.destroy());
        return;
      case "invalid-json":
        res.writeHead(200, { "content-type": "application/json" }).end('{"version": "1.0.0", "rules": {"mboxes": ');
        return;
      case "wrong-shape":
        res.writeHead(200, { "content-type": "application/json", etag: '"wrong"' }).end(JSON.stringify({ version: "1.0.0", rules: { mboxes: { x: "not a list" } } }));
        return;
      case "unsupported-version":
        res.writeHead(200, { "content-type": "application/json", etag: '"v2"' }).end(JSON.stringify({ ...soakArtifact(version), version: "2.0.0" }));
        return;
      case "slow":
        setTimeout(() => {
          if (!res.destroyed) res.writeHead(200, { "content-type": "application/json", etag }).end(body);
        }, 300);
        return;
    }
  }
  if (req.headers["if-none-match"] === etag) {
    cdn.notModified += 1;
    res.writeHead(304, { etag }).end();
    return;
  }
  cdn.served += 1;
  res.writeHead(200, { "content-type": "application/json", "content-length": String(body.length), etag }).end(body);
}

// ---- Delivery API ---------------------------------------------------------------------------

/** Display notifications accepted per visitor, and the version they were made for (0: none yet, 65535: mixed). */
const notified = new Uint8Array(visitors);
const notifiedVersion = new Uint16Array(visitors);
const delivery = { requests: 0, accepted: 0, notifications: 0, strangers: 0, malformed: 0, faults: {}, outages: 0 };
let outageUntil = 0;
let outageTimer;

function startOutages() {
  outageTimer = setInterval(() => {
    if (!faults) return;
    outageUntil = Date.now() + options.outageMs;
    delivery.outages += 1;
  }, options.outageEveryMs);
}

function record(body) {
  const tntId = body?.id?.tntId;
  const visitor = typeof tntId === "string" && tntId.startsWith("v") ? Number(tntId.slice(1)) : Number.NaN;
  for (const notification of body.notifications) {
    if (notification?.type !== "display" || !(visitor >= 0 && visitor < visitors)) {
      delivery.strangers += 1;
      continue;
    }
    const made = versionOfToken(notification.tokens?.[0]);
    const mbox = notification.mbox?.name;
    if (!SOAK_MBOXES.includes(mbox) || !(made > 0) || notification.tokens.some((token) => versionOfToken(token) !== made)) {
      delivery.malformed += 1;
      continue;
    }
    notified[visitor] = Math.min(255, notified[visitor] + 1);
    const seen = notifiedVersion[visitor];
    notifiedVersion[visitor] = seen === 0 || seen === made ? made : 65535;
    delivery.notifications += 1;
  }
}

/** Delivery API faults: the edge failing before it processed anything, so a retry is always right. */
const DELIVERY_FAULTS = ["status-503", "status-502", "drop", "slow"];

function answerDelivery(req, res, text) {
  delivery.requests += 1;
  let body;
  try {
    body = JSON.parse(text);
  } catch {
    res.writeHead(400, { "content-type": "application/json" }).end('{"status":400,"message":"not JSON"}');
    return;
  }
  const notifications = Array.isArray(body.notifications) ? body.notifications : [];
  const send = () => {
    if (res.destroyed) return;
    // Counted only when the answer can still reach the client.
    if (notifications.length > 0) {
      delivery.accepted += 1;
      record(body);
    }
    const answer = { status: 200, requestId: body.requestId, client: "soak", id: body.id ?? {}, ...(notifications.length > 0 ? { notifications: notifications.map((n) => ({ id: n.id })) } : {}) };
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(answer));
  };
  if (faults && Date.now() < outageUntil) {
    countFault(delivery.faults, "outage-503");
    res.writeHead(503, { "content-type": "application/json" }).end('{"status":503,"message":"edge down"}');
    return;
  }
  if (faults && random() < options.deliveryFaultRate) {
    const fault = DELIVERY_FAULTS[Math.floor(random() * DELIVERY_FAULTS.length)];
    countFault(delivery.faults, fault);
    if (fault === "drop") {
      req.socket.destroy();
      return;
    }
    if (fault === "slow") {
      setTimeout(send, 50 + Math.floor(random() * 400));
      return;
    }
    res.writeHead(Number(fault.slice(7)), { "content-type": "application/json" }).end('{"status":503,"message":"busy"}');
    return;
  }
  send();
}

const server = createServer((req, res) => {
  const path = (req.url ?? "/").split("?")[0];
  if (req.method === "GET" && path === "/rules.json") {
    serveArtifact(req, res);
    return;
  }
  if (req.method === "POST" && path === "/rest/v1/delivery") {
    const chunks = [];
    req.on("data", (chunk) => chunks.push(chunk));
    req.on("end", () => answerDelivery(req, res, Buffer.concat(chunks).toString("utf8")));
    return;
  }
  res.writeHead(404).end();
});
server.keepAliveTimeout = 60000;

server.listen(0, "127.0.0.1", () => {
  startOutages();
  process.send({ type: "listening", port: server.address().port, version });
});

process.on("message", (message) => {
  if (message.type === "faults") {
    faults = message.on;
    if (!faults) outageUntil = 0;
    random = mulberry32((options.seed ?? 1) + (message.on ? 7 : 13));
  } else if (message.type === "stats") {
    process.send({ type: "stats", id: message.id, version, cdn, delivery, memory: process.memoryUsage().rss });
  } else if (message.type === "final") {
    clearInterval(swapTimer);
    clearInterval(outageTimer);
    process.send({
      type: "final",
      version,
      cdn,
      delivery,
      notified: Buffer.from(notified.buffer).toString("base64"),
      notifiedVersion: Buffer.from(notifiedVersion.buffer).toString("base64"),
    });
  } else if (message.type === "exit") {
    server.closeAllConnections();
    server.close(() => process.exit(0));
  }
});

process.on("disconnect", () => process.exit(0));
