import { alignModels } from "./align-models.ts";
import { type OutcomeRow, type OutcomeSet, SkipLog } from "./outcome-set.ts";

/** A records file made ready to evaluate on: one set per task, and what was left out. */
export interface HeldOutTasks {
  tasks: OutcomeSet[];
  skipped: SkipLog;
  /** models of the file the train rows have no column for: no router can choose them, so they are dropped */
  extraModels: string[];
}

/**
 * Splits an evaluation set into its tasks (sorted by name), columns in the train rows' model order. A row
 * whose prompt is among the train rows is skipped (figures are for prompts nothing trained on), and so is a
 * row without a score for every model (top-1, regret and the oracle need all of them).
 */
export function heldOutTasks(test: OutcomeSet, train: OutcomeSet): HeldOutTasks {
  const { set, extra } = alignModels(test, train.modelIds);
  const seen = new Set(train.rows.map((r) => r.prompt));
  const skipped = new SkipLog();
  skipped.merge(test.skipped);
  const byTask = new Map<string, OutcomeRow[]>();
  set.rows.forEach((r, i) => {
    const where = `${test.name} prompt ${i + 1}`;
    if (seen.has(r.prompt)) return skipped.add("prompt also in the train rows", where);
    const unmeasured = set.modelIds.filter((_, m) => Number.isNaN(r.scores[m] ?? Number.NaN));
    if (unmeasured.length > 0) return skipped.add(`no score for ${unmeasured.join(", ")}`, where);
    const rows = byTask.get(r.task) ?? [];
    rows.push(r);
    byTask.set(r.task, rows);
  });
  const tasks = [...byTask]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([task, rows]) => ({ name: task, modelIds: set.modelIds, rows, skipped: new SkipLog() }));
  if (tasks.length === 0) throw new Error(`${test.name}: no row to evaluate on (${skipped.total} skipped${skipped.total > 0 ? `:\n${skipped.describe().join("\n")}` : ""})`);
  return { tasks, skipped, extraModels: extra };
}
