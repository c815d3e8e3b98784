import { TierError } from "./tier-error.ts";

/** Limits of one model's gate. */
export interface SchedulerLimits {
  /** requests that run at once (1 on the CPU backend: a forward pass uses the whole core) */
  concurrency: number;
  /** requests that may wait behind the running ones; the next one gets 429 */
  maxQueue: number;
  /** a queued request that waits longer than this gets 503 overloaded */
  maxWaitMs: number;
}

/** A held place to run; release() is idempotent and hands the place to the oldest waiter. */
export interface Slot {
  release(): void;
}

interface Waiter {
  grant: (slot: Slot) => void;
  fail: (err: unknown) => void;
  timer: ReturnType<typeof setTimeout>;
}

interface Gate {
  running: number;
  queue: Waiter[];
}

/**
 * Admission control per model: bounded concurrency, a bounded FIFO queue, and clear refusals beyond it
 * (429 queue_full, 503 overloaded after maxWaitMs, 503 shutting_down once draining).
 */
export class Scheduler {
  private readonly gates = new Map<string, Gate>();
  private draining = false;
  private idle: (() => void) | null = null;

  constructor(private readonly limits: SchedulerLimits) {
    if (!(limits.concurrency >= 1 && limits.maxQueue >= 0 && limits.maxWaitMs > 0)) {
      throw new RangeError(`scheduler limits out of range: ${JSON.stringify(limits)}`);
    }
  }

  /** Waits for a place to run `model`; rejects with TierError when refused or when `signal` aborts. */
  acquire(model: string, signal?: AbortSignal): Promise<Slot> {
    if (this.draining) return Promise.reject(new TierError("shutting_down", "the tier is shutting down"));
    const gate = this.gate(model);
    if (gate.running < this.limits.concurrency) return Promise.resolve(this.grant(gate));
    if (gate.queue.length >= this.limits.maxQueue) {
      const msg = `model '${model}' is busy: ${gate.running} running and ${gate.queue.length} queued (max ${this.limits.maxQueue}); retry later`;
      return Promise.reject(new TierError("queue_full", msg));
    }
    return new Promise<Slot>((resolve, reject) => {
      const leave = () => {
        clearTimeout(waiter.timer);
        const at = gate.queue.indexOf(waiter);
        if (at >= 0) gate.queue.splice(at, 1);
        signal?.removeEventListener("abort", onAbort);
        this.checkIdle();
      };
      const onAbort = () => {
        leave();
        reject(signal?.reason ?? new Error("aborted"));
      };
      const waiter: Waiter = {
        grant: (slot) => {
          clearTimeout(waiter.timer);
          signal?.removeEventListener("abort", onAbort);
          resolve(slot);
        },
        fail: (err) => {
          leave();
          reject(err);
        },
        timer: setTimeout(() => {
          waiter.fail(new TierError("overloaded", `model '${model}' queue wait exceeded ${this.limits.maxWaitMs} ms`));
        }, this.limits.maxWaitMs),
      };
      gate.queue.push(waiter);
      signal?.addEventListener("abort", onAbort, { once: true });
    });
  }

  /** Running and queued requests of one model (zeros for an unknown one). */
  depth(model: string): { running: number; queued: number } {
    const gate = this.gates.get(model);
    return { running: gate?.running ?? 0, queued: gate?.queue.length ?? 0 };
  }

  /** Whether drain() was called. */
  get isDraining(): boolean {
    return this.draining;
  }

  /** Refuses new work (503) and resolves once every running and queued request has finished. */
  drain(): Promise<void> {
    this.draining = true;
    return new Promise((resolve) => {
      this.idle = resolve;
      this.checkIdle();
    });
  }

  private gate(model: string): Gate {
    let gate = this.gates.get(model);
    if (!gate) {
      gate = { running: 0, queue: [] };
      this.gates.set(model, gate);
    }
    return gate;
  }

  private grant(gate: Gate): Slot {
    gate.running += 1;
    let held = true;
    return {
      release: () => {
        if (!held) return;
        held = false;
        gate.running -= 1;
        const next = gate.queue.shift();
        if (next) next.grant(this.grant(gate));
        this.checkIdle();
      },
    };
  }

  private checkIdle(): void {
    if (!this.idle) return;
    for (const g of this.gates.values()) if (g.running > 0 || g.queue.length > 0) return;
    this.idle();
    this.idle = null;
  }
}
