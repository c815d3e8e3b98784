import type { Context, MiddlewareHandler } from "hono";
import { openDatabase } from "../../db/database.ts";
import { findApiKeyByHash } from "../../db/queries-keys.ts";
import type { ApiKeyRecord, ApiScope } from "../../db/records.ts";
import type { AppEnv } from "../app-env.ts";
import { EdgeError } from "../edge-error.ts";
import { IsolateCache } from "../isolate-cache.ts";
import { NegativeCache } from "../negative-cache.ts";
import { sha256Hex } from "../sha256-hex.ts";
import { bearerToken } from "./bearer-token.ts";

// A revocation reaches other isolates within seconds; the revoking isolate clears its copy at once.
const keys = new IsolateCache<ApiKeyRecord>(5_000, 60_000);
// New keys are random, so no one has tried one before it exists: an absent hash can be remembered for a
// minute without hiding a key created meanwhile (and the creating isolate forgets at once).
const unknown = new NegativeCache(60_000, 10_000);

/** Forgets cached keys, known and unknown (after an admin write). */
export function invalidateApiKeys(): void {
  keys.clear();
  unknown.clear();
}

/** The live (known, unrevoked) key `token` stands for, or null; unknown hashes are remembered a minute. */
export async function liveApiKey(c: Context<AppEnv>, token: string): Promise<ApiKeyRecord | null> {
  const hash = await sha256Hex(token);
  if (unknown.has(hash)) return null;
  const key = await keys.get(hash, () => findApiKeyByHash(openDatabase(c.env.DB), hash), (p) =>
    c.executionCtx.waitUntil(p),
  );
  if (!key) unknown.add(hash);
  return key && key.revokedAt === null ? key : null;
}

/**
 * Requires an API key with `scope`: looked up by its SHA-256 (the key itself is never stored).
 * Missing or unknown/revoked keys get 401; a key without the scope gets 403.
 */
export function apiKeyAuth(scope: ApiScope): MiddlewareHandler<AppEnv> {
  return async function apiKeyAuthMiddleware(c, next) {
    const token = bearerToken(c.req.header("authorization"));
    if (!token) {
      throw new EdgeError("missing_api_key", "no API key: send `Authorization: Bearer <key>`");
    }
    const key = await liveApiKey(c, token);
    if (!key) throw new EdgeError("invalid_api_key", "the API key is unknown or revoked");
    if (!key.scopes.includes(scope)) {
      throw new EdgeError("insufficient_scope", `the API key lacks the "${scope}" scope`);
    }
    c.set("apiKey", key);
    await next();
  };
}
