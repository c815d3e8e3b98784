/**
 * SQL text that upserts a library file (and optionally a dev key) into D1, for `wrangler d1 execute --file`.
 * Built from the same drizzle upserts the admin API runs, with parameters inlined as SQL literals.
 */
import { drizzle } from "drizzle-orm/sqlite-proxy";
import { upsertApiKey } from "./queries-keys.ts";
import { seedModel, upsertPolicy, upsertUpstream } from "./queries-library.ts";
import type { ApiScope, LibraryFile } from "./records.ts";
import * as schema from "./schema.ts";

/** A key to seed by hash (the local dev key). */
export interface SeedKey {
  id: string;
  hash: string;
  name: string;
  scopes: ApiScope[];
}

/** One SQL statement per record: upstreams first (models reference them), then models, policies, the key. */
export function seedStatements(library: LibraryFile, now: number, key?: SeedKey): string[] {
  // A handle that only builds statements; nothing here ever runs a query.
  const db = drizzle(() => Promise.reject(new Error("seed statements are built, not run")), { schema });
  const queries = [
    ...library.upstreams.map((u) => upsertUpstream(db, u, now)),
    ...library.models.map((m) => seedModel(db, m, now)),
    ...library.policies.map((p) => upsertPolicy(db, p, now)),
    ...(key ? [upsertApiKey(db, key, now)] : []),
  ];
  return queries.map((q) => inline(q.toSQL()));
}

function inline({ sql, params }: { sql: string; params: unknown[] }): string {
  let i = 0;
  const text = sql.replace(/\?/g, () => literal(params[i++]));
  if (i !== params.length) throw new Error(`statement has ${i} placeholders for ${params.length} parameters`);
  return `${text};`;
}

function literal(value: unknown): string {
  if (value === null || value === undefined) return "NULL";
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new Error(`cannot seed the number ${value}`);
    return String(value);
  }
  if (typeof value === "boolean") return value ? "1" : "0";
  if (typeof value === "string") return `'${value.replaceAll("'", "''")}'`;
  throw new Error(`cannot seed a value of type ${typeof value}`);
}
