/**
 * Decision rows wait in a per-isolate buffer and go to D1 in batches. The request whose row finds the
 * buffer empty owns the next batch: after its response it waits a window, then writes every row buffered
 * by then — its own and its neighbours' — with one statement (a full buffer is written at once). Other
 * requests only add their row. Under load this turns one D1 write and one timer per request into one per
 * window: D1 serialises writes, and local D1 runs them on the Worker's own thread. Only plain rows are
 * shared between requests, never a promise or a stream.
 */
import type { Database } from "../db/database.ts";
import { insertDecisions, type DecisionRow } from "../db/queries-decisions.ts";

/** Default wait for neighbours before the owner writes the batch (DECISION_BATCH_MS overrides it). */
export const DEFAULT_BATCH_WINDOW_MS = 1_000;
/** Most rows in one statement (they travel as one JSON parameter). */
export const MAX_BATCH_ROWS = 100;

const buffered: DecisionRow[] = [];
let ownerWaiting = false;

/**
 * Buffers `row`. Resolves at once unless this request owns the batch; then it resolves once the batch,
 * and any rows that arrived while it was written, are in D1 (keep it alive with ctx.waitUntil).
 */
export async function bufferDecision(db: Database, row: DecisionRow, windowMs: number): Promise<void> {
  buffered.push(row);
  if (buffered.length >= MAX_BATCH_ROWS) return flushDecisions(db);
  if (ownerWaiting) return;
  ownerWaiting = true;
  try {
    await new Promise((resolve) => setTimeout(resolve, windowMs));
    await flushDecisions(db);
  } finally {
    ownerWaiting = false;
  }
}

/** Writes every buffered row now (e.g. before feedback looks a decision up). */
export async function flushDecisions(db: Database): Promise<void> {
  while (buffered.length > 0) await insertDecisions(db, buffered.splice(0, MAX_BATCH_ROWS));
}

/** Whether the row for decision `id` is still waiting in this isolate's buffer. */
export function isBuffered(id: string): boolean {
  return buffered.some((r) => r.id === id);
}
