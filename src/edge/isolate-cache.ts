/**
 * A per-isolate cache of one async value per key with a freshness window: fresh entries are served as they
 * are; stale ones are served while one background reload runs (so a hot path never waits on D1 twice);
 * missing or long-stale ones are loaded inline. A null value is never cached, so something created in
 * another isolate shows up at once. Writers in the same isolate call `clear()` to see their change at once.
 */
export class IsolateCache<V> {
  private readonly entries = new Map<string, { value: V; loadedAt: number; reloading: boolean }>();

  /**
   * @param freshMs how long a value is served without a reload
   * @param maxStaleMs past this age a value is reloaded inline rather than served
   */
  constructor(
    private readonly freshMs: number,
    private readonly maxStaleMs: number,
  ) {}

  /**
   * The cached value for `key`, loading it with `load` when missing or stale.
   * @param defer keeps a background reload alive past the response (ctx.waitUntil)
   */
  async get(key: string, load: () => Promise<V | null>, defer: (p: Promise<unknown>) => void): Promise<V | null> {
    const entry = this.entries.get(key);
    const age = entry ? Date.now() - entry.loadedAt : Infinity;
    if (!entry || age > this.maxStaleMs) return this.loadInline(key, load);
    if (age > this.freshMs && !entry.reloading) {
      entry.reloading = true;
      defer(
        this.loadInline(key, load).catch(() => {
          entry.reloading = false;
        }),
      );
    }
    return entry.value;
  }

  /** Forgets every entry. */
  clear(): void {
    this.entries.clear();
  }

  private async loadInline(key: string, load: () => Promise<V | null>): Promise<V | null> {
    const value = await load();
    if (value === null) this.entries.delete(key);
    else this.entries.set(key, { value, loadedAt: Date.now(), reloading: false });
    return value;
  }
}
