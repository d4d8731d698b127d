/**
 * What a user pays for an on-device decision, notification included: CPU per getAttributes
 * call until every call's notification has been answered by a real HTTP Delivery API in
 * another process, for both SDKs with their default transports, next to the floor of one bare
 * keep-alive `node:http` POST of the same notification (and of the same POST through global
 * fetch). Each variant runs in a fresh process.
 *
 * Usage: node --import ./scripts/lib/ts.mjs scripts/bench/delivery/run.ts [--calls 20000] [--reference-calls 2000] [--json]
 */
import { execFileSync, fork, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const args = process.argv.slice(2);
const option = (name: string, fallback: string): string => {
  const i = args.indexOf(name);
  return i === -1 ? fallback : (args[i + 1] ?? fallback);
};
const calls = Number(option("--calls", "20000"));
const referenceCalls = Number(option("--reference-calls", "2000"));
const here = fileURLToPath(new URL(".", import.meta.url));
const tsLoader = fileURLToPath(new URL("../../lib/ts.mjs", import.meta.url));

/** A measured variant, as client.ts prints it. */
export interface DeliveryResult {
  variant: string;
  calls: number;
  cpuUsPerCall: number;
  userUsPerCall: number;
  systemUsPerCall: number;
  wallUsPerCall: number;
  dropped: number;
}

function ask<T>(server: ChildProcess, type: string): Promise<T> {
  return new Promise((resolve) => {
    const onMessage = (message: { type: string } & T) => {
      if (message.type !== type) return;
      server.off("message", onMessage);
      resolve(message);
    };
    server.on("message", onMessage);
    server.send({ type });
  });
}

const server = fork(join(here, "server.ts"), [], { execArgv: ["--import", tsLoader], stdio: ["ignore", "inherit", "inherit", "ipc"] });
const { port } = await new Promise<{ port: number }>((resolve) => server.once("message", (message) => resolve(message as { port: number })));
const dir = mkdtempSync(join(tmpdir(), "delivery-bench-"));
const bodyFile = join(dir, "notification.json");

function measure(variant: string, count: number): DeliveryResult {
  const out = execFileSync(process.execPath, ["--import", tsLoader, join(here, "client.ts"), variant, String(port), String(count), bodyFile], {
    encoding: "utf8",
    maxBuffer: 1 << 24,
  });
  const result = JSON.parse(out.trim().split("\n").pop() as string) as DeliveryResult;
  console.error(`${variant}: ${result.cpuUsPerCall.toFixed(1)} µs CPU per call (${result.calls} calls, ${result.wallUsPerCall.toFixed(1)} µs wall), dropped ${result.dropped}`);
  return result;
}

const results: DeliveryResult[] = [];
try {
  for (const [variant, count] of [
    ["ours", calls],
    ["ours-fetch", calls],
    ["reference", referenceCalls],
  ] as const) {
    await ask(server, "reset");
    results.push(measure(variant, count));
    if (variant === "ours") writeFileSync(bodyFile, (await ask<{ body: string }>(server, "last-notification")).body);
  }
  for (const variant of ["floor-node", "floor-fetch"]) {
    await ask(server, "reset");
    results.push(measure(variant, calls));
  }
} finally {
  server.send({ type: "stop" });
  rmSync(dir, { recursive: true, force: true });
}
const by = (variant: string) => results.find((r) => r.variant === variant) as DeliveryResult;
const ours = by("ours");
const reference = by("reference");
const floorNode = by("floor-node");
console.error(
  `ours ${ours.cpuUsPerCall.toFixed(1)} µs, reference ${reference.cpuUsPerCall.toFixed(1)} µs: ${(reference.cpuUsPerCall / ours.cpuUsPerCall).toFixed(1)}x less CPU; ` +
    `ours / bare node:http POST ${(ours.cpuUsPerCall / floorNode.cpuUsPerCall).toFixed(2)}x`,
);
console.log(JSON.stringify({ node: process.version, results }));
void execFileSync;
