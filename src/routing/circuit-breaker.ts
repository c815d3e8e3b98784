/**
 * A circuit breaker per upstream, as pure transitions over a stored state:
 *   closed ──(threshold consecutive failures, or a 503 with Retry-After)──► open until openUntil
 *   open ──(openUntil passes)──► half-open: one request claims the probe (probeUntil is its lease)
 *   half-open probe ──success──► closed · ──failure──► open again, for twice the last cooldown (capped)
 * The caller stores the state (src/edge/upstream-breakers.ts) and passes the clock.
 */
import { z } from "zod";

/** One upstream's breaker as stored. Times are ms since the epoch. */
export const BreakerStateSchema = z.object({
  /** consecutive failures since the last success */
  failures: z.number().int().min(0),
  /** null while closed; else when the breaker half-opens */
  openUntil: z.number().nullable(),
  /** the cooldown that set openUntil, doubled when a probe fails */
  cooldownMs: z.number().min(0),
  /** while a probe is in flight: when its lease ends (another request may probe after that) */
  probeUntil: z.number().nullable(),
  /** the failure that last counted, for reasons and operators */
  lastError: z.string().nullable(),
});
export type BreakerState = z.infer<typeof BreakerStateSchema>;

/** Where a breaker stands at a given time. */
export type BreakerPhase = "closed" | "open" | "half_open";

/** Thresholds and times of the breakers. */
export interface BreakerConfig {
  /** consecutive failures that open a closed breaker */
  threshold: number;
  /** the first cooldown */
  cooldownMs: number;
  /** the longest cooldown, after repeated failed probes or a long Retry-After */
  maxCooldownMs: number;
  /** how long a claimed probe keeps others out */
  probeLeaseMs: number;
}

/** The edge's breakers: 3 failures open for 10 s, doubling to at most 5 min. */
export const BREAKER_CONFIG: BreakerConfig = { threshold: 3, cooldownMs: 10_000, maxCooldownMs: 300_000, probeLeaseMs: 30_000 };

/** A breaker that has never failed. */
export const CLOSED: BreakerState = { failures: 0, openUntil: null, cooldownMs: 0, probeUntil: null, lastError: null };

/** The phase of `s` at `now`. */
export function breakerPhase(s: BreakerState, now: number): BreakerPhase {
  if (s.openUntil === null) return "closed";
  return now < s.openUntil ? "open" : "half_open";
}

/** Whether a request may send to this upstream now without claiming a probe (only when closed). */
export function isClosed(s: BreakerState, now: number): boolean {
  return breakerPhase(s, now) === "closed";
}

/** Whether a half-open breaker's probe is free to claim at `now`. */
export function probeAvailable(s: BreakerState, now: number): boolean {
  return breakerPhase(s, now) === "half_open" && (s.probeUntil === null || s.probeUntil <= now);
}

/** The state once a request claims the probe at `now`. */
export function claimProbe(s: BreakerState, now: number, cfg: BreakerConfig = BREAKER_CONFIG): BreakerState {
  return { ...s, probeUntil: now + cfg.probeLeaseMs };
}

/** After a success: closed, failures forgotten. */
export function afterSuccess(): BreakerState {
  return CLOSED;
}

/**
 * After a failure at `now`. `retryAfterMs` is the upstream's own "come back later" (a 503's Retry-After):
 * it opens the breaker at once for that long (capped), whatever the count.
 */
export function afterFailure(
  s: BreakerState,
  now: number,
  error: string,
  retryAfterMs: number | null = null,
  cfg: BreakerConfig = BREAKER_CONFIG,
): BreakerState {
  const failures = s.failures + 1;
  const phase = breakerPhase(s, now);
  const base =
    phase === "half_open" ? Math.min(cfg.maxCooldownMs, Math.max(cfg.cooldownMs, 2 * s.cooldownMs)) : cfg.cooldownMs;
  const asked = retryAfterMs === null ? 0 : Math.min(cfg.maxCooldownMs, retryAfterMs);
  const opens = phase !== "closed" || failures >= cfg.threshold || asked > 0;
  if (!opens) return { ...s, failures, lastError: error };
  // A failure reported while already open (a request that started before it opened) keeps the later end.
  const cooldownMs = Math.max(base, asked);
  const openUntil = Math.max(now + cooldownMs, phase === "open" ? (s.openUntil as number) : 0);
  return { failures, openUntil, cooldownMs, probeUntil: null, lastError: error };
}
