import { modelMeans } from "./baselines.ts";
import type { OutcomeRow } from "./outcome-set.ts";

/**
 * Target shrinkage towards the task mean: a model's measured score on one prompt is a noisy draw (one
 * sample, one answer), so the router trains on y' = (1 − β)·y + β·ȳ(task, model), an empirical-Bayes
 * style denoising. β = 0 trains on the raw scores; β = 1 on the per-task means only, which the encoder
 * can still tell apart from the prompt text. β is chosen by cross-validation (fit-router.ts).
 */
export const SHRINKAGE_GRID = [0, 0.5, 1];

/** Mean measured score of each model per task, over `rows`. */
export function taskMeans(rows: OutcomeRow[], modelCount: number): Map<string, Float64Array> {
  const byTask = new Map<string, OutcomeRow[]>();
  for (const r of rows) {
    const list = byTask.get(r.task);
    if (list) list.push(r);
    else byTask.set(r.task, [r]);
  }
  return new Map([...byTask].map(([task, taskRows]) => [task, modelMeans(taskRows, modelCount).quality]));
}

/** Shrunk targets of `rows` (NaN, i.e. unmeasured, stays NaN); a task missing from `means` keeps its raw scores. */
export function shrinkTargets(rows: OutcomeRow[], beta: number, means: Map<string, Float64Array>): Float32Array[] {
  return rows.map((r) => {
    const mean = means.get(r.task);
    return Float32Array.from(r.scores, (y, m) => (Number.isNaN(y) || !mean ? y : (1 - beta) * y + beta * (mean[m] ?? y)));
  });
}
