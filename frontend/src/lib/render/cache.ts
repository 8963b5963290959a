// A least-recently-used map bounded by entry count and by total size, so a
// hostile reply (thousands of distinct formulas) cannot grow it without end.

export class LRU<V> {
  private map = new Map<string, { value: V; size: number }>();
  private total = 0;

  constructor(
    private readonly maxEntries: number,
    private readonly maxSize: number,
  ) {}

  get size(): number {
    return this.map.size;
  }

  /** Total size of what is held, in the units given to set. */
  get weight(): number {
    return this.total;
  }

  get(key: string): V | undefined {
    const e = this.map.get(key);
    if (!e) {
      return undefined;
    }
    // most recently used last
    this.map.delete(key);
    this.map.set(key, e);
    return e.value;
  }

  has(key: string): boolean {
    return this.map.has(key);
  }

  /** Stores value; something larger than the whole budget is not kept. */
  set(key: string, value: V, size: number): void {
    const old = this.map.get(key);
    if (old) {
      this.total -= old.size;
      this.map.delete(key);
    }
    if (size > this.maxSize) {
      return;
    }
    this.map.set(key, { value, size });
    this.total += size;
    for (const [k, e] of this.map) {
      if (this.map.size <= this.maxEntries && this.total <= this.maxSize) {
        break;
      }
      this.map.delete(k);
      this.total -= e.size;
    }
  }

  clear(): void {
    this.map.clear();
    this.total = 0;
  }
}
