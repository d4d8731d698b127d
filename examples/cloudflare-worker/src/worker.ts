/**
 * A Cloudflare Worker that decides Adobe Target activities on-device, per request: no network
 * hop between the request and its answer. It reads the `flags` mbox's attributes with
 * `getAttributes` and returns them as a response header and as the JSON body.
 *
 * Edge-friendly loading:
 * - the artifact comes from Workers KV (`rules.json`, pushed by your deploy or a Cron Trigger)
 *   as `artifactPayload`, else from Target's CDN with the last good copy kept in KV;
 * - `refreshMode: "on-request"`: no background timers, a request that finds the artifact stale
 *   starts the refresh, and the refresh is handed to `ctx.waitUntil`;
 * - notifications and snapshot writes are handed to `ctx.waitUntil` too, so nothing is lost
 *   when the response has gone out;
 * - no request to Target before the first answer: the edge cluster comes from the visitor's
 *   `mboxEdgeCluster` cookie, not from a ping at each isolate's start;
 * - `TARGET_OFFLINE=true` (a local run, `wrangler dev`): nothing leaves the worker, the
 *   artifact must be in KV and notifications are logged instead of sent.
 */
import TargetClient from "@decisioning/client";
import { kvSnapshotStore, type KeyValueNamespace, type Snapshot, type SnapshotStore } from "@decisioning/engine";

/** The Workers KV methods used here. */
export interface KvBinding extends KeyValueNamespace {
  get(key: string): Promise<string | null>;
  get(key: string, type: "json"): Promise<unknown>;
}

/** The bindings declared in wrangler.toml. */
export interface Env {
  TARGET_KV: KvBinding;
  TARGET_CLIENT: string;
  TARGET_ORGANIZATION_ID: string;
  /** The mbox whose JSON offers carry the flags (default `flags`). */
  TARGET_FLAGS_MBOX?: string;
  /** Ms between artifact refreshes, checked on request (default and minimum 300000). */
  TARGET_POLLING_INTERVAL?: string;
  /** `"true"`: no network at all (local runs): the artifact comes from KV only, notifications are logged, not sent. */
  TARGET_OFFLINE?: string;
}

/** The part of the Workers `ExecutionContext` used here. */
export interface ExecutionContext {
  waitUntil(promise: Promise<unknown>): void;
}

// Only types and the default handler may be exported: workerd treats every other export of the
// entry module as an entrypoint and refuses to start.

/** KV key of an artifact pushed by your pipeline; absent, the artifact comes from Target's CDN. */
const ARTIFACT_KEY = "rules.json";
/** Longest wait for a first artifact (CDN, else the KV snapshot) before a request gets a 503. */
const START_TIMEOUT_MS = 5000;
/** Response header carrying the flags as compact JSON. */
const FLAGS_HEADER = "x-target-flags";
/** The Delivery API path; the only request an offline worker answers itself. */
const DELIVERY_PATH = "/rest/v1/delivery";

/**
 * Background work started while serving a request (notifications, artifact refreshes, snapshot
 * writes). The client lives as long as the isolate, but `waitUntil` belongs to a request, so the
 * work is queued here and each request hands what is queued to its own `ctx.waitUntil` before it
 * returns. Work queued during a request is therefore always taken by a request still running.
 */
class BackgroundWork {
  private queued: Promise<unknown>[] = [];

  /** Queue a task; errors are the task's own business (the client logs them). */
  add = (task: Promise<unknown>): void => {
    this.queued.push(task.catch(() => {}));
  };

  /** Give everything queued so far to this request's `waitUntil`. */
  handOff(ctx: ExecutionContext): void {
    for (const task of this.queued.splice(0)) ctx.waitUntil(task);
  }
}

const background = new BackgroundWork();
// One client per isolate: the artifact is parsed once and reused by every request it serves.
let started: Promise<TargetClient> | undefined;

function snapshotsIn(kv: KvBinding): SnapshotStore {
  const store = kvSnapshotStore(kv);
  return {
    load: (key) => store.load(key),
    // Snapshot writes outlive the request that triggered them unless someone waits for them.
    save: (key: string, snapshot: Snapshot) => {
      const write = Promise.resolve(store.save(key, snapshot));
      background.add(write);
      return write;
    },
  };
}

/**
 * The fetch of an offline worker: a Delivery API that accepts notifications without sending
 * them anywhere (one log line each), and no CDN. With no network, real fetches would fail and
 * be retried, and workerd logs every failed lookup with a stack trace.
 */
async function offlineFetch(url: string, init?: { body?: unknown }): Promise<Response> {
  if (new URL(url).pathname !== DELIVERY_PATH) return new Response("TARGET_OFFLINE: no network", { status: 503 });
  const body = JSON.parse(typeof init?.body === "string" ? init.body : "{}") as {
    requestId?: string;
    id?: unknown;
    notifications?: Array<{ mbox?: { name?: string } }>;
  };
  const names = (body.notifications ?? []).map((n) => n.mbox?.name ?? "view or page load");
  console.log(`TARGET_OFFLINE: notification not sent to Target (${names.join(", ") || "no items"})`);
  return Response.json({ status: 200, requestId: body.requestId, id: body.id ?? {} });
}

async function startClient(env: Env): Promise<TargetClient> {
  const offline = env.TARGET_OFFLINE === "true";
  const artifactPayload = (await env.TARGET_KV.get(ARTIFACT_KEY, "json")) ?? undefined;
  if (offline && !artifactPayload) {
    throw new Error(`TARGET_OFFLINE is set and KV holds no "${ARTIFACT_KEY}": put one there first (see README.md, "Run it locally")`);
  }
  return new Promise<TargetClient>((resolve, reject) => {
    // The client reports a failed start only by logging it (clientReady never fires), and logs
    // failed attempts it recovers from too (a KV snapshot, a retry), so time is the judge.
    const deadline = setTimeout(() => reject(new Error("the Target client was not ready in time")), START_TIMEOUT_MS + 500);
    const client: TargetClient = TargetClient.create({
      client: env.TARGET_CLIENT,
      organizationId: env.TARGET_ORGANIZATION_ID,
      decisioningMethod: "on-device",
      ...(artifactPayload ? { artifactPayload: artifactPayload as Record<string, unknown> } : {}),
      // Offline, the artifact in KV is the only one: no refresh from the CDN.
      pollingInterval: offline ? 0 : Number(env.TARGET_POLLING_INTERVAL ?? 300000),
      // No ping to learn an edge cluster: it would delay every new isolate's first answer by a
      // round trip to Target. Each visitor's cluster comes with its mboxEdgeCluster cookie.
      targetLocationHint: "",
      ...(offline ? { fetchApi: offlineFetch } : {}),
      maximumWaitReady: START_TIMEOUT_MS,
      engineOptions: {
        refreshMode: "on-request",
        snapshotStore: snapshotsIn(env.TARGET_KV),
        waitUntil: background.add,
      },
      events: {
        clientReady: () => {
          clearTimeout(deadline);
          resolve(client);
        },
      },
      logger: { debug: () => {}, error: (...args: unknown[]) => console.error(...args) },
    });
  });
}

function clientFor(env: Env): Promise<TargetClient> {
  started ??= startClient(env).catch((error: unknown) => {
    // The next request tries again rather than every request failing for the isolate's life.
    started = undefined;
    throw error;
  });
  return started;
}

function cookie(request: Request, name: string): string | undefined {
  for (const part of (request.headers.get("cookie") ?? "").split(";")) {
    const [key, ...value] = part.trim().split("=");
    if (key === name) return decodeURIComponent(value.join("="));
  }
  return undefined;
}

export default {
  async fetch(request: Request, env: Env, ctx: ExecutionContext): Promise<Response> {
    try {
      const target = await clientFor(env);
      const mbox = env.TARGET_FLAGS_MBOX ?? "flags";
      const referrer = request.headers.get("referer");
      const attributes = await target.getAttributes([mbox], {
        targetCookie: cookie(request, TargetClient.TargetCookieName),
        targetLocationHint: cookie(request, TargetClient.TargetLocationHintCookieName),
        request: {
          context: {
            channel: "web",
            address: { url: request.url, ...(referrer ? { referringUrl: referrer } : {}) },
            userAgent: request.headers.get("user-agent") ?? "",
          },
        },
      });
      const flags = attributes.asObject(mbox);
      const { targetCookie, targetLocationHintCookie } = attributes.getResponse();
      const headers = new Headers({ "content-type": "application/json; charset=utf-8", [FLAGS_HEADER]: JSON.stringify(flags) });
      // The visitor keeps its allocation (and session), and its edge cluster, on the next request.
      for (const set of [targetCookie, targetLocationHintCookie]) {
        if (set) headers.append("set-cookie", `${set.name}=${encodeURIComponent(set.value)}; Max-Age=${set.maxAge}; Path=/; Secure; SameSite=Lax`);
      }
      return new Response(JSON.stringify({ mbox, flags }), { headers });
    } catch (error) {
      return new Response(JSON.stringify({ error: error instanceof Error ? error.message : String(error) }), {
        status: 503,
        headers: { "content-type": "application/json; charset=utf-8" },
      });
    } finally {
      background.handOff(ctx);
    }
  },
};
