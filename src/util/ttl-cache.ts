/**
 * A bounded map whose entries expire: the per-process caches that keep
 * look-ups off the hot tracking path (API keys, catalog facts, users).
 *
 * Why a TTL and not only invalidation: several gateway instances may share
 * one database, and an instance only hears of its own writes. Local writes
 * call `clear()`; other instances' changes show within the TTL.
 */
export class TtlCache<K, V> {
  private readonly entries = new Map<K, { value: V; expires: number }>();

  /**
   * @param ttlMs - how long an entry is trusted, ms.
   * @param maxEntries - beyond this the oldest entries are dropped.
   * @param now - clock (tests).
   */
  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** The value, or undefined when absent or expired. */
  get(key: K): V | undefined {
    const e = this.entries.get(key);
    if (!e) return undefined;
    if (e.expires <= this.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return e.value;
  }

  set(key: K, value: V): void {
    if (this.ttlMs <= 0) return;
    this.entries.delete(key);
    this.entries.set(key, { value, expires: this.now() + this.ttlMs });
    // Map iteration follows insertion order: the first key is the oldest.
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next();
      if (oldest.done) break;
      this.entries.delete(oldest.value);
    }
  }

  clear(): void {
    this.entries.clear();
  }

  /**
   * Values for `keys`: cached ones at once, the rest from one call to
   * `load` (which returns what exists; keys it omits are cached as absent).
   */
  async getMany(keys: readonly K[], load: (missing: K[]) => Promise<Map<K, V>>, absent: V): Promise<Map<K, V>> {
    const out = new Map<K, V>();
    const missing: K[] = [];
    for (const k of new Set(keys)) {
      const v = this.get(k);
      if (v === undefined) missing.push(k);
      else out.set(k, v);
    }
    if (missing.length) {
      const loaded = await load(missing);
      for (const k of missing) {
        const v = loaded.get(k) ?? absent;
        this.set(k, v);
        out.set(k, v);
      }
    }
    return out;
  }
}
