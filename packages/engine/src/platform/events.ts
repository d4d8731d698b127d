import type { EventEmitter } from "../types.js";
import type { SafeLogger } from "./logger.js";

/** Emit an event to the user's emitter; errors in user handlers are logged, never rethrown. */
export function safeEmitter(emitter: EventEmitter | undefined, logger: SafeLogger): EventEmitter {
  return (name, payload) => {
    if (typeof emitter !== "function") return;
    try {
      const result: unknown = (emitter as (n: string, p?: unknown) => unknown)(name, payload);
      if (result instanceof Promise) result.catch((error: unknown) => logger.error(`event handler for ${name} failed`, error));
    } catch (error) {
      logger.error(`event handler for ${name} failed`, error);
    }
  };
}
