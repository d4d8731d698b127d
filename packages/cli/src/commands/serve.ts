import type { AddressInfo } from "node:net";
import type { NotificationPayload } from "@decisioning/engine";
import { integerOption, stringOption } from "../args.js";
import { CliError, CliErrorCode } from "../errors.js";
import { artifactFromBytes, println } from "../io.js";
import { ARTIFACT_OPTIONS } from "../request.js";
import { createDeliveryServer } from "../server.js";
import { deciderOf, loadArtifact, type Command } from "./common.js";

/** Send what the decisions owe Target (display notifications, telemetry) to a Delivery API, in the background. */
async function forward(url: string, payload: NotificationPayload, query: { client: string; sessionId: string | undefined }, log: (line: string) => void): Promise<void> {
  const target = new URL(url);
  target.searchParams.set("client", query.client);
  target.searchParams.set("sessionId", query.sessionId ?? globalThis.crypto.randomUUID());
  try {
    const response = await fetch(target, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(payload.request),
      signal: AbortSignal.timeout(10000),
    });
    if (!response.ok) log(`notification not accepted: HTTP ${response.status} from ${target.origin}`);
  } catch (error) {
    log(`notification failed: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** `decisioning serve`: a local Delivery API endpoint that decides on-device. */
export const serveCommand: Command = {
  spec: {
    name: "serve",
    summary: "serve the Delivery API (POST /rest/v1/delivery) locally, deciding on-device: a sidecar for any language",
    usage: ["decisioning serve --artifact <file|url> [--port 8080] [--host 127.0.0.1] [--poll <seconds>] [--notify <url>]"],
    options: {
      ...ARTIFACT_OPTIONS,
      port: { type: "string", value: "<port>", description: "port to listen on (default 8080; 0 picks a free one and prints it)" },
      host: { type: "string", value: "<host>", description: "interface to listen on (default 127.0.0.1; 0.0.0.0 for every interface)" },
      poll: { type: "string", value: "<seconds>", description: "re-download a URL artifact this often, with If-None-Match (default 300; 0 never)" },
      notify: { type: "string", value: "<url>", description: "POST the notifications decisions owe Target to this Delivery API URL, e.g. https://acme.tt.omtrdc.net/rest/v1/delivery" },
    },
    notes: [
      "Requests are Adobe's Delivery API requests; `?client=` picks the client code, `?sessionId=` is",
      "passed on. Names the artifact cannot decide come back listed in remoteMboxes/remoteViews with",
      "status 206, as from the engine. GET /health reports the artifact in use.",
      "Without --notify, display notifications are not sent: Target will not count those impressions.",
      "Stops on SIGINT or SIGTERM. --json prints one JSON line per event on stdout.",
    ],
    examples: [
      "decisioning serve -a rules.json --port 8080",
      "curl -s localhost:8080/rest/v1/delivery -d '{\"id\":{\"tntId\":\"v-1\"},\"execute\":{\"mboxes\":[{\"name\":\"flags\",\"index\":1}]}}'",
    ],
  },
  async run(options, _positionals, io) {
    const loaded = await loadArtifact(options, io, "serve");
    deciderOf(loaded);
    const port = integerOption(options, "port", 8080, 0);
    if (port > 65535) throw new CliError(CliErrorCode.Usage, `--port must be at most 65535, got ${port}`);
    const host = stringOption(options, "host") ?? "127.0.0.1";
    const pollSeconds = integerOption(options, "poll", 300, 0);
    const notify = stringOption(options, "notify");
    if (notify !== undefined && !/^https?:\/\//.test(notify)) throw new CliError(CliErrorCode.Usage, `--notify takes an http(s) URL, got ${JSON.stringify(notify)}`);
    const json = options.json === true;
    const event = (name: string, fields: Record<string, unknown>, text: string, stream: "stdout" | "stderr" = "stderr"): void => {
      if (json) println(io.stdout, JSON.stringify({ event: name, ...fields }));
      else println(io[stream], text);
    };
    const { server, setArtifact } = createDeliveryServer({
      artifact: loaded.artifact,
      client: loaded.client,
      onRequest: (served) => event("request", { ...served }, `${served.method} ${served.path} ${served.status}${served.decision ? ` (${served.decision})` : ""} ${served.ms}ms${served.error ? ` ${served.error}` : ""}`),
      ...(notify !== undefined
        ? { onNotification: (payload: NotificationPayload, query: { client: string; sessionId: string | undefined }) => void forward(notify, payload, query, (line) => event("notification-error", { message: line }, line)) }
        : {}),
    });
    // Signal handlers go in before the port is announced: whoever reads it may stop us at once.
    let timer: NodeJS.Timeout | undefined;
    const stopped = new Promise<void>((resolve) => {
      const stop = (): void => {
        if (timer) clearInterval(timer);
        server.close(() => resolve());
        server.closeAllConnections();
      };
      process.once("SIGINT", stop);
      process.once("SIGTERM", stop);
    });
    await new Promise<void>((resolve, reject) => {
      server.once("error", (error: NodeJS.ErrnoException) => {
        reject(new CliError(CliErrorCode.Input, error.code === "EADDRINUSE" ? `port ${port} on ${host} is in use: pick another with --port, or --port 0 for any free one` : `cannot listen on ${host}:${port}: ${error.message}`, { cause: error }));
      });
      server.listen(port, host, resolve);
    });
    const address = server.address() as AddressInfo;
    const url = `http://${address.family === "IPv6" ? `[${address.address}]` : address.address}:${address.port}`;
    event("listening", { url, port: address.port, client: loaded.client }, `decisioning serve: listening on ${url} (POST /rest/v1/delivery, client ${loaded.client})`, "stdout");

    if (/^https?:\/\//.test(loaded.source) && pollSeconds > 0) {
      let etag: string | undefined;
      const poll = async (): Promise<void> => {
        try {
          const response = await fetch(loaded.source, { headers: etag ? { "if-none-match": etag } : {}, signal: AbortSignal.timeout(30000) });
          if (response.status === 304) return;
          if (!response.ok) throw new Error(`HTTP ${response.status}`);
          const next = artifactFromBytes(new Uint8Array(await response.arrayBuffer()), loaded.source, stringOption(options, "organization-id"));
          setArtifact(next);
          etag = response.headers.get("etag") ?? undefined;
          event("artifact-updated", { source: loaded.source }, `artifact updated from ${loaded.source}`);
        } catch (error) {
          const message = `artifact refresh failed, still deciding with the previous one: ${error instanceof Error ? error.message : String(error)}`;
          event("artifact-refresh-failed", { message }, message);
        }
      };
      timer = setInterval(() => void poll(), pollSeconds * 1000);
      timer.unref();
    }

    await stopped;
    event("stopped", {}, "decisioning serve: stopped");
    return 0;
  },
};
