/**
 * The benchmark's Delivery API, in a process of its own so that its CPU is not counted against
 * the SDK under test: keep-alive HTTP on 127.0.0.1, a small answer per request, and counts of
 * the notification requests it received, reported to the parent over IPC.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

let notifications = 0;
let requests = 0;
let lastNotificationBody = "";

const server = createServer((req, res) => {
  if (req.method === "GET" && req.url === "/counts") {
    // For an SDK that does not say when its notifications are answered: poll this at the end.
    const counts = JSON.stringify({ notifications, requests });
    res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(counts) });
    res.end(counts);
    return;
  }
  const chunks: Buffer[] = [];
  req.on("data", (chunk: Buffer) => chunks.push(chunk));
  req.on("end", () => {
    requests += 1;
    const body = Buffer.concat(chunks).toString("utf8");
    // A substring test, not a parse: the server's CPU is not what is measured, but it must keep up.
    if (body.includes('"notifications"')) {
      notifications += 1;
      lastNotificationBody = body;
    }
    const answer = '{"status":200,"requestId":"bench","client":"bench","id":{},"notifications":[{"id":"bench"}]}';
    res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(answer) });
    res.end(answer);
  });
});
server.keepAliveTimeout = 60000;
server.listen(0, "127.0.0.1", () => {
  process.send?.({ type: "listening", port: (server.address() as AddressInfo).port });
});

process.on("message", (message: { type: string }) => {
  if (message.type === "counts") process.send?.({ type: "counts", notifications, requests });
  if (message.type === "last-notification") process.send?.({ type: "last-notification", body: lastNotificationBody });
  if (message.type === "reset") {
    notifications = 0;
    requests = 0;
    process.send?.({ type: "reset" });
  }
  if (message.type === "stop") server.close(() => process.exit(0));
});
