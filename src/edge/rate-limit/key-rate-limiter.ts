/**
 * The Durable Object that holds one API key's allowance (one object per key id, so keys never contend).
 * Every isolate of the Worker, anywhere, asks the same object, which serialises a key's requests: a burst
 * spread over many isolates is counted exactly once. The arithmetic is src/routing/rate-allowance.ts.
 */
import { DurableObject } from "cloudflare:workers";
import {
  admit,
  charge,
  FRESH,
  type Admission,
  type AllowanceState,
  type Cost,
  type KeyLimits,
} from "../../routing/rate-allowance.ts";

const STATE_KEY = "allowance";

/** The verdict sent back to the Worker (the new state stays in the object). */
export type LimiterVerdict = { admitted: true } | Extract<Admission, { admitted: false }>;

/**
 * One key's buckets, kept in memory and in the object's storage (they survive eviction and restarts). It
 * reads no binding, so its env is unknown.
 */
export class KeyRateLimiter extends DurableObject<unknown> {
  #state: AllowanceState = FRESH;

  constructor(ctx: DurableObjectState, env: unknown) {
    super(ctx, env);
    void ctx.blockConcurrencyWhile(async () => {
      this.#state = (await ctx.storage.get<AllowanceState>(STATE_KEY)) ?? FRESH;
    });
  }

  /** Admits a request that costs `cost` under `limits` (the key's, as the Worker read them), or refuses it. */
  admit(limits: KeyLimits, cost: Cost): LimiterVerdict {
    const verdict = admit(this.#state, limits, cost, Date.now());
    if (!verdict.admitted) return verdict;
    this.#save(verdict.state);
    return { admitted: true };
  }

  /** Charges completion tokens after the answer (the bucket may go into debt). */
  charge(limits: KeyLimits, tokens: number): void {
    this.#save(charge(this.#state, limits, tokens, Date.now()));
  }

  #save(state: AllowanceState): void {
    this.#state = state;
    // Not awaited: the output gate holds the reply until the write is durable, and writes coalesce.
    void this.ctx.storage.put(STATE_KEY, state);
  }
}
