/**
 * Own-property access for objects whose keys come from callers or the network, where `__proto__`
 * and inherited members must stay out of the way.
 */

/** Whether `key` is an own property of `target` (never one inherited from a prototype). */
export function hasOwn(target: object, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(target, key);
}

/** Set `key` as an own data property: plain assignment of `__proto__` would replace the prototype instead. */
export function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === "__proto__") Object.defineProperty(target, key, { value, writable: true, enumerable: true, configurable: true });
  else target[key] = value;
}
