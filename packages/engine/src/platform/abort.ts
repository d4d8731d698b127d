/**
 * An abort without an `AbortSignal`. Node takes ~2.5 µs to make a signal, as much as the rest of
 * a notification's request, and a request that completes (nearly all) never needs one. A fetch
 * init may carry, under this key, a function that registers a listener to be called once when
 * the request is aborted (at once if it already was); a transport that knows the key (the Node
 * transport) uses it, any other reads `signal` as usual.
 */
export const ON_ABORT: unique symbol = Symbol.for("@decisioning/on-abort") as never;

/** Registers a listener for an abort; see {@link ON_ABORT}. */
export type OnAbort = (listener: (reason: unknown) => void) => void;

/** Register `listener` through the init's abort hook; false when the init has none (then read its `signal`). */
export function listenForAbort(init: unknown, listener: (reason: unknown) => void): boolean {
  const hook = typeof init === "object" && init !== null ? (init as { [ON_ABORT]?: unknown })[ON_ABORT] : undefined;
  if (typeof hook !== "function") return false;
  (hook as OnAbort).call(init, listener);
  return true;
}
