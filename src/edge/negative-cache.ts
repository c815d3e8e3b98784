/**
 * Remembers, per isolate and for a while, keys known to be absent, so a flood of wrong API keys costs one
 * D1 read per distinct key rather than one per request. Bounded: past `maxEntries` the oldest is dropped.
 */
export class NegativeCache {
  private readonly until = new Map<string, number>();

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries: number,
  ) {}

  /** Whether `key` was found absent within the last ttlMs. */
  has(key: string): boolean {
    const until = this.until.get(key);
    if (until === undefined) return false;
    if (until > Date.now()) return true;
    this.until.delete(key);
    return false;
  }

  /** Notes `key` as absent. */
  add(key: string): void {
    this.until.delete(key);
    if (this.until.size >= this.maxEntries) this.until.delete(this.until.keys().next().value as string);
    this.until.set(key, Date.now() + this.ttlMs);
  }

  /** Forgets every entry. */
  clear(): void {
    this.until.clear();
  }
}
