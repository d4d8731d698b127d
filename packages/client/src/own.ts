/**
 * Own-property access for objects whose keys come from callers or the network, where `__proto__`
 * and inherited members must stay out of the way: the engine's helpers, under the client's names.
 */
import { internal } from "@decisioning/engine";

/** Whether `key` is an own property of `target` (never one inherited from a prototype). */
export const hasOwn = internal.hasOwn;
/** Set `key` as an own data property: plain assignment of `__proto__` would replace the prototype instead. */
export const setOwn = internal.defineOwn;
