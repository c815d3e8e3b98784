/**
 * Per-key rate limits as token buckets, one for requests and one for tokens, as pure transitions over a
 * stored state. A bucket holds a minute's allowance and refills continuously at limit/60 s, so a key may
 * spend its whole minute at once and then proceeds at the steady rate. Completion tokens are charged after
 * the answer, so a bucket may go below zero (debt): later requests wait until it has refilled.
 * The caller stores the state (src/edge/rate-limit/key-rate-limiter.ts) and passes the clock.
 */
import { z } from "zod";

/** The window a limit is stated over. */
export const MINUTE_MS = 60_000;

/** One key's limits; null = unlimited. */
export const KeyLimitsSchema = z
  .object({
    requestsPerMinute: z.number().int().min(1).max(1_000_000).nullable().default(null),
    tokensPerMinute: z.number().int().min(1).max(1_000_000_000).nullable().default(null),
  })
  .strict();
export type KeyLimits = z.infer<typeof KeyLimitsSchema>;

/** No limits at all: such a key never reaches the limiter. */
export const UNLIMITED: KeyLimits = { requestsPerMinute: null, tokensPerMinute: null };

/**
 * One bucket. `credit` counts units × ms/min (a unit is worth MINUTE_MS credit), so a bucket of `limit`
 * units refills by exactly `limit` credit per millisecond: integer arithmetic, no rounding drift.
 */
export interface Bucket {
  credit: number;
  /** ms since the epoch of the last refill */
  at: number;
}

/** Both buckets of a key; null = never used (full). */
export interface AllowanceState {
  requests: Bucket | null;
  tokens: Bucket | null;
}

/** A key that has spent nothing. */
export const FRESH: AllowanceState = { requests: null, tokens: null };

/** What one request asks for before it is sent. */
export interface Cost {
  requests: number;
  tokens: number;
}

/** Which limit refused a request. */
export type LimitKind = "requests" | "tokens";

/** The verdict on one request. */
export type Admission =
  | { admitted: true; state: AllowanceState }
  /** `retryAfterMs` null: the cost is more than a whole minute's allowance, so waiting never helps */
  | { admitted: false; limit: LimitKind; limitPerMinute: number; retryAfterMs: number | null };

/** `b` refilled up to `now` (a clock that went back refills nothing). */
export function refill(b: Bucket | null, limit: number, now: number): Bucket {
  const full = limit * MINUTE_MS;
  if (b === null) return { credit: full, at: now };
  const elapsed = Math.max(0, now - b.at);
  return { credit: Math.min(full, b.credit + elapsed * limit), at: Math.max(b.at, now) };
}

/** Milliseconds until `b` (refilled to now) holds `units`; null when it never can. */
export function waitFor(b: Bucket, limit: number, units: number): number | null {
  if (units > limit) return null;
  const missing = units * MINUTE_MS - b.credit;
  return missing <= 0 ? 0 : Math.ceil(missing / limit);
}

/**
 * Admits a request when every limited bucket holds its cost, taking it from all of them; otherwise takes
 * nothing and says how long the binding limit needs.
 */
export function admit(state: AllowanceState, limits: KeyLimits, cost: Cost, now: number): Admission {
  const checks: { kind: LimitKind; limit: number | null; units: number }[] = [
    { kind: "requests", limit: limits.requestsPerMinute, units: cost.requests },
    { kind: "tokens", limit: limits.tokensPerMinute, units: cost.tokens },
  ];
  const next: AllowanceState = { ...state };
  let refusal: Extract<Admission, { admitted: false }> | null = null;
  for (const { kind, limit, units } of checks) {
    // A request that costs nothing in a bucket (no tokens: /v1/models) is not held by that bucket's debt.
    if (limit === null || units === 0) continue;
    const bucket = refill(state[kind], limit, now);
    const wait = waitFor(bucket, limit, units);
    if (wait === 0) {
      next[kind] = { credit: bucket.credit - units * MINUTE_MS, at: bucket.at };
      continue;
    }
    // The longest wait binds; a cost that can never fit binds above all.
    const worse = refusal === null || wait === null || (refusal.retryAfterMs !== null && wait > refusal.retryAfterMs);
    if (worse) refusal = { admitted: false, limit: kind, limitPerMinute: limit, retryAfterMs: wait };
  }
  return refusal ?? { admitted: true, state: next };
}

/** Takes `tokens` from the token bucket after the fact (completion tokens), going into debt if need be. */
export function charge(state: AllowanceState, limits: KeyLimits, tokens: number, now: number): AllowanceState {
  const limit = limits.tokensPerMinute;
  if (limit === null || tokens <= 0) return state;
  const bucket = refill(state.tokens, limit, now);
  return { ...state, tokens: { credit: bucket.credit - tokens * MINUTE_MS, at: bucket.at } };
}
