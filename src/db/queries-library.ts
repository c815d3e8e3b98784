/** The library in D1: models, upstreams and policies, as records (src/db/records.ts). */
import { eq, sql } from "drizzle-orm";
import type { BaseSQLiteDatabase } from "drizzle-orm/sqlite-core";
import { CalibrationSchema, ModelCardFieldsSchema } from "../routing/model-card.ts";
import { FlagsPatchSchema } from "../routing/flags.ts";
import type { Database } from "./database.ts";
import type { Library, LibraryModel, Policy, Upstream } from "./records.ts";
import * as schema from "./schema.ts";
import { models, policies, upstreams } from "./schema.ts";

/** Any async drizzle SQLite handle: D1 at the edge, a statement recorder in the seed command. */
export type AsyncDatabase = BaseSQLiteDatabase<"async", unknown, typeof schema>;

/** Loads every model, upstream and policy (enabled or not) in three queries run as one batch. */
export async function loadLibrary(db: Database): Promise<Library> {
  const [modelRows, upstreamRows, policyRows] = await db.batch([
    db.select().from(models).orderBy(models.id),
    db.select().from(upstreams),
    db.select().from(policies),
  ]);
  return {
    models: modelRows.map(modelFromRow),
    upstreams: new Map(upstreamRows.map((r) => [r.id, upstreamFromRow(r)])),
    policies: new Map(policyRows.map((r) => [r.name, policyFromRow(r)])),
  };
}

/** Inserts or replaces an upstream (keeps its created_at). */
export function upsertUpstream(db: AsyncDatabase, u: Upstream, now: number) {
  const values = { ...u, createdAt: now, updatedAt: now };
  const { id: _id, createdAt: _c, ...set } = values;
  return db.insert(upstreams).values(values).onConflictDoUpdate({ target: upstreams.id, set });
}

/** Inserts or replaces a library model (keeps its created_at). */
export function upsertModel(db: AsyncDatabase, m: LibraryModel, now: number) {
  const values = modelValues(m, now);
  const { id: _id, createdAt: _c, ...set } = values;
  return db.insert(models).values(values).onConflictDoUpdate({ target: models.id, set });
}

/**
 * Inserts a library file's model (`library seed`), or refreshes an existing one's card from the file while
 * keeping what was decided about it since: whether it is enabled (`tier register` enables the demo cards the
 * default library ships disabled) and its measured calibration, unless the file brings one.
 */
export function seedModel(db: AsyncDatabase, m: LibraryModel, now: number) {
  const values = modelValues(m, now);
  const { id: _id, createdAt: _c, enabled: _e, ...set } = values;
  const calibration = sql`coalesce(excluded.${sql.identifier(models.calibration.name)}, ${models.calibration})`;
  return db.insert(models).values(values).onConflictDoUpdate({ target: models.id, set: { ...set, calibration } });
}

function modelValues(m: LibraryModel, now: number) {
  const { upstream, calibration, activeParams, capabilities, ...card } = m;
  return {
    ...card,
    // null, not undefined: drizzle leaves undefined columns out of the update, keeping a replaced card's value
    activeParams: activeParams ?? null,
    upstreamId: upstream,
    calibration: calibration === null ? null : JSON.stringify(calibration),
    capabilities: JSON.stringify(capabilities),
    createdAt: now,
    updatedAt: now,
  };
}

/** Inserts or replaces a policy (keeps its created_at). */
export function upsertPolicy(db: AsyncDatabase, p: Policy, now: number) {
  const values = { ...p, flags: JSON.stringify(p.flags), createdAt: now, updatedAt: now };
  const { name: _n, createdAt: _c, ...set } = values;
  return db.insert(policies).values(values).onConflictDoUpdate({ target: policies.name, set });
}

/** Deletes a model; true when it existed. */
export async function deleteModel(db: Database, id: string): Promise<boolean> {
  const rows = await db.delete(models).where(eq(models.id, id)).returning({ id: models.id });
  return rows.length > 0;
}

/** Deletes an upstream; true when it existed. Fails (foreign key) while a model still uses it. */
export async function deleteUpstream(db: Database, id: string): Promise<boolean> {
  const rows = await db.delete(upstreams).where(eq(upstreams.id, id)).returning({ id: upstreams.id });
  return rows.length > 0;
}

/** Deletes a policy; true when it existed. */
export async function deletePolicy(db: Database, name: string): Promise<boolean> {
  const rows = await db.delete(policies).where(eq(policies.name, name)).returning({ name: policies.name });
  return rows.length > 0;
}

/** The ids of the models served by an upstream. */
export async function modelsOfUpstream(db: Database, upstreamId: string): Promise<string[]> {
  const rows = await db.select({ id: models.id }).from(models).where(eq(models.upstreamId, upstreamId));
  return rows.map((r) => r.id);
}

function modelFromRow(r: typeof models.$inferSelect): LibraryModel {
  const { upstreamId, calibration, activeParams, capabilities, createdAt: _c, updatedAt: _u, ...card } = r;
  return {
    ...card,
    ...(activeParams === null ? {} : { activeParams }),
    upstream: upstreamId,
    calibration: calibration === null ? null : CalibrationSchema.parse(JSON.parse(calibration)),
    capabilities: ModelCardFieldsSchema.shape.capabilities.parse(JSON.parse(capabilities)),
  };
}

function upstreamFromRow(r: typeof upstreams.$inferSelect): Upstream {
  const { createdAt: _c, updatedAt: _u, ...u } = r;
  return u;
}

function policyFromRow(r: typeof policies.$inferSelect): Policy {
  return { name: r.name, description: r.description, flags: FlagsPatchSchema.parse(JSON.parse(r.flags)) };
}
