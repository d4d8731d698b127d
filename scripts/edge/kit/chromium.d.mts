import type { Server } from "node:http";
import type { BrowserContext, Page } from "playwright-core";

/** Debian's Chromium. */
export declare const CHROMIUM: string;
/** Why the browser tests cannot run here (throws in CI), or undefined when they can. */
export declare function chromiumUnavailable(): string | undefined;
/** A headless Chromium with a fresh profile; `close` also deletes the profile. */
export declare function launchChromium(): Promise<{ context: BrowserContext; close: () => Promise<void> }>;
/** A file the static server sends: a path on disk or text in hand. */
export type Served = { file: string } | { text: string };
/** Serve `files` on 127.0.0.1 at an ephemeral port, under a CSP that forbids eval. */
export declare function serveStatic(files: Record<string, Served>): Promise<{ origin: string; server: Server }>;
/** Serve `files`, open `/` in headless Chromium and wait for `<html data-ready=yes>`; errors the page reports are collected. */
export declare function openEdgePage(files: Record<string, Served>): Promise<{ page: Page; errors: string[]; close: () => Promise<void> }>;
/** What the page's `window.edge.decide` answers for `cases` with each bundle, "full" and "lean". */
export declare function decidePerBundle<A>(page: Page, cases: object): Promise<Record<"full" | "lean", A[]>>;
