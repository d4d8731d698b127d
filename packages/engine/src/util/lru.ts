interface Node<K, V> {
  key: K;
  value: V;
  newer: Node<K, V> | undefined;
  older: Node<K, V> | undefined;
}

/** A map that keeps at most `max` entries, evicting the least recently used one. */
export class Lru<K, V> {
  /** The most entries kept at once. */
  readonly max: number;
  // Recency lives in a linked list rather than in the Map's insertion order: re-inserting
  // into the Map on every hit cost more than the parse the cache saves on short keys.
  readonly #nodes = new Map<K, Node<K, V>>();
  #newest: Node<K, V> | undefined;
  #oldest: Node<K, V> | undefined;

  constructor(max: number) {
    if (!Number.isInteger(max) || max < 1) throw new RangeError(`Lru max must be a positive integer, got ${max}`);
    this.max = max;
  }

  /** How many entries are held. */
  get size(): number {
    return this.#nodes.size;
  }

  /** The value for `key`, marking it as most recently used; undefined when absent. */
  get(key: K): V | undefined {
    const node = this.#nodes.get(key);
    if (node === undefined) return undefined;
    if (node !== this.#newest) {
      this.#unlink(node);
      this.#pushNewest(node);
    }
    return node.value;
  }

  /** Whether `key` is held, without touching its recency. */
  has(key: K): boolean {
    return this.#nodes.has(key);
  }

  /** Stores `value` as the most recently used entry, evicting the oldest one if full. */
  set(key: K, value: V): this {
    const existing = this.#nodes.get(key);
    if (existing !== undefined) {
      existing.value = value;
      if (existing !== this.#newest) {
        this.#unlink(existing);
        this.#pushNewest(existing);
      }
      return this;
    }
    if (this.#nodes.size >= this.max && this.#oldest !== undefined) {
      const evicted = this.#oldest;
      this.#unlink(evicted);
      this.#nodes.delete(evicted.key);
    }
    const node: Node<K, V> = { key, value, newer: undefined, older: undefined };
    this.#nodes.set(key, node);
    this.#pushNewest(node);
    return this;
  }

  /** Drops every entry. */
  clear(): void {
    this.#nodes.clear();
    this.#newest = undefined;
    this.#oldest = undefined;
  }

  #unlink(node: Node<K, V>): void {
    if (node.newer) node.newer.older = node.older;
    else this.#newest = node.older;
    if (node.older) node.older.newer = node.newer;
    else this.#oldest = node.newer;
    node.newer = undefined;
    node.older = undefined;
  }

  #pushNewest(node: Node<K, V>): void {
    node.older = this.#newest;
    node.newer = undefined;
    if (this.#newest) this.#newest.newer = node;
    this.#newest = node;
    if (!this.#oldest) this.#oldest = node;
  }
}
