// Headless Debian Chromium driven by playwright-core, and the static server its pages come from.
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type BrowserContext, chromium, type Page } from "playwright-core";

/** A file the static server sends: a path on disk or text in hand. */
export type Served = { file: string } | { text: string };

/** What the test pages put on `window`: a decider per bundle they loaded. */
interface EdgeWindow {
  edge: { decide(bundle: string, cases: object): unknown };
}

/** Debian's Chromium: installed by `.ci/run` (`apt-get install -y chromium`) when missing. */
export const CHROMIUM = "/usr/bin/chromium";

/**
 * Why the browser tests cannot run here, or undefined when they can. In CI a missing browser is
 * a broken setup, not a reason to skip, so it throws there instead.
 */
export function chromiumUnavailable(): string | undefined {
  if (existsSync(CHROMIUM)) return undefined;
  const reason = `${CHROMIUM} is missing: run \`apt-get install -y chromium\` (as .ci/run does)`;
  if (process.env["CI"]) throw new Error(reason);
  return reason;
}

/** A headless Chromium with a fresh profile; `close` also deletes the profile. */
export async function launchChromium(): Promise<{ context: BrowserContext; close: () => Promise<void> }> {
  const profile = mkdtempSync(join(tmpdir(), "edge-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    // Quiet and hermetic: no updater, sync, QUIC or background requests leave the machine.
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
  return {
    context,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

const TYPES: Record<string, string> = { ".js": "text/javascript; charset=utf-8", ".html": "text/html; charset=utf-8" };

/**
 * Serve `files` (URL path -> `{file}` or `{text}`) on 127.0.0.1 at an ephemeral port, with a CSP
 * that forbids `eval` and `new Function`: a bundle that reaches for either fails in the page.
 */
export async function serveStatic(files: Record<string, Served>): Promise<{ origin: string; server: Server }> {
  const server = createServer((request, response) => {
    const path = new URL(request.url ?? "/", "http://127.0.0.1").pathname;
    const served = files[path];
    // Browsers ask for an icon on their own; a 404 would read as an error of the page.
    if (path === "/favicon.ico" && !served) {
      response.writeHead(204).end();
      return;
    }
    if (!served) {
      response.writeHead(404).end();
      return;
    }
    const body = "file" in served ? readFileSync(served.file) : served.text;
    response.writeHead(200, {
      "content-type": TYPES[path.slice(path.lastIndexOf("."))] ?? TYPES[".html"],
      "content-security-policy": "default-src 'self'; script-src 'self'",
      "cache-control": "no-store",
    });
    response.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("the test server has no TCP address");
  return { origin: `http://127.0.0.1:${address.port}`, server };
}

/**
 * Serve `files`, open `/` in a fresh headless Chromium and wait for the page to mark itself
 * ready (`<html data-ready=yes>`). Page errors and console errors are collected in `errors`;
 * `close` shuts the browser and the server.
 */
export async function openEdgePage(files: Record<string, Served>): Promise<{ page: Page; errors: string[]; close: () => Promise<void> }> {
  const served = await serveStatic(files);
  const browser = await launchChromium();
  const errors: string[] = [];
  const close = async () => {
    await browser.close();
    await new Promise((resolve) => served.server.close(resolve));
  };
  try {
    const page = await browser.context.newPage();
    page.on("pageerror", (error) => errors.push(error.message));
    page.on("console", (message) => {
      if (message.type() === "error") errors.push(message.text());
    });
    await page.goto(`${served.origin}/`);
    await page.waitForSelector("html[data-ready=yes]", { state: "attached", timeout: 10_000 });
    return { page, errors, close };
  } catch (error) {
    await close();
    throw error;
  }
}

/**
 * What the page's `window.edge.decide` answers for `cases` with each bundle it loaded ("full",
 * then "lean"): the browser tests of every package run the same cases once per bundle.
 */
export async function decidePerBundle<A>(page: Page, cases: object): Promise<Record<"full" | "lean", A[]>> {
  const answers: Partial<Record<"full" | "lean", A[]>> = {};
  for (const bundle of ["full", "lean"] as const) {
    answers[bundle] = (await page.evaluate(([name, payload]) => (window as unknown as EdgeWindow).edge.decide(name, payload), [bundle, cases] as const)) as A[];
  }
  return answers as Record<"full" | "lean", A[]>;
}
