/**
 * Decision rows wait in a per-isolate buffer and go to D1 in batches: each request, after its response,
 * waits a short window and then writes every row buffered by then (its own and its neighbours') in one
 * D1 batch. Under load this turns one write per request into one per window; idle, it costs one window.
 * Only plain rows are shared between requests, never a promise or a stream.
 */
import type { Database } from "../db/database.ts";
import { insertDecisions, type DecisionRow } from "../db/queries-decisions.ts";

/** How long a row may wait for neighbours before its request writes it. */
export const BATCH_WINDOW_MS = 50;
/** Most rows in one D1 batch. */
export const MAX_BATCH_ROWS = 50;

const buffered: DecisionRow[] = [];

/** Buffers `row` and resolves once a batch holding it (or a later one) has been written. */
export async function bufferDecision(db: Database, row: DecisionRow): Promise<void> {
  buffered.push(row);
  await new Promise((resolve) => setTimeout(resolve, BATCH_WINDOW_MS));
  await flushDecisions(db);
}

/** Writes every buffered row now (e.g. before feedback looks a decision up). */
export async function flushDecisions(db: Database): Promise<void> {
  while (buffered.length > 0) {
    const batch = buffered.splice(0, MAX_BATCH_ROWS);
    await insertDecisions(db, batch);
  }
}

/** Whether the row for decision `id` is still waiting in this isolate's buffer. */
export function isBuffered(id: string): boolean {
  return buffered.some((r) => r.id === id);
}
