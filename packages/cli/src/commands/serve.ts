import type { AddressInfo } from "node:net";
import { integerOption, stringOption, type ParsedOptions } from "../args.js";
import { CliError, CliErrorCode } from "../errors.js";
import { artifactProblem, isBinaryArtifact, isUrl, println, readArtifact, type Io } from "../io.js";
import { ARTIFACT_OPTIONS } from "../request.js";
import { createDeliveryServer, DEFAULT_MAX_RESPONSE_BYTES, type DeliveryServer, type TracePolicy } from "../server.js";
import { openFileSource } from "../serve/file-source.js";
import { createForwarder, DropReason, type ForwarderStats } from "../serve/forwarder.js";
import type { ArtifactSource, RefreshOutcome } from "../serve/source.js";
import { effectivePollMs, openUrlSource } from "../serve/url-source.js";
import { clientOf, type Command } from "./common.js";

/** The engine's default limit on an artifact body. */
const DEFAULT_MAX_ARTIFACT_BYTES = 50 * 1024 * 1024;
/** Ms serve waits for queued notifications when it stops. */
const DRAIN_MS = 5000;
/** Ms between two log lines about dropped notifications of one reason. */
const DROP_LOG_EVERY_MS = 10000;

type Emit = (name: string, fields: Record<string, unknown>, text: string, stream?: "stdout" | "stderr") => void;

async function openSource(source: string, options: ParsedOptions, io: Io, pollSeconds: number): Promise<ArtifactSource> {
  const organizationId = stringOption(options, "organization-id");
  if (isBinaryArtifact(source, organizationId) && organizationId === undefined) {
    throw new CliError(CliErrorCode.Usage, `${source} looks like an obfuscated rules.bin: pass --organization-id <id>@AdobeOrg to read it`);
  }
  if (isUrl(source)) {
    return openUrlSource({
      url: source,
      format: isBinaryArtifact(source, organizationId) ? "bin" : "json",
      organizationId,
      pollMs: pollSeconds * 1000,
      maxBytes: integerOption(options, "max-artifact-bytes", DEFAULT_MAX_ARTIFACT_BYTES),
      timeoutMs: 30000,
      client: stringOption(options, "client"),
    });
  }
  if (source !== "-") return openFileSource({ path: source, organizationId, watch: pollSeconds > 0 });
  const initial = await readArtifact(source, io, organizationId);
  const loadedAt = Date.now();
  return {
    initial,
    start() {},
    status: () => ({ source: "stdin", kind: "stdin", refresh: "off", loadedAt }),
    close: async () => {},
  };
}

function tracePolicyOf(options: ParsedOptions): TracePolicy {
  const token = stringOption(options, "trace-token");
  if (token !== undefined && options["allow-trace"] === true)
    throw new CliError(CliErrorCode.Usage, "give --allow-trace (anyone may trace) or --trace-token <token> (only callers that send it), not both");
  if (token !== undefined) {
    if (token.length < 16)
      throw new CliError(CliErrorCode.Usage, "--trace-token must be at least 16 characters: it is all that stands between a caller and a costly trace");
    return { token };
  }
  return options["allow-trace"] === true ? "any" : "off";
}

/** Log dropped notifications, at most one line per reason every few seconds, with the count since the last. */
function dropLogger(emit: Emit): (count: number, reason: string, message: string) => void {
  const pending = new Map<string, { count: number; last: number }>();
  return (count, reason, message) => {
    if (reason === DropReason.NoNotifyUrl) return; // said once at start, counted in /health
    const entry = pending.get(reason) ?? { count: 0, last: 0 };
    entry.count += count;
    pending.set(reason, entry);
    const at = Date.now();
    if (at - entry.last < DROP_LOG_EVERY_MS) return;
    const text = `${entry.count} notification${entry.count === 1 ? "" : "s"} dropped (${reason}): ${message}`;
    emit("notifications-dropped", { count: entry.count, reason, message }, text);
    entry.count = 0;
    entry.last = at;
  };
}

function refreshLogger(
  emit: Emit,
  source: string,
  client: string,
): (outcome: RefreshOutcome, artifact: { version?: unknown; meta?: { clientCode?: unknown } }) => void {
  return (outcome, artifact) => {
    const version = String(artifact.version);
    if (outcome.result === "updated") {
      emit("artifact-updated", { source, version }, `artifact updated from ${source} (version ${version})`);
      const code = artifact.meta?.clientCode;
      if (typeof code === "string" && code !== client) {
        const text = `warning: the new artifact is client ${code}'s; still deciding for client ${client}`;
        emit("warning", { message: text }, text);
      }
    }
    if (outcome.result === "failed") {
      const message = `artifact refresh failed, still deciding with the previous one: ${outcome.error ?? "unknown error"}`;
      emit("artifact-refresh-failed", { source, message }, message);
    }
  };
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
      poll: {
        type: "string",
        value: "<seconds>",
        description:
          "re-download a URL artifact this often, with If-None-Match (default 300, at least 1; at least 300 on Target's CDN); a file artifact is watched instead; 0 never refreshes",
      },
      notify: {
        type: "string",
        value: "<url>",
        description:
          "forward the notifications decisions owe Target, and those clients send, to this Delivery API URL, e.g. https://acme.tt.omtrdc.net/rest/v1/delivery",
      },
      "notify-queue": {
        type: "string",
        value: "<n>",
        description: "most notification payloads waiting for --notify (default 1000); more are dropped and counted",
      },
      "other-clients": {
        type: "string",
        value: "<n>",
        description: "also decide for other ?client= codes, at most n at once (default 0: a request for another client code gets a 400)",
      },
      "allow-trace": { type: "boolean", description: "let any caller ask for a trace (request.trace); traces are off by default" },
      "trace-token": {
        type: "string",
        value: "<token>",
        description: "let callers that send this token as trace.authorizationToken ask for a trace (16 characters or more)",
      },
      "max-response-bytes": { type: "string", value: "<n>", description: `largest answer; a larger one gets a 413 (default ${DEFAULT_MAX_RESPONSE_BYTES})` },
      "max-artifact-bytes": { type: "string", value: "<n>", description: `largest artifact download accepted (default ${DEFAULT_MAX_ARTIFACT_BYTES})` },
    },
    notes: [
      "Requests are Adobe's Delivery API requests; `?sessionId=` is passed on. `?client=` may only name the",
      "client code served (--client, else the artifact's meta.clientCode) unless --other-clients allows others.",
      "Names the artifact cannot decide come back listed in remoteMboxes/remoteViews with status 206, as from",
      "the engine; a name the artifact does not know at all is logged once, with the closest known name.",
      "",
      "Notifications: what each decision owes Target (display notifications, telemetry) and the",
      "`notifications` a request carries (displays and clicks with prefetched tokens) go to --notify",
      "in the background: a bounded queue, 4 at a time, 10 s timeout, one retry. Without --notify they",
      "are dropped: serve warns at start and each answer that owed some says so in notificationsDropped.",
      "",
      "GET /health: the artifact in use (version, source, ETag, loadedAt, ageMs), the last refresh (result,",
      "time, error), and notifications forwarded and dropped, by reason. A URL artifact is downloaded by",
      "the engine's loader: size limit, ETags from the first poll on, backoff after failures, validation",
      "before use, one download at a time. An edit to a file artifact is read once writes settle; a bad",
      "edit keeps the artifact in use and is reported. Bodies with Content-Encoding are refused (400).",
      "Stops on SIGINT or SIGTERM. --json prints one JSON line per event on stdout.",
    ],
    examples: [
      "decisioning serve -a rules.json --port 8080",
      "decisioning serve -a https://assets.adobetarget.com/acme/production/v1/rules.json --notify https://acme.tt.omtrdc.net/rest/v1/delivery",
      'curl -s localhost:8080/rest/v1/delivery -d \'{"id":{"tntId":"v-1"},"execute":{"mboxes":[{"name":"flags","index":1}]}}\'',
      "curl -s localhost:8080/health",
    ],
  },
  async run(options, _positionals, io) {
    const source = stringOption(options, "artifact");
    if (source === undefined) throw new CliError(CliErrorCode.Usage, "serve needs an artifact: --artifact <file|url> (see decisioning serve --help)");
    const port = integerOption(options, "port", 8080, 0);
    if (port > 65535) throw new CliError(CliErrorCode.Usage, `--port must be at most 65535, got ${port}`);
    const host = stringOption(options, "host") ?? "127.0.0.1";
    const pollSeconds = integerOption(options, "poll", 300, 0);
    const notify = stringOption(options, "notify");
    if (notify !== undefined && !/^https?:\/\/[^/?#]/.test(notify))
      throw new CliError(CliErrorCode.Usage, `--notify takes an http(s) URL, got ${JSON.stringify(notify)}`);
    const otherClients = integerOption(options, "other-clients", 0, 0);
    integerOption(options, "notify-queue", 1000);
    const trace = tracePolicyOf(options);
    const maxResponseBytes = integerOption(options, "max-response-bytes", DEFAULT_MAX_RESPONSE_BYTES, 1024);
    integerOption(options, "max-artifact-bytes", DEFAULT_MAX_ARTIFACT_BYTES);
    const json = options.json === true;
    const emit: Emit = (name, fields, text, stream = "stderr") => {
      if (json) println(io.stdout, JSON.stringify({ event: name, ...fields }));
      else println(io[stream], text);
    };

    const artifactSource = await openSource(source, options, io, pollSeconds);
    const client = clientOf(options, artifactSource.initial, source);
    const forwarder = createForwarder({ url: notify, maxQueued: integerOption(options, "notify-queue", 1000), onDrop: dropLogger(emit) });
    let delivery: DeliveryServer;
    try {
      delivery = createDeliveryServer({
        artifact: artifactSource.initial,
        client,
        otherClients,
        trace,
        maxResponseBytes,
        forwarder,
        sourceStatus: () => artifactSource.status(),
        onRequest: (served) =>
          emit(
            "request",
            { ...served },
            `${served.method} ${served.path} ${served.status}${served.decision ? ` (${served.decision})` : ""} ${served.ms}ms${served.error ? ` ${served.error}` : ""}`,
          ),
        onUnknownName: (message) => emit("unknown-name", { message }, `warning: ${message}`),
      });
    } catch (error) {
      await artifactSource.close();
      return artifactProblem(error, source);
    }
    const { server } = delivery;
    const logRefresh = refreshLogger(emit, source, client);
    artifactSource.start(
      (next) => delivery.setArtifact(next),
      (outcome) => logRefresh(outcome, delivery.health().artifact as { version?: unknown; meta?: { clientCode?: unknown } }),
    );

    const meta = (delivery.health().artifact as { meta?: { clientCode?: unknown } }).meta;
    if (typeof meta?.clientCode === "string" && meta.clientCode !== client) {
      const text = `warning: deciding for client ${client}, but the artifact is client ${meta.clientCode}'s: allocations follow ${client}`;
      emit("warning", { message: text }, text);
    }
    if (notify === undefined) {
      const text =
        "warning: no --notify: notifications (the decisions' own and those clients send) are not sent to Target, which will not count these impressions and clicks; they are counted as dropped in /health";
      emit("warning", { message: text }, text);
    }
    if (isUrl(source) && pollSeconds > 0 && effectivePollMs(source, pollSeconds * 1000) > pollSeconds * 1000) {
      const text = `warning: --poll ${pollSeconds} is below the 300 s Target's CDN allows: polling every 300 s`;
      emit("warning", { message: text }, text);
    }

    // Signal handlers go in before the port is announced: whoever reads it may stop us at once.
    const stopped = new Promise<void>((resolve) => {
      const stop = (): void => {
        server.close(() => resolve());
        server.closeAllConnections();
      };
      process.once("SIGINT", stop);
      process.once("SIGTERM", stop);
    });
    try {
      await new Promise<void>((resolve, reject) => {
        server.once("error", (error: NodeJS.ErrnoException) => {
          reject(
            new CliError(
              CliErrorCode.Input,
              error.code === "EADDRINUSE"
                ? `port ${port} on ${host} is in use: pick another with --port, or --port 0 for any free one`
                : `cannot listen on ${host}:${port}: ${error.message}`,
              { cause: error },
            ),
          );
        });
        server.listen(port, host, resolve);
      });
    } catch (error) {
      await artifactSource.close();
      throw error;
    }
    const address = server.address() as AddressInfo;
    const url = `http://${address.family === "IPv6" ? `[${address.address}]` : address.address}:${address.port}`;
    emit("listening", { url, port: address.port, client }, `decisioning serve: listening on ${url} (POST /rest/v1/delivery, client ${client})`, "stdout");

    await stopped;
    await artifactSource.close();
    await forwarder.close(DRAIN_MS);
    const stats: ForwarderStats = forwarder.stats();
    emit("stopped", { notifications: stats }, `decisioning serve: stopped (notifications: ${stats.forwarded} forwarded, ${stats.dropped} dropped)`);
    return 0;
  },
};
