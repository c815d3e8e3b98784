/** Decision rows (one per routed request) and their outcomes. */
import { eq, getTableColumns, sql } from "drizzle-orm";
import type { Database } from "./database.ts";
import { decisions, outcomes } from "./schema.ts";

/** A decision row as the edge writes it. */
export type DecisionRow = typeof decisions.$inferInsert;
/** An outcome row as /v1/feedback writes it. */
export type OutcomeRow = typeof outcomes.$inferInsert;

// Column order for the JSON payload below, taken from the schema so the two cannot drift apart.
const COLUMNS = Object.entries(getTableColumns(decisions)).map(([key, column]) => ({
  key: key as keyof DecisionRow,
  name: column.name,
}));
const COLUMN_LIST = sql.raw(COLUMNS.map((c) => `"${c.name}"`).join(", "));
const PICKS = sql.raw(COLUMNS.map((_, i) => `value->>'$[${i}]'`).join(", "));

/**
 * Writes decision rows with ONE statement: the rows travel as a single JSON parameter that SQLite unpacks
 * with json_each. D1 caps bound parameters per statement (100) and charges per statement, so this beats
 * one INSERT per row by a wide margin.
 */
export async function insertDecisions(db: Database, rows: DecisionRow[]): Promise<void> {
  if (rows.length === 0) return;
  const payload = JSON.stringify(rows.map((row) => COLUMNS.map((c) => sqlValue(row[c.key]))));
  await db.run(sql`INSERT INTO decisions (${COLUMN_LIST}) SELECT ${PICKS} FROM json_each(${payload})`);
}

/** The decision with this id, or null. */
export async function getDecision(db: Database, id: string): Promise<typeof decisions.$inferSelect | null> {
  return (await db.select().from(decisions).where(eq(decisions.id, id)).get()) ?? null;
}

/** Writes one outcome row. */
export async function insertOutcome(db: Database, row: OutcomeRow): Promise<void> {
  await db.insert(outcomes).values(row);
}

function sqlValue(value: DecisionRow[keyof DecisionRow]): string | number | null {
  if (value === undefined || value === null) return null;
  if (typeof value === "boolean") return value ? 1 : 0;
  return value;
}
