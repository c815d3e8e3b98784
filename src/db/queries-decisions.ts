/** Decision rows (one per routed request) and their outcomes. */
import { and, asc, desc, eq, getTableColumns, gt, gte, isNotNull, lt, or, sql, type SQL } from "drizzle-orm";
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

/** A key's latest decisions, newest first; `before` (epoch ms) pages back. */
export async function listDecisionsOfKey(
  db: Database,
  keyId: string,
  opts: { limit: number; before?: number },
): Promise<(typeof decisions.$inferSelect)[]> {
  const older = opts.before === undefined ? undefined : lt(decisions.createdAt, opts.before);
  return db
    .select()
    .from(decisions)
    .where(and(eq(decisions.keyId, keyId), older))
    .orderBy(desc(decisions.createdAt), desc(decisions.id))
    .limit(opts.limit);
}

/** The outcomes recorded for a decision, oldest first. */
export async function outcomesOf(db: Database, decisionId: string): Promise<(typeof outcomes.$inferSelect)[]> {
  return db.select().from(outcomes).where(eq(outcomes.decisionId, decisionId)).orderBy(asc(outcomes.createdAt), asc(outcomes.id));
}

/** Writes one outcome row. */
export async function insertOutcome(db: Database, row: OutcomeRow): Promise<void> {
  await db.insert(outcomes).values(row);
}

/** An outcome whose decision kept its prompt and has a chosen model: one training record. */
export interface PromptOutcome {
  /** the outcome id; with createdAt, the paging position */
  id: string;
  createdAt: number;
  prompt: string;
  model: string;
  /** exactly one of the two, as the outcomes table's check guarantees */
  measure: { score: number } | { loss: number };
}

/** Which outcomes to list: from `since` (ms, inclusive), strictly after `after`, of one `source`, at most `limit`. */
export interface PromptOutcomeQuery {
  since?: number;
  after?: { createdAt: number; id: string };
  source?: string;
  limit: number;
}

/**
 * Outcomes joined to their decisions, in (created_at, id) order, skipping decisions with no stored prompt
 * or no chosen model. Paging by (created_at, id) keeps outcomes written in the same millisecond apart.
 */
export async function listPromptOutcomes(db: Database, q: PromptOutcomeQuery): Promise<PromptOutcome[]> {
  const where: (SQL | undefined)[] = [isNotNull(decisions.prompt), isNotNull(decisions.chosen)];
  if (q.since !== undefined) where.push(gte(outcomes.createdAt, q.since));
  if (q.source !== undefined) where.push(eq(outcomes.source, q.source));
  if (q.after) {
    const { createdAt, id } = q.after;
    where.push(or(gt(outcomes.createdAt, createdAt), and(eq(outcomes.createdAt, createdAt), gt(outcomes.id, id))));
  }
  const rows = await db
    .select({
      id: outcomes.id,
      createdAt: outcomes.createdAt,
      prompt: decisions.prompt,
      model: decisions.chosen,
      score: outcomes.score,
      loss: outcomes.loss,
    })
    .from(outcomes)
    .innerJoin(decisions, eq(outcomes.decisionId, decisions.id))
    .where(and(...where))
    .orderBy(asc(outcomes.createdAt), asc(outcomes.id))
    .limit(q.limit);
  return rows.flatMap(({ id, createdAt, prompt, model, score, loss }) => {
    const measure = score !== null ? { score } : loss !== null ? { loss } : null;
    return prompt === null || model === null || measure === null ? [] : [{ id, createdAt, prompt, model, measure }];
  });
}

function sqlValue(value: DecisionRow[keyof DecisionRow]): string | number | null {
  if (value === undefined || value === null) return null;
  if (typeof value === "boolean") return value ? 1 : 0;
  return value;
}
