// How the orchestrator and its probes talk: a probe is a script of this folder run in a fresh
// Node process (with the TypeScript loader and `--expose-gc`) that prints its result as JSON,
// on the last line of its standard output. Its progress goes to standard error.
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/** The module that lets Node 20 run this folder's TypeScript (`node --import <it> script.ts`). */
export const TS_LOADER = fileURLToPath(new URL("../lib/ts.mjs", import.meta.url));

const here = fileURLToPath(new URL(".", import.meta.url));

/** The JSON value on the last line of a probe's output. */
export function lastJsonLine<T>(output: string): T {
  const line = output.trim().split("\n").pop();
  if (!line) throw new Error("the probe printed no result");
  return JSON.parse(line) as T;
}

/** Run `script` (a path relative to scripts/bench) in a fresh process, with extra Node `flags`; its result. */
export function probe<T>(script: string, args: readonly string[] = [], flags: readonly string[] = []): T {
  const output = execFileSync(process.execPath, ["--import", TS_LOADER, "--expose-gc", ...flags, join(here, script), ...args], {
    encoding: "utf8",
    maxBuffer: 1 << 26,
    stdio: ["ignore", "pipe", "inherit"],
  });
  return lastJsonLine<T>(output);
}

/** A probe's result, printed for the orchestrator. */
export function printResult(value: unknown): void {
  console.log(JSON.stringify(value));
}

/** True when the module at `url` is the script Node was started with (not imported). */
export const isMain = (url: string): boolean => process.argv[1] !== undefined && fileURLToPath(url) === process.argv[1];

/** `globalThis.gc`, which the probes are started with (`--expose-gc`); throws when it is missing. */
export function collectGarbage(): void {
  if (typeof globalThis.gc !== "function") throw new Error("run with --expose-gc");
  globalThis.gc();
}
