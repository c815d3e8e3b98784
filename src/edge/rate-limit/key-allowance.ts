/**
 * The Worker's side of per-key rate limits: asks the key's Durable Object before a request is served, and
 * charges completion tokens after it. A key without limits never reaches the object. If the object cannot
 * be reached the request is served (and the failure logged): an outage of the limiter must not become an
 * outage of inference.
 */
import type { Context } from "hono";
import type { Cost } from "../../routing/rate-allowance.ts";
import type { AppEnv } from "../app-env.ts";
import { EdgeError } from "../edge-error.ts";
import type { LimiterVerdict } from "./key-rate-limiter.ts";
import { errorText, logEvent } from "../log.ts";

/** The request's key when it has a limit; null when it has none (and so never reaches the limiter). */
function limitedKey(c: Context<AppEnv>) {
  const key = c.get("apiKey");
  const { requestsPerMinute, tokensPerMinute } = key.limits;
  return requestsPerMinute === null && tokensPerMinute === null ? null : key;
}

function limiterFor(c: Context<AppEnv>, keyId: string) {
  return c.env.KEY_LIMITER.get(c.env.KEY_LIMITER.idFromName(keyId));
}

/**
 * Takes one request and `promptTokens` from the key's allowance. Returns the 429 to answer when the key is
 * over a limit (the caller logs it first), or null when the request may go ahead.
 */
export async function takeAllowance(c: Context<AppEnv>, promptTokens: number): Promise<EdgeError | null> {
  const key = limitedKey(c);
  if (!key) return null;
  const cost: Cost = { requests: 1, tokens: promptTokens };
  let verdict: LimiterVerdict;
  try {
    verdict = await limiterFor(c, key.id).admit(key.limits, cost);
  } catch (err) {
    logEvent("error", "rate limiter unreachable, request served unlimited", { request_id: c.get("requestId"), error: errorText(err) });
    return null;
  }
  if (verdict.admitted) return null;
  if (verdict.retryAfterMs === null) {
    return new EdgeError(
      "rate_limit_exceeded",
      `this request's ${promptTokens} prompt tokens exceed the key's limit of ${verdict.limitPerMinute} tokens per minute; it can never be admitted`,
    );
  }
  const retryAfterS = Math.max(1, Math.ceil(verdict.retryAfterMs / 1000));
  return new EdgeError(
    "rate_limit_exceeded",
    `rate limit reached: ${verdict.limitPerMinute} ${verdict.limit} per minute for this key; try again in ${retryAfterS} s`,
    null,
    retryAfterS,
  );
}

/** Charges the completion's tokens to the key after the answer (deferred; a failure is logged). */
export function chargeCompletion(c: Context<AppEnv>, completionTokens: number): void {
  const key = limitedKey(c);
  if (!key || key.limits.tokensPerMinute === null || completionTokens <= 0) return;
  c.executionCtx.waitUntil(
    limiterFor(c, key.id)
      .charge(key.limits, completionTokens)
      .catch((err: unknown) => logEvent("error", "completion tokens not charged", { request_id: c.get("requestId"), error: errorText(err) })),
  );
}
