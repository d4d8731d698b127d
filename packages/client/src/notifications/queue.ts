/**
 * The bounded queue between on-device decisions and the Delivery API. Decisions hand it their
 * notification payloads and return at once; a sender drains it with a bounded number of
 * requests in flight, merging payloads that would make the same Delivery API request, retrying
 * failures the edge cannot have processed with jittered exponential backoff, pausing while the
 * edge looks down (probing it with one request at a time), and dropping by a fixed, counted
 * policy. Every payload ends exactly once: sent, or dropped and reported.
 * Generic over the payload: what a payload is, how it is sent, merged and judged retriable are
 * the owner's (the client's Delivery API rules live with its HTTP and payload code).
 * Web-standard code only: timers, clock and randomness are injected.
 */

/** Why a payload was dropped instead of sent. */
export type NotificationDropReason =
  /** `maxQueued` payloads were waiting when this one came, so it was not taken in. */
  | "queue-full"
  /** `maxAttempts` attempts failed with retriable errors. */
  | "retries-exhausted"
  /** Older than `maxAgeMs` when its next attempt came. */
  | "expired"
  /** A failure that retrying cannot fix (a 4xx or 500 answer, an unreadable request). */
  | "rejected"
  /** Still waiting, or failed, after `close()`'s flush deadline. */
  | "closed";

/** Tuning of the queue; every field has a documented default. */
export interface NotificationQueueOptions {
  /** Most payloads waiting or backing off (not in flight); a payload arriving when that many wait is dropped; default 10000. */
  maxQueued?: number;
  /** Most Delivery API requests in flight at once; default 100. */
  maxConcurrent?: number;
  /** Most payloads merged into one Delivery API request; default 20. */
  maxBatch?: number;
  /** Attempts per payload, the first included; default 10. */
  maxAttempts?: number;
  /** Age (ms since enqueued) after which a payload is dropped rather than tried again; default 300000. */
  maxAgeMs?: number;
  /** Delay before the first retry, ms, doubled per retry; default 500. */
  backoffInitialMs?: number;
  /** Longest delay between retries, ms; default 30000. */
  backoffMaxMs?: number;
  /** Longest wait of `close()` for the queue to drain, ms (requests in flight then still end); default 5000. */
  closeTimeoutMs?: number;
}

/** Defaults of {@link NotificationQueueOptions}. */
export const DEFAULT_NOTIFICATION_QUEUE_OPTIONS: Readonly<Required<NotificationQueueOptions>> = Object.freeze({
  maxQueued: 10000,
  maxConcurrent: 100,
  maxBatch: 20,
  maxAttempts: 10,
  maxAgeMs: 300000,
  backoffInitialMs: 500,
  backoffMaxMs: 30000,
  closeTimeoutMs: 5000,
});

/**
 * Retriable failures in a row (no success between) after which the Delivery API is taken for
 * down: sending pauses, then probes with one request at a time until one succeeds. Below it,
 * scattered failures (a dropped connection now and then) never slow the others down.
 */
export const OUTAGE_THRESHOLD = 5;

/** Counters since the queue was created, plus what it holds now. Counts are of payloads unless named otherwise. */
export interface NotificationQueueStats {
  enqueued: number;
  sent: number;
  dropped: number;
  droppedBy: Record<NotificationDropReason, number>;
  /** Delivery API requests made (a merged request counts once). */
  requests: number;
  /** Delivery API requests that failed. */
  failedAttempts: number;
  /** Payloads waiting or backing off. */
  queued: number;
  /** Payloads in requests now in flight. */
  inFlight: number;
}

/** A dropped payload, as reported. */
export interface NotificationDrop<T> {
  payload: T;
  reason: NotificationDropReason;
  /** Attempts made for it. */
  attempts: number;
  /** The last failure, if any attempt was made. */
  error: unknown;
}

/** What the queue needs from its owner. */
export interface NotificationQueueDeps<T> {
  /** Send one (possibly merged) payload; resolve when the Delivery API accepted it. */
  send: (payload: T) => Promise<unknown>;
  /** Whether a failure may succeed if tried again. */
  isRetriable: (error: unknown) => boolean;
  /** Payloads with the same key (a string) may be merged; undefined never merges. */
  keyOf: (payload: T) => string | undefined;
  /**
   * A closer check for payloads whose keys match, for when telling them apart exactly costs too
   * much to do for every payload (only payloads that could merge pay for it); default: merge.
   */
  canMerge?: (into: T, payload: T) => boolean;
  /**
   * What to hold for a payload the queue takes in (default: the payload itself). Held payloads
   * live for milliseconds to minutes; a copy keeps the caller's allocation sites short-lived,
   * so V8 does not start allocating every decision's objects in the old generation.
   */
  retain?: (payload: T) => T;
  /** One payload carrying everything of the given ones (same key, in order). */
  merge: (payloads: readonly T[]) => T;
  /** Told once per dropped payload; must not throw (it is guarded anyway). */
  onDrop: (drop: NotificationDrop<T>) => void;
  platform: {
    monotonic: () => number;
    setTimeout: (fn: () => void, ms: number) => unknown;
    clearTimeout: (handle: unknown) => void;
    random: () => number;
  };
}

type State = "ready" | "backoff" | "in-flight" | "done";

interface Entry<T> {
  readonly key: string | undefined;
  readonly payloads: T[];
  readonly enqueuedAt: number;
  attempts: number;
  /** Started while the edge looked down: its failure lengthens the pause. */
  probe: boolean;
  state: State;
  dueAt: number;
  lastError: unknown;
  settled: (() => void)[] | undefined;
}

const INTEGER_OPTIONS = ["maxQueued", "maxConcurrent", "maxBatch", "maxAttempts"] as const;
const DURATION_OPTIONS = ["maxAgeMs", "backoffInitialMs", "backoffMaxMs", "closeTimeoutMs"] as const;

/** What is wrong with queue options, if anything: the option at fault and why. */
export function notificationQueueOptionsProblem(options: unknown): { field: string; problem: string } | undefined {
  if (options === undefined) return undefined;
  if (typeof options !== "object" || options === null || Array.isArray(options)) return { field: "notificationQueue", problem: "must be an object" };
  const given = options as Record<string, unknown>;
  for (const name of INTEGER_OPTIONS) {
    const value = given[name];
    if (value !== undefined && !(typeof value === "number" && Number.isInteger(value) && value >= 1)) {
      return { field: `notificationQueue.${name}`, problem: `must be a whole number of at least 1, got ${JSON.stringify(value) ?? String(value)}` };
    }
  }
  for (const name of DURATION_OPTIONS) {
    const value = given[name];
    if (value !== undefined && !(typeof value === "number" && Number.isFinite(value) && value > 0)) {
      return { field: `notificationQueue.${name}`, problem: `must be a positive number of milliseconds, got ${JSON.stringify(value) ?? String(value)}` };
    }
  }
  return undefined;
}

/** The options with defaults filled in; throws a `RangeError` naming the option for an invalid value. */
export function notificationQueueOptionsOf(options: NotificationQueueOptions | undefined): Required<NotificationQueueOptions> {
  const problem = notificationQueueOptionsProblem(options);
  if (problem) throw new RangeError(`${problem.field}: ${problem.problem}`);
  const given = options ?? {};
  const d = DEFAULT_NOTIFICATION_QUEUE_OPTIONS;
  const initial = given.backoffInitialMs ?? d.backoffInitialMs;
  return {
    maxQueued: given.maxQueued ?? d.maxQueued,
    maxConcurrent: given.maxConcurrent ?? d.maxConcurrent,
    maxBatch: given.maxBatch ?? d.maxBatch,
    maxAttempts: given.maxAttempts ?? d.maxAttempts,
    maxAgeMs: given.maxAgeMs ?? d.maxAgeMs,
    backoffInitialMs: initial,
    // A ceiling under the first delay would make the first delay the ceiling anyway.
    backoffMaxMs: Math.max(initial, given.backoffMaxMs ?? d.backoffMaxMs),
    closeTimeoutMs: given.closeTimeoutMs ?? d.closeTimeoutMs,
  };
}

/** A min-heap of entries by `dueAt`: backing-off entries in the order they become due. */
class DueHeap<T> {
  private readonly items: Entry<T>[] = [];

  get size(): number {
    return this.items.length;
  }

  peek(): Entry<T> | undefined {
    return this.items[0];
  }

  push(entry: Entry<T>): void {
    const items = this.items;
    items.push(entry);
    let i = items.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if ((items[parent] as Entry<T>).dueAt <= entry.dueAt) break;
      items[i] = items[parent] as Entry<T>;
      i = parent;
    }
    items[i] = entry;
  }

  pop(): Entry<T> | undefined {
    const items = this.items;
    const top = items[0];
    const last = items.pop();
    if (items.length === 0 || last === undefined) return top;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= items.length) break;
      const right = left + 1;
      const child = right < items.length && (items[right] as Entry<T>).dueAt < (items[left] as Entry<T>).dueAt ? right : left;
      if ((items[child] as Entry<T>).dueAt >= last.dueAt) break;
      items[i] = items[child] as Entry<T>;
      i = child;
    }
    items[i] = last;
    return top;
  }

  drain(): Entry<T>[] {
    return this.items.splice(0);
  }
}

/** The bounded, batching, retrying notification queue (see the module comment). */
export class NotificationQueue<T> {
  private readonly options: Required<NotificationQueueOptions>;
  /** Every entry not yet done. */
  private readonly held = new Set<Entry<T>>();
  /** Ready entries in enqueue order; entries that left the ready state are skipped lazily. */
  private ready: Entry<T>[] = [];
  private readyHead = 0;
  private readonly backoff = new DueHeap<T>();
  /** The ready, never-tried entry new payloads of a key merge into. */
  private readonly open = new Map<string, Entry<T>>();
  private heldPayloads = 0;
  private inFlightPayloads = 0;
  private inFlightRequests = 0;
  private timer: unknown;
  private timerDueAt = Number.POSITIVE_INFINITY;
  private pumpScheduled = false;
  /** While `close()` flushes: no backoff waits. */
  private flushing = false;
  /** Past `close()`'s deadline: no more attempts for what is held now. */
  private expiredFlush = false;
  /** Retriable failures since the last success. */
  private failureStreak = 0;
  /** Pauses in a row since the edge was taken for down: how long the next one lasts. */
  private outageLevel = 0;
  /** While the edge looks down, no request starts before this (monotonic ms), unless flushing. */
  private pausedUntil = 0;
  private readonly counters = {
    enqueued: 0,
    sent: 0,
    dropped: 0,
    requests: 0,
    failedAttempts: 0,
    droppedBy: { "queue-full": 0, "retries-exhausted": 0, expired: 0, rejected: 0, closed: 0 } as Record<NotificationDropReason, number>,
  };

  constructor(
    private readonly deps: NotificationQueueDeps<T>,
    options?: NotificationQueueOptions,
  ) {
    this.options = notificationQueueOptionsOf(options);
  }

  /** Queue a payload; it goes out on a later tick (so payloads of one burst can merge). */
  enqueue(payload: T): void {
    this.counters.enqueued += 1;
    if (this.heldPayloads - this.inFlightPayloads >= this.options.maxQueued) {
      this.refuse(payload);
      return;
    }
    payload = this.safeRetain(payload);
    const key = this.safeKey(payload);
    const target = key === undefined ? undefined : this.open.get(key);
    if (
      target &&
      target.state === "ready" &&
      target.attempts === 0 &&
      target.payloads.length < this.options.maxBatch &&
      this.safeCanMerge(target.payloads[0] as T, payload)
    ) {
      target.payloads.push(payload);
      this.heldPayloads += 1;
    } else {
      const entry: Entry<T> = {
        key,
        payloads: [payload],
        enqueuedAt: this.deps.platform.monotonic(),
        attempts: 0,
        probe: false,
        state: "ready",
        dueAt: 0,
        lastError: undefined,
        settled: undefined,
      };
      this.held.add(entry);
      this.ready.push(entry);
      this.heldPayloads += 1;
      if (key !== undefined) this.open.set(key, entry);
    }
    this.schedulePump();
  }

  /**
   * A full queue turns new payloads away (as LaunchDarkly's event processor does) rather than
   * evicting waiting ones: shedding load is then nearly free when CPU is scarcest, and the
   * refused payload dies young instead of churning long-held ones through the old generation.
   */
  private refuse(payload: T): void {
    this.counters.dropped += 1;
    this.counters.droppedBy["queue-full"] += 1;
    try {
      this.deps.onDrop({ payload, reason: "queue-full", attempts: 0, error: undefined });
    } catch {
      // Reporting is the owner's business; the queue's accounting must not depend on it.
    }
  }

  /** Counters and current sizes. */
  stats(): NotificationQueueStats {
    const { counters } = this;
    return {
      enqueued: counters.enqueued,
      sent: counters.sent,
      dropped: counters.dropped,
      droppedBy: { ...counters.droppedBy },
      requests: counters.requests,
      failedAttempts: counters.failedAttempts,
      queued: this.heldPayloads - this.inFlightPayloads,
      inFlight: this.inFlightPayloads,
    };
  }

  /** Resolves once every payload held now (waiting, backing off or in flight) is sent or dropped. */
  whenSettled(): Promise<void> {
    const pending = [...this.held];
    if (pending.length === 0) return Promise.resolve();
    return Promise.all(
      pending.map(
        (entry) =>
          new Promise<void>((resolve) => {
            if (entry.state === "done") resolve();
            else (entry.settled ??= []).push(resolve);
          }),
      ),
    ).then(() => undefined);
  }

  /**
   * Send everything held, retrying without backoff waits, for at most `closeTimeoutMs`; then
   * drop (and report) what is still waiting, let requests in flight end, and resolve. The
   * queue keeps working afterwards.
   */
  async flush(): Promise<void> {
    this.flushing = true;
    for (const entry of this.backoff.drain()) {
      if (entry.state !== "backoff") continue;
      entry.state = "ready";
      this.ready.push(entry);
    }
    this.schedulePump();
    const settled = this.whenSettled();
    let deadline: unknown;
    const timedOut = new Promise<boolean>((resolve) => {
      deadline = this.deps.platform.setTimeout(() => resolve(true), this.options.closeTimeoutMs);
    });
    try {
      if (await Promise.race([settled.then(() => false), timedOut])) {
        this.expiredFlush = true;
        for (const entry of [...this.held]) if (entry.state !== "in-flight") this.drop(entry, "closed");
        await this.whenSettled();
      }
    } finally {
      this.deps.platform.clearTimeout(deadline);
      this.flushing = false;
      this.expiredFlush = false;
    }
  }

  private safeRetain(payload: T): T {
    const { retain } = this.deps;
    if (!retain) return payload;
    try {
      return retain(payload);
    } catch {
      return payload;
    }
  }

  private safeCanMerge(into: T, payload: T): boolean {
    const { canMerge } = this.deps;
    if (!canMerge) return true;
    try {
      return canMerge(into, payload);
    } catch {
      return false;
    }
  }

  private safeKey(payload: T): string | undefined {
    try {
      return this.deps.keyOf(payload);
    } catch {
      return undefined;
    }
  }

  private schedulePump(): void {
    if (this.pumpScheduled) return;
    this.pumpScheduled = true;
    // A macrotask, not a microtask: payloads handed over in the same tick get to merge first.
    this.deps.platform.setTimeout(() => {
      this.pumpScheduled = false;
      this.pump();
    }, 0);
  }

  private nextReady(): Entry<T> | undefined {
    while (this.readyHead < this.ready.length) {
      const entry = this.ready[this.readyHead] as Entry<T>;
      this.readyHead += 1;
      if (entry.state === "ready") return entry;
    }
    // Everything was taken: start over so the array does not keep growing.
    this.ready = [];
    this.readyHead = 0;
    return undefined;
  }

  private pump(): void {
    const now = this.deps.platform.monotonic();
    while (this.backoff.size > 0 && ((this.backoff.peek() as Entry<T>).dueAt <= now || this.flushing)) {
      const entry = this.backoff.pop() as Entry<T>;
      if (entry.state !== "backoff") continue;
      entry.state = "ready";
      this.ready.push(entry);
    }
    // Down (by the streak): nothing during the pause, then a single probe until one succeeds.
    const down = !this.flushing && this.failureStreak >= OUTAGE_THRESHOLD;
    const paused = down && now < this.pausedUntil;
    const limit = !down ? this.options.maxConcurrent : paused ? 0 : 1;
    while (this.inFlightRequests < limit) {
      const entry = this.nextReady();
      if (!entry) break;
      if (now - entry.enqueuedAt > this.options.maxAgeMs) {
        this.drop(entry, "expired");
        continue;
      }
      this.start(entry, down);
    }
    if (this.readyHead > 1024 && this.readyHead * 2 > this.ready.length) {
      this.ready = this.ready.slice(this.readyHead);
      this.readyHead = 0;
    }
    const next = this.backoff.peek();
    let wakeAt = next ? next.dueAt : Number.POSITIVE_INFINITY;
    if (paused && this.heldPayloads > this.inFlightPayloads) wakeAt = Math.min(wakeAt, this.pausedUntil);
    this.armTimer(wakeAt);
  }

  /** Wake up at `dueAt`: the earliest retry or the end of a pause (one timer for the whole queue). */
  private armTimer(dueAt: number): void {
    if (dueAt === this.timerDueAt) return;
    this.deps.platform.clearTimeout(this.timer);
    this.timer = undefined;
    this.timerDueAt = dueAt;
    if (dueAt === Number.POSITIVE_INFINITY) return;
    const delay = Math.max(0, dueAt - this.deps.platform.monotonic());
    this.timer = this.deps.platform.setTimeout(() => {
      this.timer = undefined;
      this.timerDueAt = Number.POSITIVE_INFINITY;
      this.pump();
    }, delay);
  }

  private start(entry: Entry<T>, probe: boolean): void {
    if (entry.key !== undefined && this.open.get(entry.key) === entry) this.open.delete(entry.key);
    entry.state = "in-flight";
    entry.probe = probe;
    entry.attempts += 1;
    this.inFlightRequests += 1;
    this.inFlightPayloads += entry.payloads.length;
    this.counters.requests += 1;
    let payload: T;
    let sending: Promise<unknown>;
    try {
      payload = entry.payloads.length === 1 ? (entry.payloads[0] as T) : this.deps.merge(entry.payloads);
      sending = Promise.resolve(this.deps.send(payload));
    } catch (error) {
      sending = Promise.reject(error);
    }
    sending.then(
      () => this.finished(entry, undefined, true),
      (error: unknown) => this.finished(entry, error, false),
    );
  }

  private finished(entry: Entry<T>, error: unknown, ok: boolean): void {
    this.inFlightRequests -= 1;
    this.inFlightPayloads -= entry.payloads.length;
    if (ok) {
      this.counters.sent += entry.payloads.length;
      this.failureStreak = 0;
      this.outageLevel = 0;
      this.pausedUntil = 0;
      this.settle(entry);
      this.release(entry);
    } else {
      this.counters.failedAttempts += 1;
      entry.lastError = error;
      const retriable = this.safeRetriable(error);
      if (retriable) this.noteFailure(entry.probe);
      if (!retriable) this.drop(entry, "rejected");
      else if (this.expiredFlush) this.drop(entry, "closed");
      else if (entry.attempts >= this.options.maxAttempts) this.drop(entry, "retries-exhausted");
      else this.retryLater(entry);
    }
    this.pump();
  }

  private safeRetriable(error: unknown): boolean {
    try {
      return this.deps.isRetriable(error);
    } catch {
      return false;
    }
  }

  /** The `n`th backoff delay: exponential, capped, with equal jitter. */
  private backoffDelay(n: number): number {
    const { backoffInitialMs, backoffMaxMs } = this.options;
    const ceiling = Math.min(backoffMaxMs, backoffInitialMs * 2 ** (n - 1));
    // Equal jitter: at least half the delay (failures back off for sure), the rest random
    // (clients that failed together do not retry together).
    return ceiling / 2 + (ceiling / 2) * this.deps.platform.random();
  }

  /**
   * Count a retriable failure. Reaching the threshold starts the first (short) pause; only a
   * failed probe lengthens it: requests that were already in flight when the edge went down
   * fail together, and that says nothing more about how long it stays down.
   */
  private noteFailure(probe: boolean): void {
    this.failureStreak += 1;
    if (this.failureStreak < OUTAGE_THRESHOLD) return;
    if (this.outageLevel > 0 && !probe) return;
    this.outageLevel += 1;
    this.pausedUntil = this.deps.platform.monotonic() + this.backoffDelay(this.outageLevel);
  }

  private retryLater(entry: Entry<T>): void {
    const delay = this.flushing ? 0 : this.backoffDelay(entry.attempts);
    entry.dueAt = this.deps.platform.monotonic() + delay;
    entry.state = "backoff";
    this.backoff.push(entry);
  }

  private drop(entry: Entry<T>, reason: NotificationDropReason): void {
    if (entry.state === "done") return;
    if (entry.key !== undefined && this.open.get(entry.key) === entry) this.open.delete(entry.key);
    const count = entry.payloads.length;
    this.counters.dropped += count;
    this.counters.droppedBy[reason] += count;
    this.settle(entry);
    for (const payload of entry.payloads) {
      try {
        this.deps.onDrop({ payload, reason, attempts: entry.attempts, error: entry.lastError });
      } catch {
        // Reporting is the owner's business; the queue's accounting must not depend on it.
      }
    }
    this.release(entry);
  }

  private settle(entry: Entry<T>): void {
    entry.state = "done";
    this.held.delete(entry);
    this.heldPayloads -= entry.payloads.length;
    const waiters = entry.settled;
    entry.settled = undefined;
    if (waiters) for (const resolve of waiters) resolve();
  }

  /** A done entry may still sit in the ready list until a pump compacts it; it must not keep its payloads alive. */
  private release(entry: Entry<T>): void {
    entry.payloads.length = 0;
    entry.lastError = undefined;
  }
}
