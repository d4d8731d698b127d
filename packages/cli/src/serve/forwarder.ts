/**
 * Forwards notifications to Target's Delivery API (`serve --notify`) in the background: a
 * bounded queue (by payloads and bytes), a few requests at a time, each with a timeout and one
 * retry for faults a retry can fix. Answers never wait for it, and every notification that is
 * not delivered is counted with its reason.
 */
import { causeOf } from "../cause.js";

/** Why notifications were not delivered. */
export const DropReason = {
  /** serve runs without `--notify`. */
  NoNotifyUrl: "no-notify-url",
  /** The queue held its limit of payloads or bytes. */
  QueueFull: "queue-full",
  /** The Delivery API answered with an HTTP error. */
  HttpError: "http-error",
  /** The request failed: refused connection, DNS, reset. */
  NetworkError: "network-error",
  /** No answer within the timeout. */
  Timeout: "timeout",
  /** serve stopped before they could be sent. */
  Shutdown: "shutdown",
} as const;
/** One of {@link DropReason}. */
export type DropReason = (typeof DropReason)[keyof typeof DropReason];

/** One POST to make: a Delivery API request body with its notifications, and the query to send it with. */
export interface ForwardJob {
  body: Record<string, unknown>;
  /** Notifications the body holds (what the counters count). */
  count: number;
  client: string;
  sessionId: string;
}

/** What happened to a submitted job. */
export type SubmitResult = { queued: true } | { queued: false; reason: DropReason; message: string };

/** Counters shown by `/health`. */
export interface ForwarderStats {
  /** Where notifications go (origin and path), or null without `--notify`. */
  target: string | null;
  /** Notifications the Delivery API accepted. */
  forwarded: number;
  /** Notifications not delivered, in all. */
  dropped: number;
  droppedByReason: Partial<Record<DropReason, number>>;
  /** Notifications waiting in the queue. */
  queued: number;
  /** Requests being sent now. */
  inFlight: number;
  /** The last failure, if any. */
  lastError?: { at: string; reason: DropReason; message: string };
}

/** Options of {@link createForwarder}. */
export interface ForwarderOptions {
  /** The Delivery API URL (`--notify`); undefined drops everything with reason `no-notify-url`. */
  url: string | undefined;
  fetch?: typeof fetch;
  /** Most payloads waiting (default 1000). */
  maxQueued?: number;
  /** Most bytes of payloads waiting (default 16 MiB). */
  maxQueuedBytes?: number;
  /** Requests in flight at once (default 4). */
  concurrency?: number;
  /** Ms before a request is abandoned (default 10000). */
  timeoutMs?: number;
  /** Ms before the one retry (default 1000). */
  retryDelayMs?: number;
  now?: () => number;
  /** Told about every drop, for logs. */
  onDrop?: (count: number, reason: DropReason, message: string) => void;
}

/** The forwarder of one `serve`. */
export interface Forwarder {
  /** Queue a job, or drop it at once (no `--notify`, queue full); never waits. */
  submit(job: ForwardJob): SubmitResult;
  stats(): ForwarderStats;
  /** Send what is queued within `deadlineMs`; what is left is dropped with reason `shutdown`. */
  close(deadlineMs: number): Promise<void>;
}

interface Queued {
  job: ForwardJob;
  text: string;
  /** Counted already, as forwarded or dropped (a send still running at shutdown is counted then). */
  settled?: boolean;
}

class Failure extends Error {
  constructor(
    readonly reason: DropReason,
    message: string,
    readonly retryable: boolean,
  ) {
    super(message);
  }
}

/** Create the forwarder; with no URL every job is dropped and counted. */
export function createForwarder(options: ForwarderOptions): Forwarder {
  const fetchApi = options.fetch ?? fetch;
  const maxQueued = options.maxQueued ?? 1000;
  const maxQueuedBytes = options.maxQueuedBytes ?? 16 * 1024 * 1024;
  const concurrency = options.concurrency ?? 4;
  const timeoutMs = options.timeoutMs ?? 10000;
  const retryDelayMs = options.retryDelayMs ?? 1000;
  const now = options.now ?? Date.now;
  const target = options.url === undefined ? undefined : new URL(options.url);
  const queue: Queued[] = [];
  let queuedBytes = 0;
  let queuedCount = 0;
  const inFlight = new Set<Queued>();
  let forwarded = 0;
  let dropped = 0;
  const droppedByReason: Partial<Record<DropReason, number>> = {};
  let lastError: ForwarderStats["lastError"];
  let closing = false;
  const running = new Set<Promise<void>>();
  // Aborts sends still running when shutdown's deadline passes, so they do not hold the process.
  const shutdown = new AbortController();
  const waiting = new Set<{ timer: ReturnType<typeof setTimeout>; resolve: () => void }>();

  function drop(count: number, reason: DropReason, message: string): void {
    dropped += count;
    droppedByReason[reason] = (droppedByReason[reason] ?? 0) + count;
    if (reason !== DropReason.NoNotifyUrl) lastError = { at: new Date(now()).toISOString(), reason, message };
    options.onDrop?.(count, reason, message);
  }

  // Shutdown cuts retry delays short: the retry is then dropped as a shutdown.
  function pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const entry = { timer: setTimeout(() => (waiting.delete(entry), resolve()), ms), resolve };
      waiting.add(entry);
    });
  }

  async function post(url: URL, text: string): Promise<void> {
    let response: Response;
    try {
      response = await fetchApi(url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: text,
        signal: AbortSignal.any([AbortSignal.timeout(timeoutMs), shutdown.signal]),
      });
    } catch (error) {
      if (shutdown.signal.aborted) throw new Failure(DropReason.Shutdown, "serve stopped while they were being sent", false);
      if (error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError"))
        throw new Failure(DropReason.Timeout, `no answer within ${timeoutMs} ms from ${url.origin}`, true);
      throw new Failure(DropReason.NetworkError, `${url.origin}: ${causeOf(error)}`, true);
    }
    // The body is not needed, but an unread one holds its connection.
    await response.body?.cancel().catch(() => {});
    if (!response.ok) throw new Failure(DropReason.HttpError, `HTTP ${response.status} from ${url.origin}`, response.status >= 500 || response.status === 429);
  }

  async function send(item: Queued): Promise<void> {
    const url = new URL(target as URL);
    url.searchParams.set("client", item.job.client);
    url.searchParams.set("sessionId", item.job.sessionId);
    try {
      try {
        await post(url, item.text);
      } catch (error) {
        if (!(error instanceof Failure) || !error.retryable || closing) throw error;
        await pause(retryDelayMs);
        if (closing) throw new Failure(DropReason.Shutdown, "serve stopped before a retry", false);
        await post(url, item.text);
      }
      if (!item.settled) forwarded += item.job.count;
    } catch (error) {
      const failure = error instanceof Failure ? error : new Failure(DropReason.NetworkError, causeOf(error), false);
      if (!item.settled) drop(item.job.count, failure.reason, failure.message);
    }
    item.settled = true;
  }

  function pump(): void {
    while (inFlight.size < concurrency && queue.length > 0) {
      const item = queue.shift() as Queued;
      queuedBytes -= item.text.length;
      queuedCount -= item.job.count;
      inFlight.add(item);
      const task: Promise<void> = send(item).finally(() => {
        inFlight.delete(item);
        running.delete(task);
        pump();
      });
      running.add(task);
    }
  }

  return {
    submit(job) {
      if (target === undefined) {
        const message = "serve runs without --notify: notifications are not sent to Target, which does not count these impressions and clicks";
        drop(job.count, DropReason.NoNotifyUrl, message);
        return { queued: false, reason: DropReason.NoNotifyUrl, message };
      }
      if (closing) {
        drop(job.count, DropReason.Shutdown, "serve is stopping");
        return { queued: false, reason: DropReason.Shutdown, message: "serve is stopping" };
      }
      const text = JSON.stringify(job.body);
      if (queue.length >= maxQueued || queuedBytes + text.length > maxQueuedBytes) {
        const message = `the notification queue is full (${queue.length} payloads, ${queuedBytes} bytes waiting; limits ${maxQueued} and ${maxQueuedBytes}): Target is slow or unreachable`;
        drop(job.count, DropReason.QueueFull, message);
        return { queued: false, reason: DropReason.QueueFull, message };
      }
      queue.push({ job, text });
      queuedBytes += text.length;
      queuedCount += job.count;
      pump();
      return { queued: true };
    },
    stats() {
      return {
        target: target ? `${target.origin}${target.pathname}` : null,
        forwarded,
        dropped,
        droppedByReason: { ...droppedByReason },
        queued: queuedCount,
        inFlight: inFlight.size,
        ...(lastError ? { lastError: { ...lastError } } : {}),
      };
    },
    async close(deadlineMs) {
      let late = false;
      let timer: ReturnType<typeof setTimeout> | undefined;
      const deadline = new Promise<void>((resolve) => {
        timer = setTimeout(() => {
          late = true;
          resolve();
        }, deadlineMs);
      });
      while (!late && (queue.length > 0 || running.size > 0)) await Promise.race([...running, deadline]);
      clearTimeout(timer);
      closing = true;
      for (const entry of waiting) {
        clearTimeout(entry.timer);
        entry.resolve();
      }
      for (const item of [...queue.splice(0), ...inFlight]) {
        if (item.settled) continue;
        item.settled = true;
        drop(item.job.count, DropReason.Shutdown, "serve stopped before they were sent");
      }
      shutdown.abort();
      queuedBytes = 0;
      queuedCount = 0;
    },
  };
}
