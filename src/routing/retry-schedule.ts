/**
 * When to try an upstream again within one request: exponential backoff with full jitter, never sooner than
 * the upstream's Retry-After, and never a wait past the cap (a longer Retry-After means "not in this
 * request"). Pure: the caller passes the clock and the random draw.
 */

/** Bounds on retries within one request. */
export interface RetryPolicy {
  /** the first backoff window; retry n waits a uniform draw from [0, baseDelayMs·2^n] */
  baseDelayMs: number;
  /** no wait, Retry-After included, may exceed this */
  maxDelayMs: number;
}

/** The edge's retry policy. */
export const RETRY_POLICY: RetryPolicy = { baseDelayMs: 100, maxDelayMs: 1_000 };

/**
 * A Retry-After header in milliseconds from `nowMs`: delta-seconds or an HTTP date (RFC 9110 §10.2.3).
 * Null when absent or unreadable; a date in the past is 0.
 */
export function parseRetryAfter(header: string | null, nowMs: number): number | null {
  if (header === null) return null;
  const text = header.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1_000;
  const at = Date.parse(text);
  if (!/[a-z]/i.test(text) || Number.isNaN(at)) return null;
  return Math.max(0, at - nowMs);
}

/** Full-jitter backoff for the `retry`-th retry (0-based): `random` ∈ [0, 1) scales the window. */
export function backoffMs(retry: number, random: number, policy: RetryPolicy = RETRY_POLICY): number {
  const window = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** retry);
  return Math.floor(random * window);
}

/**
 * How long to wait before the `retry`-th retry of an upstream that asked for `retryAfterMs` (or null), or
 * null when the wait it asks for is longer than the policy allows.
 */
export function retryDelayMs(
  retry: number,
  retryAfterMs: number | null,
  random: number,
  policy: RetryPolicy = RETRY_POLICY,
): number | null {
  if (retryAfterMs !== null && retryAfterMs > policy.maxDelayMs) return null;
  return Math.max(retryAfterMs ?? 0, backoffMs(retry, random, policy));
}
