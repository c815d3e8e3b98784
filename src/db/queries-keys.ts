/** API keys in D1: stored by SHA-256 only. */
import { desc, eq } from "drizzle-orm";
import { z } from "zod";
import type { AsyncDatabase } from "./queries-library.ts";
import type { Database } from "./database.ts";
import type { KeyLimits } from "../routing/rate-allowance.ts";
import { ApiScopeSchema, type ApiKeyRecord, type ApiScope } from "./records.ts";
import { apiKeys } from "./schema.ts";

const ScopesJson = z.array(ApiScopeSchema);

/**
 * Inserts a key by its hash, or replaces the one with the same id. Without `limits` a replaced key keeps
 * its limits (re-seeding the dev key does not lift limits an operator set).
 */
export function upsertApiKey(
  db: AsyncDatabase,
  key: { id: string; hash: string; name: string; scopes: ApiScope[]; limits?: KeyLimits },
  now: number,
) {
  const { limits, ...rest } = key;
  const values = { ...rest, ...limits, scopes: JSON.stringify(key.scopes), createdAt: now, revokedAt: null };
  const { id: _id, createdAt: _c, ...set } = values;
  return db.insert(apiKeys).values(values).onConflictDoUpdate({ target: apiKeys.id, set });
}

/** The key whose SHA-256 is `hash`, revoked or not; null when there is none. */
export async function findApiKeyByHash(db: Database, hash: string): Promise<ApiKeyRecord | null> {
  const row = await db.select().from(apiKeys).where(eq(apiKeys.hash, hash)).get();
  return row ? keyFromRow(row) : null;
}

/** Every key, newest first. */
export async function listApiKeys(db: Database): Promise<ApiKeyRecord[]> {
  const rows = await db.select().from(apiKeys).orderBy(desc(apiKeys.createdAt));
  return rows.map(keyFromRow);
}

/** One key by id; null when there is none. */
export async function getApiKey(db: Database, id: string): Promise<ApiKeyRecord | null> {
  const row = await db.select().from(apiKeys).where(eq(apiKeys.id, id)).get();
  return row ? keyFromRow(row) : null;
}

/** Marks a key revoked (idempotent: the first revocation time stays); null when there is no such key. */
export async function revokeApiKey(db: Database, id: string, now: number): Promise<ApiKeyRecord | null> {
  const key = await getApiKey(db, id);
  if (!key) return null;
  if (key.revokedAt !== null) return key;
  await db.update(apiKeys).set({ revokedAt: now }).where(eq(apiKeys.id, id));
  return { ...key, revokedAt: now };
}

/** Sets a key's limits; null when there is no such key. */
export async function setApiKeyLimits(db: Database, id: string, limits: KeyLimits): Promise<ApiKeyRecord | null> {
  const row = await db.update(apiKeys).set(limits).where(eq(apiKeys.id, id)).returning().get();
  return row ? keyFromRow(row) : null;
}

function keyFromRow(r: typeof apiKeys.$inferSelect): ApiKeyRecord {
  return {
    id: r.id,
    name: r.name,
    scopes: ScopesJson.parse(JSON.parse(r.scopes)),
    limits: { requestsPerMinute: r.requestsPerMinute, tokensPerMinute: r.tokensPerMinute },
    createdAt: r.createdAt,
    revokedAt: r.revokedAt,
  };
}
