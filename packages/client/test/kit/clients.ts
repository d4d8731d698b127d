/**
 * Builders for clients under test: a client that resolves once `clientReady` fired, recorded
 * events and log lines, the demo artifact, and a fetch that routes Target's real host names to
 * the local fake (so host selection can be observed without leaving 127.0.0.1).
 */
import { readFileSync } from "node:fs";
import TargetClient, { type FetchApi, type TargetClientOptions, type TargetEvent } from "@decisioning/client";
import type { FakeServer } from "@decisioning/testing/servers";

/** The demo artifact of `fixtures/artifacts/demo-flags.json`, freshly parsed. */
export function demoArtifact(): Record<string, any> {
  return JSON.parse(readFileSync(new URL("../../../../fixtures/artifacts/demo-flags.json", import.meta.url), "utf8"));
}

/** Options every test client shares. */
export const BASE_OPTIONS = { client: "acmeclient", organizationId: "1234567890@AdobeOrg" } as const;

/** Log lines by level. */
export interface RecordingLogger {
  lines: Array<{ level: string; args: unknown[] }>;
  debug: (...args: unknown[]) => void;
  info: (...args: unknown[]) => void;
  warn: (...args: unknown[]) => void;
  error: (...args: unknown[]) => void;
}

/** A logger that keeps what it is told. */
export function recordingLogger(): RecordingLogger {
  const lines: RecordingLogger["lines"] = [];
  const at =
    (level: string) =>
    (...args: unknown[]) =>
      void lines.push({ level, args });
  return { lines, debug: at("debug"), info: at("info"), warn: at("warn"), error: at("error") };
}

/** A client with every event recorded. */
export interface ClientUnderTest {
  client: TargetClient;
  events: TargetEvent[];
  ready: Promise<void>;
}

/** Create a client recording its events; `ready` resolves on `clientReady`. */
export function startClient(options: Partial<TargetClientOptions>): ClientUnderTest {
  const events: TargetEvent[] = [];
  let markReady: () => void = () => {};
  const ready = new Promise<void>((resolve) => (markReady = resolve));
  const record = (event: TargetEvent) => {
    events.push(event);
    if (event.type === "clientReady") markReady();
  };
  const client = TargetClient.create({
    ...BASE_OPTIONS,
    fetchApi: localOnlyFetch,
    ...options,
    events: {
      clientReady: record,
      artifactDownloadSucceeded: record,
      artifactDownloadFailed: record,
      geoLocationUpdated: record,
      sendNotificationError: record,
      ...options.events,
    },
  });
  return { client, events, ready };
}

/** Create a client and wait (bounded) for `clientReady`. */
export async function readyClient(options: Partial<TargetClientOptions>, timeoutMs = 5000): Promise<ClientUnderTest> {
  const started = startClient(options);
  let timer: ReturnType<typeof setTimeout> | undefined;
  await Promise.race([started.ready, new Promise((_, reject) => (timer = setTimeout(() => reject(new Error("clientReady never fired")), timeoutMs)))]);
  clearTimeout(timer);
  return started;
}

/** The default fetch of test clients: 127.0.0.1 only, so no test can reach the internet by accident. */
export const localOnlyFetch: FetchApi = (input, init) => {
  if (new URL(input).hostname !== "127.0.0.1") return Promise.reject(new TypeError(`test fetch refused a non-local URL: ${input}`));
  return fetch(input, init);
};

/** Options pointing a client at the fake over plain HTTP. */
export function localServer(target: FakeServer): Partial<TargetClientOptions> {
  return { serverDomain: target.host, secure: false };
}

/**
 * A fetch that sends requests for Target's hosts (`*.tt.omtrdc.net`) to the fake instead,
 * keeping the URLs the client asked for in `urls`.
 */
export function reroutingFetch(target: FakeServer): { fetchApi: FetchApi; urls: string[] } {
  const urls: string[] = [];
  const fetchApi: FetchApi = (input, init) => {
    urls.push(input);
    const url = new URL(input);
    if (url.hostname.endsWith(".tt.omtrdc.net")) {
      url.protocol = "http:";
      url.host = target.host;
    }
    return fetch(url.toString(), init);
  };
  return { fetchApi, urls };
}

/** An `mbox` cookie value (entries expire in `ttlSeconds`). */
export function mboxCookie(entries: Record<string, string>, nowMs = Date.now(), ttlSeconds = 1000): string {
  const expires = Math.ceil(nowMs / 1000) + ttlSeconds;
  return Object.entries(entries)
    .map(([name, value]) => `${encodeURIComponent(name)}#${encodeURIComponent(value)}#${expires}`)
    .join("|");
}

/** Wait for a condition, polling (bounded). */
export async function eventually(check: () => boolean, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
