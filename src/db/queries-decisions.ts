/** Decision rows (one per routed request) and their outcomes. */
import { eq } from "drizzle-orm";
import type { Database } from "./database.ts";
import { decisions, outcomes } from "./schema.ts";

/** A decision row as the edge writes it. */
export type DecisionRow = typeof decisions.$inferInsert;
/** An outcome row as /v1/feedback writes it. */
export type OutcomeRow = typeof outcomes.$inferInsert;

/** Writes one decision row. */
export async function insertDecision(db: Database, row: DecisionRow): Promise<void> {
  await db.insert(decisions).values(row);
}

/** The decision with this id, or null. */
export async function getDecision(db: Database, id: string): Promise<typeof decisions.$inferSelect | null> {
  return (await db.select().from(decisions).where(eq(decisions.id, id)).get()) ?? null;
}

/** Writes one outcome row. */
export async function insertOutcome(db: Database, row: OutcomeRow): Promise<void> {
  await db.insert(outcomes).values(row);
}

/** Every outcome recorded for a decision, oldest first. */
export async function outcomesOf(db: Database, decisionId: string): Promise<(typeof outcomes.$inferSelect)[]> {
  return db.select().from(outcomes).where(eq(outcomes.decisionId, decisionId)).orderBy(outcomes.createdAt);
}
