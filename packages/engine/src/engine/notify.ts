import type { SafeLogger } from "../platform/logger.js";
import type { Platform } from "../platform/platform.js";
import type { EventEmitter, NotificationPayload } from "../types.js";

/**
 * Hands notification payloads to `sendNotificationFunc`, one call per decision as the contract
 * says, but with one timer per burst rather than one per decision: payloads queued in the same
 * tick go out together after the callers have their responses.
 */
export class NotificationDispatcher {
  private queue: NotificationPayload[] = [];
  private flushing: Promise<void> | undefined;

  constructor(
    private readonly sender: (payload: NotificationPayload) => unknown,
    private readonly platform: Pick<Platform, "setTimeout">,
    private readonly logger: SafeLogger,
    private readonly emit: EventEmitter,
    private readonly waitUntil: ((promise: Promise<unknown>) => void) | undefined,
  ) {}

  /** Queue a payload; it is sent after the current tick. */
  enqueue(payload: NotificationPayload): void {
    this.queue.push(payload);
    const flushing = this.schedule();
    // Edge runtimes end a request's work when its handler returns unless handed the promise.
    this.waitUntil?.(flushing);
  }

  /** Resolves once every queued payload has been handed over and settled. */
  async idle(): Promise<void> {
    while (this.flushing) await this.flushing;
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
    while (this.queue.length > 0) {
      const batch = this.queue;
      this.queue = [];
      await Promise.all(batch.map((payload) => this.sendOne(payload)));
    }
  }

  private async sendOne(payload: NotificationPayload): Promise<void> {
    try {
      await this.sender(payload);
    } catch (error) {
      this.logger.error("sending notifications failed", error);
      this.emit("sendNotificationError", { notification: payload, error });
    }
  }
}
