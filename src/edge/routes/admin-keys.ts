/**
 * Admin API keys: GET /admin/keys, GET /admin/keys/:id, POST /admin/keys (the key is in the answer, once),
 * PUT /admin/keys/:id/limits (requests and tokens per minute), DELETE /admin/keys/:id (revokes; the row
 * stays so decisions keep their key id).
 */
import { Hono } from "hono";
import { z } from "zod";
import { openDatabase } from "../../db/database.ts";
import { getApiKey, listApiKeys, revokeApiKey, setApiKeyLimits, upsertApiKey } from "../../db/queries-keys.ts";
import { ApiScopeSchema, DEFAULT_SCOPES } from "../../db/records.ts";
import { KeyLimitsSchema, UNLIMITED } from "../../routing/rate-allowance.ts";
import type { AppEnv } from "../app-env.ts";
import { newApiKey } from "../api-key-format.ts";
import { EdgeError } from "../edge-error.ts";
import { invalidateApiKeys } from "../middleware/api-key-auth.ts";
import { parseJsonBody } from "../request-body.ts";
import { sha256Hex } from "../sha256-hex.ts";

/** POST /admin/keys body. */
export const NewKeySchema = z
  .object({
    name: z.string().min(1).max(128),
    scopes: z.array(ApiScopeSchema).min(1).transform((s) => [...new Set(s)]).default([...DEFAULT_SCOPES]),
    limits: KeyLimitsSchema.default(UNLIMITED),
  })
  .strict();

/** The key admin routes, mounted under /admin. */
export function adminKeyRoutes(): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.get("/keys", async (c) => c.json({ object: "list", data: await listApiKeys(openDatabase(c.env.DB)) }));
  app.get("/keys/:id", async (c) => {
    const key = await getApiKey(openDatabase(c.env.DB), c.req.param("id"));
    if (!key) throw new EdgeError("not_found", `no key "${c.req.param("id")}"`);
    return c.json(key);
  });
  app.post("/keys", async (c) => {
    const body = await parseJsonBody(c, NewKeySchema);
    const secret = newApiKey();
    const id = `key_${crypto.randomUUID().replaceAll("-", "").slice(0, 16)}`;
    const now = Date.now();
    await upsertApiKey(openDatabase(c.env.DB), { id, hash: await sha256Hex(secret), ...body }, now);
    const { name, scopes, limits } = body;
    return c.json({ id, name, scopes, limits, createdAt: now, revokedAt: null, key: secret }, 201);
  });
  // A limit left out of the body is lifted (null): the body states the key's limits whole.
  app.put("/keys/:id/limits", async (c) => {
    const limits = await parseJsonBody(c, KeyLimitsSchema);
    const key = await setApiKeyLimits(openDatabase(c.env.DB), c.req.param("id"), limits);
    if (!key) throw new EdgeError("not_found", `no key "${c.req.param("id")}"`);
    invalidateApiKeys();
    return c.json(key);
  });
  app.delete("/keys/:id", async (c) => {
    const key = await revokeApiKey(openDatabase(c.env.DB), c.req.param("id"), Date.now());
    if (!key) throw new EdgeError("not_found", `no key "${c.req.param("id")}"`);
    invalidateApiKeys();
    return c.json(key);
  });
  return app;
}
