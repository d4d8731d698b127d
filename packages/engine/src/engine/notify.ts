import type { SafeLogger } from "../platform/logger.js";
import type { EventEmitter, NotificationHandoff, NotificationPayload, Platform } from "../types.js";

/**
 * Most payloads held for the next tick. A server whose event loop stays busy (a burst of
 * synchronous work, a benchmark loop) would otherwise hold every payload until it yields; past
 * this many, they are handed over as soon as the call that filled the backlog has returned.
 * Kept small: a backlog that outlives a young-generation collection or two makes V8 allocate
 * the decision's own objects in the old generation (1,024 page-load payloads doubled the CPU
 * per decision; 128 does not).
 */
export const MAX_NOTIFICATION_BACKLOG = 128;

/**
 * Hands notification payloads to `sendNotificationFunc`, one call per decision as the contract
 * says, but with one timer per burst rather than one per decision: payloads queued in the same
 * tick go out together after the callers have their responses. A sender that queues by itself
 * (TargetClient's bounded queue) takes them `immediate`ly instead, so no second, unbounded
 * queue builds up while the event loop is busy.
 */
export class NotificationDispatcher {
  private queue: NotificationPayload[] = [];
  private flushing: Promise<void> | undefined;
  private backlogScheduled = false;
  /** Sends handed a promise back by the sender that have not settled yet. */
  private readonly pending = new Set<Promise<void>>();

  constructor(
    private readonly sender: (payload: NotificationPayload) => unknown,
    private readonly platform: Pick<Platform, "setTimeout">,
    private readonly logger: SafeLogger,
    private readonly emit: EventEmitter,
    private readonly waitUntil: ((promise: Promise<unknown>) => void) | undefined,
    private readonly handoff: NotificationHandoff = "deferred",
  ) {}

  /** Hand a payload over: after the current tick, or at once for `immediate`. */
  enqueue(payload: NotificationPayload): void {
    if (this.handoff === "immediate") {
      this.handOver(payload);
      return;
    }
    this.queue.push(payload);
    if (this.queue.length >= MAX_NOTIFICATION_BACKLOG && !this.backlogScheduled) {
      this.backlogScheduled = true;
      // Two microtask hops: the caller awaiting the decision that filled the backlog resumes first.
      queueMicrotask(() =>
        queueMicrotask(() => {
          this.backlogScheduled = false;
          this.handOverQueued();
        }),
      );
    }
    const flushing = this.schedule();
    // Edge runtimes end a request's work when its handler returns unless handed the promise.
    this.waitUntil?.(flushing);
  }

  /** Resolves once every queued payload has been handed over and settled. */
  async idle(): Promise<void> {
    while (this.flushing || this.pending.size > 0) await (this.flushing ?? Promise.all(this.pending));
  }

  /** Hand every queued payload to the sender now; the burst's `flushing` promise, which the host holds, waits for them. */
  private handOverQueued(): void {
    const batch = this.queue;
    this.queue = [];
    for (const payload of batch) this.handOver(payload, false);
  }

  /** Call the sender now; only a sender that returns a promise leaves something to track. */
  private handOver(payload: NotificationPayload, tellHost = true): void {
    let result: unknown;
    try {
      result = this.sender(payload);
    } catch (error) {
      this.failed(payload, error);
      if (tellHost) this.waitUntil?.(Promise.resolve());
      return;
    }
    if (!isThenable(result)) {
      // Still told: a host's waitUntil may chain its own work on the hand-off (TargetClient waits for its queue).
      if (tellHost) this.waitUntil?.(Promise.resolve());
      return;
    }
    const settled: Promise<void> = Promise.resolve(result).then(
      () => undefined,
      (error: unknown) => this.failed(payload, error),
    );
    const tracked = settled.finally(() => this.pending.delete(tracked));
    this.pending.add(tracked);
    if (tellHost) this.waitUntil?.(tracked);
  }

  private failed(payload: NotificationPayload, error: unknown): void {
    this.logger.error("sending notifications failed", error);
    this.emit("sendNotificationError", { notification: payload, error });
  }

  private schedule(): Promise<void> {
    if (this.flushing) return this.flushing;
    const flushing = new Promise<void>((resolve) => {
      this.platform.setTimeout(() => {
        void this.drain().finally(() => {
          this.flushing = undefined;
          resolve();
          // Payloads queued while the last batch settled get their own burst.
          if (this.queue.length > 0) this.schedule();
        });
      }, 0);
    });
    this.flushing = flushing;
    return flushing;
  }

  private async drain(): Promise<void> {
    // Payloads queued while sends settle join this burst.
    do {
      this.handOverQueued();
      if (this.pending.size > 0) await Promise.all(this.pending);
    } while (this.queue.length > 0 || this.pending.size > 0);
  }
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (typeof value === "object" || typeof value === "function") && value !== null && typeof (value as { then?: unknown }).then === "function";
}
