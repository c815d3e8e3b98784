/** Published learned routers in D1 (router_versions): the admin API's reads and writes, and the edge's loads. */
import { and, desc, eq, sql } from "drizzle-orm";
import type { Database } from "./database.ts";
import { routerVersions } from "./schema.ts";

/** A router_versions row without its ONNX blob, as the admin API lists it. */
export interface RouterSummary {
  version: string;
  createdAt: number;
  modelIds: string[];
  metrics: Record<string, unknown>;
  active: boolean;
  /** size of the stored ONNX graph */
  onnxBytes: number;
}

/** What the edge needs to build the predictor of one version. */
export interface RouterGraph {
  version: string;
  modelIds: string[];
  onnx: Uint8Array;
}

/** A router version to store. */
export interface NewRouter {
  version: string;
  createdAt: number;
  modelIds: string[];
  metrics: Record<string, unknown>;
  onnx: Uint8Array;
  active: boolean;
}

const summaryColumns = {
  version: routerVersions.version,
  createdAt: routerVersions.createdAt,
  modelIds: routerVersions.modelIds,
  metrics: routerVersions.metrics,
  active: routerVersions.active,
};

type SummaryRow = { version: string; createdAt: number; modelIds: string; metrics: string; active: boolean; onnxBytes: number };

function summaryFromRow(r: SummaryRow): RouterSummary {
  return {
    ...r,
    modelIds: JSON.parse(r.modelIds) as string[],
    metrics: JSON.parse(r.metrics) as Record<string, unknown>,
    onnxBytes: Number(r.onnxBytes),
  };
}

/** Every stored version, newest first, without blobs. */
export async function listRouters(db: Database): Promise<RouterSummary[]> {
  const rows = await db
    .select({ ...summaryColumns, onnxBytes: sqlLength() })
    .from(routerVersions)
    .orderBy(desc(routerVersions.createdAt), routerVersions.version);
  return rows.map(summaryFromRow);
}

/** One version without its blob; null when it does not exist. */
export async function getRouter(db: Database, version: string): Promise<RouterSummary | null> {
  const [row] = await db
    .select({ ...summaryColumns, onnxBytes: sqlLength() })
    .from(routerVersions)
    .where(eq(routerVersions.version, version));
  return row ? summaryFromRow(row) : null;
}

/** The active version's id, or null when no router is active (the cheap per-request read). */
export async function activeRouterVersion(db: Database): Promise<string | null> {
  const [row] = await db.select({ version: routerVersions.version }).from(routerVersions).where(eq(routerVersions.active, true)).limit(1);
  return row?.version ?? null;
}

/** One version's graph and model ids; null when it does not exist. */
export async function loadRouterGraph(db: Database, version: string): Promise<RouterGraph | null> {
  const [row] = await db
    .select({ version: routerVersions.version, modelIds: routerVersions.modelIds, onnx: routerVersions.onnx })
    .from(routerVersions)
    .where(eq(routerVersions.version, version));
  if (!row) return null;
  return { version: row.version, modelIds: JSON.parse(row.modelIds) as string[], onnx: new Uint8Array(row.onnx) };
}

/**
 * Inserts or replaces a version. When it is to be active, the others are deactivated in the same D1 batch
 * (one transaction), so exactly one row is active afterwards; otherwise a replaced row keeps its active flag.
 */
export async function upsertRouter(db: Database, r: NewRouter): Promise<void> {
  // The D1 binding sends a blob as a JSON array of numbers: a Buffer it copies with Array.from (an iterator
  // result per byte, ~37 MB of garbage per MB of graph), a plain array of bytes it passes on as it is. The
  // update takes the row being inserted (excluded.*), so that array is sent once, not twice. Storing without
  // activating leaves an existing row's active flag as it was.
  const values = { ...r, modelIds: JSON.stringify(r.modelIds), metrics: JSON.stringify(r.metrics), onnx: sql`${sql.param(byteList(r.onnx))}` };
  const kept = {
    createdAt: sql`excluded.created_at`,
    modelIds: sql`excluded.model_ids`,
    metrics: sql`excluded.metrics`,
    onnx: sql`excluded.onnx`,
  };
  const set = r.active ? { ...kept, active: true } : kept;
  const upsert = db.insert(routerVersions).values(values).onConflictDoUpdate({ target: routerVersions.version, set });
  if (!r.active) {
    await upsert;
    return;
  }
  await db.batch([upsert, activateOnly(db, r.version)]);
}

// active = (version = v) on every row, but only when v exists: a typo never leaves the edge with no router.
function activateOnly(db: Database, version: string) {
  return db
    .update(routerVersions)
    .set({ active: sql<boolean>`(${routerVersions.version} = ${version})` })
    .where(sql`exists (select 1 from ${routerVersions} where ${routerVersions.version} = ${version})`);
}

/** Makes `version` the only active router in one statement; false (and nothing changed) when it does not exist. */
export async function activateRouter(db: Database, version: string): Promise<boolean> {
  const rows = await activateOnly(db, version).returning({ version: routerVersions.version });
  return rows.some((r) => r.version === version);
}

/** Deletes an inactive version; the active one is left alone (the caller answers 409). */
export async function deleteInactiveRouter(db: Database, version: string): Promise<boolean> {
  const rows = await db
    .delete(routerVersions)
    .where(and(eq(routerVersions.version, version), eq(routerVersions.active, false)))
    .returning({ version: routerVersions.version });
  return rows.length > 0;
}

function sqlLength() {
  return sql<number>`length(${routerVersions.onnx})`;
}

function byteList(bytes: Uint8Array): number[] {
  const list = new Array<number>(bytes.length);
  for (let i = 0; i < bytes.length; i++) list[i] = bytes[i] ?? 0;
  return list;
}
