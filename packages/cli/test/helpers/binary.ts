/**
 * Runs the real `decisioning` binary (packages/cli/dist/bin.js) in a child process. The build
 * is brought up to date once per test run: test files run in parallel processes, so a lock
 * directory makes one of them build while the others wait.
 */
import { execFile, execFileSync, spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from "node:fs";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../../../../", import.meta.url));
const tsc = `${root}node_modules/typescript/bin/tsc`;
/** The binary under test. */
export const BIN = `${root}packages/cli/dist/bin.js`;
/** The repository root (commands run from there). */
export const ROOT = root;

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = `${dir}/${entry.name}`;
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

// tsc rewrites every output on each build, so an entry file's mtime is the build's time.
const entryOf = (pkg: string): string => `${root}packages/${pkg}/dist/${pkg === "cli" ? "bin" : "index"}.js`;

function fresh(pkg: string): boolean {
  const entry = entryOf(pkg);
  if (!existsSync(entry)) return false;
  const sources = Math.max(newestMtime(`${root}packages/${pkg}/src`), statSync(`${root}packages/${pkg}/tsconfig.build.json`).mtimeMs);
  return statSync(entry).mtimeMs >= sources;
}

function build(pkg: string): void {
  execFileSync(process.execPath, [tsc, "-p", `${root}packages/${pkg}/tsconfig.build.json`], { stdio: "pipe" });
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Build the engine (the binary imports its dist) and the CLI when their sources changed. */
export async function ensureBuilt(): Promise<void> {
  const lock = `${root}packages/cli/.build-lock`;
  const deadline = Date.now() + 120000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      // A lock older than the longest build is left over from a killed run.
      if (existsSync(lock) && Date.now() - statSync(lock).mtimeMs > 120000) rmSync(lock, { recursive: true, force: true });
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${lock}`);
      await sleep(100);
    }
  }
  try {
    if (!fresh("engine")) build("engine");
    if (!fresh("cli")) build("cli");
  } catch (error) {
    const output = (error as { stdout?: Buffer }).stdout?.toString() ?? String(error);
    throw new Error(`building the CLI failed:\n${output}`);
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/** What a run printed and returned. */
export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Run `decisioning ...args` from the repository root, optionally feeding stdin. */
export function run(args: readonly string[], options: { stdin?: string; env?: Record<string, string> } = {}): Promise<RunResult> {
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      [BIN, ...args],
      { cwd: root, env: { ...process.env, ...options.env }, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === "number" ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
    if (options.stdin !== undefined) child.stdin?.end(options.stdin);
    else child.stdin?.end();
  });
}

/** Run and parse stdout as JSON. */
export async function runJson<T = any>(args: readonly string[], options: { stdin?: string } = {}): Promise<{ code: number; json: T; stderr: string }> {
  const result = await run(args, options);
  let json: T;
  try {
    json = JSON.parse(result.stdout) as T;
  } catch {
    throw new Error(`stdout is not JSON (exit ${result.code}):\n${result.stdout}\n${result.stderr}`);
  }
  return { code: result.code, json, stderr: result.stderr };
}

/** Start a long-running command (serve); resolves once `ready` matches a line of stdout. */
export function start(args: readonly string[], ready: RegExp): Promise<{ child: ChildProcess; match: RegExpMatchArray; output: () => string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: root, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    const timer = setTimeout(() => reject(new Error(`no ${ready} within 10s:\n${stdout}\n${stderr}`)), 10000);
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
      const match = ready.exec(stdout);
      if (match) {
        clearTimeout(timer);
        resolve({ child, match, output: () => stdout + stderr });
      }
    });
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`exited with ${code} before ready:\n${stdout}\n${stderr}`));
    });
  });
}
