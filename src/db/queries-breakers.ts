/** Circuit-breaker rows (one per upstream that has failed), written compare-and-set on `version`. */
import { and, eq } from "drizzle-orm";
import { BreakerStateSchema, type BreakerState } from "../routing/circuit-breaker.ts";
import type { Database } from "./database.ts";
import { upstreamBreakers } from "./schema.ts";

/** A breaker as stored: its state and the version a write must match. */
export interface StoredBreaker {
  state: BreakerState;
  version: number;
}

/** Every stored breaker, by upstream id (an upstream without a row is closed). */
export async function loadBreakers(db: Database): Promise<Map<string, StoredBreaker>> {
  const rows = await db.select().from(upstreamBreakers);
  return new Map(rows.map((r) => [r.upstreamId, fromRow(r)]));
}

/** One upstream's breaker, or null when it has no row. */
export async function getBreaker(db: Database, upstreamId: string): Promise<StoredBreaker | null> {
  const row = await db.select().from(upstreamBreakers).where(eq(upstreamBreakers.upstreamId, upstreamId)).get();
  return row ? fromRow(row) : null;
}

/**
 * Writes `next` if the row is still at `version` (null: if there is still no row). True when written;
 * false when another isolate wrote first.
 */
export async function compareAndSetBreaker(
  db: Database,
  upstreamId: string,
  version: number | null,
  next: BreakerState,
  now: number,
): Promise<boolean> {
  const values = { ...next, updatedAt: now };
  const result =
    version === null
      ? await db.insert(upstreamBreakers).values({ upstreamId, ...values, version: 1 }).onConflictDoNothing().run()
      : await db
          .update(upstreamBreakers)
          .set({ ...values, version: version + 1 })
          .where(and(eq(upstreamBreakers.upstreamId, upstreamId), eq(upstreamBreakers.version, version)))
          .run();
  return result.meta.changes === 1;
}

function fromRow(r: typeof upstreamBreakers.$inferSelect): StoredBreaker {
  const { upstreamId: _u, version, updatedAt: _t, ...state } = r;
  return { state: BreakerStateSchema.parse(state), version };
}
