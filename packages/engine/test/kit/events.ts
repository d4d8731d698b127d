import type { EventEmitter, Logger } from "../../src/index.js";

/** One event the engine emitted. */
export interface RecordedEvent {
  name: string;
  payload: Record<string, unknown>;
  /** `Date.now()` when emitted. */
  at: number;
}

/** Records engine events and lets a test wait for them. */
export interface EventRecorder {
  /** Pass as `eventEmitter`. */
  readonly emitter: EventEmitter;
  /** Every event, in order. */
  readonly events: readonly RecordedEvent[];
  /** Payloads of the events with this name. */
  named(name: string): Record<string, unknown>[];
  /** Resolve with the `count`-th event of this name (counting from the start, default 1). */
  waitFor(name: string, count?: number, timeoutMs?: number): Promise<Record<string, unknown>>;
}

/** A recorder for the engine's `eventEmitter`. */
export function recordEvents(): EventRecorder {
  const events: RecordedEvent[] = [];
  let listeners: Array<() => void> = [];
  const named = (name: string) => events.filter((e) => e.name === name).map((e) => e.payload);
  return {
    emitter: (name, payload) => {
      events.push({ name, payload: payload ?? {}, at: Date.now() });
      const pending = listeners;
      listeners = [];
      for (const listener of pending) listener();
    },
    events,
    named,
    waitFor(name, count = 1, timeoutMs = 5000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          const seen = events.map((e) => e.name).join(", ");
          reject(new Error(`timed out waiting for ${name} #${count}; events so far: ${seen || "none"}`));
        }, timeoutMs);
        const check = () => {
          const found = named(name)[count - 1];
          if (found) {
            clearTimeout(timer);
            resolve(found);
          } else listeners.push(check);
        };
        check();
      });
    },
  };
}

/** One logged line. */
export interface LogLine {
  level: "debug" | "info" | "warn" | "error";
  message: string;
}

/** A logger that keeps what it is told, for assertions. */
export function recordLogs(): { logger: Required<Logger>; lines: LogLine[]; text(level?: LogLine["level"]): string } {
  const lines: LogLine[] = [];
  const at =
    (level: LogLine["level"]) =>
    (...args: unknown[]) =>
      void lines.push({ level, message: args.map((a) => (a instanceof Error ? a.message : String(a))).join(" ") });
  return {
    logger: { debug: at("debug"), info: at("info"), warn: at("warn"), error: at("error") },
    lines,
    text: (level) =>
      lines
        .filter((l) => level === undefined || l.level === level)
        .map((l) => l.message)
        .join("\n"),
  };
}
