/**
 * One isolate's writes to one shared row, coalesced: changes queue up while a write is in flight or the
 * window since the last write is still open, and the next write carries all of them. So however many
 * concurrent requests change the row, this isolate writes it at most once per window and never races itself
 * (a compare-and-set then only conflicts with other isolates). The first change after a quiet window is
 * written at once.
 */
export class CoalescedWrites<C> {
  private pending: C[] = [];
  /** the write that will take `pending`, once scheduled */
  private next: Promise<boolean[]> | null = null;
  /** the last write scheduled; each waits for the one before */
  private tail: Promise<unknown> = Promise.resolve();
  private lastWriteAt = -Infinity;

  /** @param windowMs the least time between the end of one write and the start of the next */
  constructor(private readonly windowMs: number) {}

  /**
   * Queues `change`. `write` gets every change queued for the same write, in order, and says for each whether
   * it applied; when this call schedules the write, its `write` is the one used.
   * @returns whether `change` applied, once the write that carried it has landed
   */
  add(change: C, write: (changes: C[]) => Promise<boolean[]>): Promise<boolean> {
    const index = this.pending.push(change) - 1;
    if (this.next === null) {
      const scheduled = this.tail.then(async () => {
        const wait = this.lastWriteAt + this.windowMs - Date.now();
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
        const changes = this.pending;
        this.pending = [];
        this.next = null;
        try {
          return await write(changes);
        } finally {
          this.lastWriteAt = Date.now();
        }
      });
      this.next = scheduled;
      this.tail = scheduled.catch(() => {});
    }
    return this.next.then((applied) => applied[index] === true);
  }
}
