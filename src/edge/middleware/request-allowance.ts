import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../app-env.ts";
import { takeAllowance } from "../rate-limit/key-allowance.ts";

/**
 * Counts a request against its key's requests-per-minute limit (after apiKeyAuth), for endpoints that
 * call no model. The routing endpoints take their allowance themselves, with the prompt's tokens, once
 * the request is planned (so their decision row can record a refusal).
 */
export function requestAllowance(): MiddlewareHandler<AppEnv> {
  return async function requestAllowanceMiddleware(c, next) {
    const refusal = await takeAllowance(c, 0);
    if (refusal) throw refusal;
    await next();
  };
}
