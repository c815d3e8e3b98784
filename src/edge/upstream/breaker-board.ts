/**
 * The circuit breakers as this isolate sees them. State lives in D1 (`upstream_breakers`) so every isolate
 * shares it; each isolate keeps a copy for at most a second (stale-while-revalidate), so a healthy request
 * pays no D1 round trip. Only changes write: a failure, the success that closes a breaker, and claiming a
 * half-open probe. An isolate's changes to one upstream are coalesced into at most one write per
 * WRITE_WINDOW_MS (CoalescedWrites), so a burst of concurrent failures is one write, not one each racing the
 * others. Each write is compare-and-set against the row's version and is retried on a conflict with another
 * isolate, so no failure is lost and only one request claims a probe. Why D1 and not a Durable Object:
 * docs/edge.md#circuit-breakers.
 */
import type { Context } from "hono";
import { openDatabase, type Database } from "../../db/database.ts";
import { compareAndSetBreaker, getBreaker, loadBreakers, type StoredBreaker } from "../../db/queries-breakers.ts";
import {
  afterFailure,
  afterSuccess,
  breakerPhase,
  claimProbe,
  CLOSED,
  probeAvailable,
  type BreakerPhase,
  type BreakerState,
} from "../../routing/circuit-breaker.ts";
import type { AppEnv } from "../app-env.ts";
import { IsolateCache } from "../isolate-cache.ts";
import { CoalescedWrites } from "./coalesced-writes.ts";
import { logEvent } from "../log.ts";

const cache = new IsolateCache<Map<string, StoredBreaker>>(1_000, 10_000);
const WRITE_TRIES = 5;
/** The least time between two of this isolate's writes to one upstream's row. */
const WRITE_WINDOW_MS = 100;

/** A change to a breaker; null means it has nothing to change. */
type Change = (s: BreakerState) => BreakerState | null;

/** This isolate's pending writes, by upstream. */
const writes = new Map<string, CoalescedWrites<Change>>();

/** Whether to send to an upstream now. */
export type Admission = { send: true; probe: boolean } | { send: false; state: BreakerState };

/** The breakers for one request. */
export class BreakerBoard {
  private constructor(
    private readonly db: Database,
    private readonly states: Map<string, StoredBreaker>,
    private readonly defer: (p: Promise<unknown>) => void,
  ) {}

  /** This isolate's view of every breaker (from D1 at most a second old). */
  static async load(c: Context<AppEnv>): Promise<BreakerBoard> {
    const db = openDatabase(c.env.DB);
    const defer = (p: Promise<unknown>) => c.executionCtx.waitUntil(p);
    const states = (await cache.get("breakers", () => loadBreakers(db), defer)) ?? new Map();
    return new BreakerBoard(db, states, defer);
  }

  /** The state of `upstreamId`'s breaker. */
  state(upstreamId: string): BreakerState {
    return this.states.get(upstreamId)?.state ?? CLOSED;
  }

  /** The phase of `upstreamId`'s breaker at `now`. */
  phase(upstreamId: string, now: number): BreakerPhase {
    return breakerPhase(this.state(upstreamId), now);
  }

  /** Closed: send. Open: skip. Half-open: send only if this request wins the probe (one D1 write). */
  async admit(upstreamId: string, now: number): Promise<Admission> {
    const state = this.state(upstreamId);
    const phase = breakerPhase(state, now);
    if (phase === "closed") return { send: true, probe: false };
    if (phase === "open" || !probeAvailable(state, now)) return { send: false, state };
    const won = await this.write(upstreamId, (s) => (probeAvailable(s, now) ? claimProbe(s, now) : null));
    return won ? { send: true, probe: true } : { send: false, state: this.state(upstreamId) };
  }

  /** Notes a success; writes only when it closes a breaker that had failures. */
  succeeded(upstreamId: string): void {
    const s = this.state(upstreamId);
    if (s.failures === 0 && s.openUntil === null) return;
    this.defer(this.write(upstreamId, (cur) => (cur.failures === 0 && cur.openUntil === null ? null : afterSuccess())));
  }

  /** Notes a failure (a 503's Retry-After opens the breaker at once, for that long). */
  failed(upstreamId: string, error: string, retryAfterMs: number | null): void {
    const now = Date.now();
    // This isolate sees the failure at once; the shared row follows after the response.
    const local = this.states.get(upstreamId);
    this.states.set(upstreamId, {
      state: afterFailure(local?.state ?? CLOSED, now, error, retryAfterMs),
      version: local?.version ?? 0,
    });
    this.defer(this.write(upstreamId, (s) => afterFailure(s, now, error, retryAfterMs)));
  }

  /** Queues `change` for `upstreamId`'s row; true once a write carrying it has applied it. */
  private write(upstreamId: string, change: Change): Promise<boolean> {
    let queue = writes.get(upstreamId);
    if (!queue) writes.set(upstreamId, (queue = new CoalescedWrites<Change>(WRITE_WINDOW_MS)));
    return queue.add(change, (changes) => this.store(upstreamId, changes));
  }

  /**
   * Applies `changes` in order to the stored row with one compare-and-set, re-reading and re-applying them on
   * a conflict. Says for each change whether it applied.
   */
  private async store(upstreamId: string, changes: Change[]): Promise<boolean[]> {
    let current: StoredBreaker | null = null;
    for (let i = 0; i < WRITE_TRIES; i++) {
      current = await getBreaker(this.db, upstreamId);
      let state = current?.state ?? CLOSED;
      const applied = changes.map((change) => {
        const next = change(state);
        if (next !== null) state = next;
        return next !== null;
      });
      if (!applied.includes(true)) {
        if (current) this.states.set(upstreamId, current);
        return applied;
      }
      if (await compareAndSetBreaker(this.db, upstreamId, current?.version ?? null, state, Date.now())) {
        this.states.set(upstreamId, { state, version: (current?.version ?? 0) + 1 });
        return applied;
      }
    }
    logEvent("error", "breaker write gave up", { upstream: upstreamId, tries: WRITE_TRIES });
    return changes.map(() => false);
  }
}

/** Forgets this isolate's copy (tests use it to stand in for a fresh isolate). */
export function forgetBreakers(): void {
  cache.clear();
  writes.clear();
}
