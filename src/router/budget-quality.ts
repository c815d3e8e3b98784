import { modelMeans } from "./baselines.ts";
import type { OutcomeRow } from "./outcome-set.ts";
import { bestModel } from "./pick-model.ts";
import { bestLambdaWithinBudget } from "./routing-metrics.ts";

/**
 * What a cost-aware router is asked for: per task, the best quality that the λ_cost sweep reaches with a mean
 * cost ≤ `share` × the cost of the task's best single model (both from `rows`), averaged over tasks. A task
 * where no λ fits the budget counts the cheapest end of the sweep. Rows must carry costs.
 */
export function budgetQuality(rows: OutcomeRow[], predictions: ArrayLike<number>[], share: number, modelIds: readonly string[]): number {
  const tasks = [...new Set(rows.map((r) => r.task))];
  const perTask = tasks.map((task) => {
    const idx = rows.flatMap((r, i) => (r.task === task ? [i] : []));
    const taskRows = idx.map((i) => rows[i] as OutcomeRow);
    const means = modelMeans(taskRows, modelIds.length);
    const cost = means.cost;
    if (!cost) throw new Error(`budgetQuality: task '${task}' has rows without cost`);
    const scored = { modelIds, scores: taskRows.map((r) => r.scores), costs: taskRows.map((r) => r.costs as Float32Array) };
    const budget = share * (cost[bestModel(means.quality, modelIds)] ?? 0);
    return bestLambdaWithinBudget(scored, idx.map((i) => predictions[i] ?? []), cost, budget).metrics.quality;
  });
  return perTask.reduce((a, b) => a + b, 0) / Math.max(1, perTask.length);
}
