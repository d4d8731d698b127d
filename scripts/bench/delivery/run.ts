/**
 * What a user pays for an on-device decision, notification included: CPU per getAttributes
 * call until every call's notification has been answered by a real HTTP Delivery API in
 * another process, for both SDKs with their default transports, next to the floor of one bare
 * keep-alive `node:http` POST of the same notification (and of the same POST through global
 * fetch). Each variant runs in a fresh process, once per round; a variant's figure is its
 * median round.
 *
 * Usage: node --import ./scripts/lib/ts.mjs scripts/bench/delivery/run.ts [--calls 20000] [--reference-calls 2000] [--rounds 3]
 */
import { type ChildProcess, execFileSync, fork } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { isMain, lastJsonLine, printResult, TS_LOADER } from "../child.js";
import { DELIVERY_VARIANTS, type DeliveryResult, type DeliveryRun, type DeliveryVariant, type DeliveryVariantResult } from "./method.js";

const here = fileURLToPath(new URL(".", import.meta.url));

/** How much to measure: calls per variant (Adobe's SDK, a hundred times costlier, gets its own count) and rounds. */
export interface DeliveryPlan {
  calls: number;
  referenceCalls: number;
  rounds: number;
}

/** The server's messages over IPC, by type. */
interface ServerMessages {
  listening: { port: number };
  reset: Record<string, never>;
  counts: { notifications: number; requests: number };
  "last-notification": { body: string };
}

function ask<K extends keyof ServerMessages>(server: ChildProcess, type: K): Promise<ServerMessages[K]> {
  return new Promise((resolve) => {
    const onMessage = (message: { type: string } & ServerMessages[K]) => {
      if (message.type !== type) return;
      server.off("message", onMessage);
      resolve(message);
    };
    server.on("message", onMessage);
    server.send({ type });
  });
}

const median = (values: readonly number[]): number => [...values].sort((a, b) => a - b)[values.length >> 1] as number;

/** Measure every variant `plan.rounds` times against one server process; progress goes to standard error. */
export async function measureDelivery(plan: DeliveryPlan): Promise<DeliveryResult> {
  const server = fork(join(here, "server.ts"), [], { execArgv: ["--import", TS_LOADER], stdio: ["ignore", "inherit", "inherit", "ipc"] });
  const { port } = await new Promise<ServerMessages["listening"]>((resolve) =>
    server.once("message", (message) => resolve(message as ServerMessages["listening"])),
  );
  const dir = mkdtempSync(join(tmpdir(), "delivery-bench-"));
  const bodyFile = join(dir, "notification.json");
  const runs = new Map<DeliveryVariant, { run: DeliveryRun; received: number }[]>(DELIVERY_VARIANTS.map((variant) => [variant, []]));

  const measure = async (variant: DeliveryVariant, round: number): Promise<void> => {
    await ask(server, "reset");
    const count = variant === "reference" ? plan.referenceCalls : plan.calls;
    const output = execFileSync(process.execPath, ["--import", TS_LOADER, join(here, "client.ts"), variant, String(port), String(count), bodyFile], {
      encoding: "utf8",
      maxBuffer: 1 << 24,
      stdio: ["ignore", "pipe", "inherit"],
    });
    const run = lastJsonLine<DeliveryRun>(output);
    const { notifications } = await ask(server, "counts");
    runs.get(variant)?.push({ run, received: notifications });
    console.error(
      `delivery round ${round + 1}, ${variant}: ${run.cpuUsPerCall.toFixed(1)} µs CPU per call (${run.calls} calls, ${run.wallUsPerCall.toFixed(1)} µs wall), ` +
        `${notifications} notifications answered, ${run.dropped} dropped`,
    );
    // The floors POST what our client sent: its last notification.
    if (variant === "ours" && round === 0) writeFileSync(bodyFile, (await ask(server, "last-notification")).body);
  };

  try {
    for (let round = 0; round < plan.rounds; round++) for (const variant of DELIVERY_VARIANTS) await measure(variant, round);
  } finally {
    server.send({ type: "stop" });
    rmSync(dir, { recursive: true, force: true });
  }

  const variants = DELIVERY_VARIANTS.map((variant): DeliveryVariantResult => {
    const measured = runs.get(variant) ?? [];
    const cpu = measured.map(({ run }) => run.cpuUsPerCall);
    const middle = measured.find(({ run }) => run.cpuUsPerCall === median(cpu));
    if (!middle) throw new Error(`delivery: no round measured ${variant}`);
    const owed = measured.reduce((sum, { run }) => sum + run.warmup + run.calls, 0);
    const received = measured.reduce((sum, { received }) => sum + received, 0);
    const droppedTotal = measured.reduce((sum, { run }) => sum + run.dropped, 0);
    // Nothing is lost: every notification is answered or counted as dropped.
    if (received + droppedTotal < owed) throw new Error(`delivery ${variant}: ${owed} notifications owed, ${received} answered, ${droppedTotal} dropped`);
    return { ...middle.run, roundsCpuUsPerCall: cpu, owed, received, droppedTotal };
  });
  return { node: process.version, rounds: plan.rounds, variants };
}

if (isMain(import.meta.url)) {
  const { values } = parseArgs({
    options: { calls: { type: "string", default: "20000" }, "reference-calls": { type: "string", default: "2000" }, rounds: { type: "string", default: "1" } },
  });
  const result = await measureDelivery({ calls: Number(values.calls), referenceCalls: Number(values["reference-calls"]), rounds: Number(values.rounds) });
  const cpu = (variant: DeliveryVariant) => result.variants.find((v) => v.variant === variant)?.cpuUsPerCall ?? Number.NaN;
  console.error(
    `ours ${cpu("ours").toFixed(1)} µs, reference ${cpu("reference").toFixed(1)} µs: ${(cpu("reference") / cpu("ours")).toFixed(1)}x less CPU; ` +
      `ours / bare node:http POST ${(cpu("ours") / cpu("floor-node")).toFixed(2)}x`,
  );
  printResult(result);
  process.exit(0);
}
