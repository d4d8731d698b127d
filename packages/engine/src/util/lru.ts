/** A map that keeps at most `max` entries, evicting the least recently used one. */
export class Lru<K, V> {
  /** The most entries kept at once. */
  readonly max: number;
  // A Map iterates in insertion order, so re-inserting on every hit keeps the coldest key first.
  readonly #entries = new Map<K, V>();

  constructor(max: number) {
    if (!Number.isInteger(max) || max < 1) throw new RangeError(`Lru max must be a positive integer, got ${max}`);
    this.max = max;
  }

  /** How many entries are held. */
  get size(): number {
    return this.#entries.size;
  }

  /** The value for `key`, marking it as most recently used; undefined when absent. */
  get(key: K): V | undefined {
    const entries = this.#entries;
    const value = entries.get(key);
    if (value === undefined && !entries.has(key)) return undefined;
    entries.delete(key);
    entries.set(key, value as V);
    return value;
  }

  /** Whether `key` is held, without touching its recency. */
  has(key: K): boolean {
    return this.#entries.has(key);
  }

  /** Stores `value` as the most recently used entry, evicting the oldest one if full. */
  set(key: K, value: V): this {
    const entries = this.#entries;
    if (entries.has(key)) {
      entries.delete(key);
    } else if (entries.size >= this.max) {
      const oldest = entries.keys().next();
      if (!oldest.done) entries.delete(oldest.value);
    }
    entries.set(key, value);
    return this;
  }

  /** Drops every entry. */
  clear(): void {
    this.#entries.clear();
  }
}
