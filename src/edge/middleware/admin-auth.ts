import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../app-env.ts";
import { EdgeError } from "../edge-error.ts";
import { liveApiKey } from "./api-key-auth.ts";
import { bearerToken } from "./bearer-token.ts";

/**
 * Requires `Authorization: Bearer <ADMIN_TOKEN>`, or an API key with the `admin` scope (so operators can
 * hold revocable, hashed admin keys instead of sharing the one token). With no ADMIN_TOKEN configured,
 * /admin is closed to both.
 */
export function adminAuth(): MiddlewareHandler<AppEnv> {
  return async function adminAuthMiddleware(c, next) {
    const expected = c.env.ADMIN_TOKEN;
    if (typeof expected !== "string" || expected === "") {
      throw new EdgeError("admin_disabled", "the admin API is disabled: set the ADMIN_TOKEN secret");
    }
    const token = bearerToken(c.req.header("authorization"));
    if (!token) throw new EdgeError("missing_admin_token", "no admin token: send `Authorization: Bearer <token>`");
    if (!(await sameSecret(token, expected))) {
      const key = await liveApiKey(c, token);
      if (!key?.scopes.includes("admin")) throw new EdgeError("invalid_admin_token", "the admin token is wrong");
    }
    await next();
  };
}

// Compares digests in constant time, so neither the length nor a prefix of the token leaks through timing.
async function sameSecret(given: string, expected: string): Promise<boolean> {
  const enc = new TextEncoder();
  const [a, b] = await Promise.all([
    crypto.subtle.digest("SHA-256", enc.encode(given)),
    crypto.subtle.digest("SHA-256", enc.encode(expected)),
  ]);
  const x = new Uint8Array(a);
  const y = new Uint8Array(b);
  let diff = 0;
  for (let i = 0; i < x.length; i++) diff |= (x[i] as number) ^ (y[i] as number);
  return diff === 0;
}
