/**
 * Decision rows wait in a per-isolate buffer and go to D1 in batches: a request, after its response, waits
 * up to a window and then writes every row buffered by then (its own and its neighbours') with one
 * statement; a full buffer is written at once. Under load this turns one D1 write per request into one per
 * window — D1 serialises writes, and local D1 runs them on the Worker's own thread. Only plain rows are
 * shared between requests, never a promise or a stream.
 */
import type { Database } from "../db/database.ts";
import { insertDecisions, type DecisionRow } from "../db/queries-decisions.ts";

/** Default wait for neighbours before a request writes its row (DECISION_BATCH_MS overrides it). */
export const DEFAULT_BATCH_WINDOW_MS = 1_000;
/** Most rows in one statement (they travel as one JSON parameter). */
export const MAX_BATCH_ROWS = 100;

const buffered: DecisionRow[] = [];

/** Buffers `row`; resolves once a batch holding it (or a later one) has been written. */
export async function bufferDecision(db: Database, row: DecisionRow, windowMs: number): Promise<void> {
  buffered.push(row);
  if (buffered.length < MAX_BATCH_ROWS) await new Promise((resolve) => setTimeout(resolve, windowMs));
  await flushDecisions(db);
}

/** Writes every buffered row now (e.g. before feedback looks a decision up). */
export async function flushDecisions(db: Database): Promise<void> {
  while (buffered.length > 0) await insertDecisions(db, buffered.splice(0, MAX_BATCH_ROWS));
}

/** Whether the row for decision `id` is still waiting in this isolate's buffer. */
export function isBuffered(id: string): boolean {
  return buffered.some((r) => r.id === id);
}
