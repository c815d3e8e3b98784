import type { SparseFeatures } from "./features.ts";
import { predictQualities } from "./mf-model.ts";
import type { OutcomeRow } from "./outcome-set.ts";
import { shrinkTargets, taskMeans } from "./target-shrinkage.ts";
import { trainRouter, type TrainOptions } from "./train.ts";

/** Out-of-fold predictions of every train row after each epoch, for one target shrinkage β. */
export interface FoldRun {
  beta: number;
  /** byEpoch[e][i]: prediction for row i by the model that did not train on it, after epoch e + 1 */
  byEpoch: Float32Array[][];
}

/** Fold of each row: by position within its task, so every fold holds each task's share. */
export function foldsByTask(rows: OutcomeRow[], folds: number): number[] {
  const seen = new Map<string, number>();
  return rows.map((r) => {
    const n = seen.get(r.task) ?? 0;
    seen.set(r.task, n + 1);
    return n % folds;
  });
}

/**
 * k-fold cross-validation over train rows for each β: per fold, a router trained for `options.epochs`
 * epochs on the other folds (task means for the shrinkage from those folds only) predicts the held-out fold
 * after every epoch. Choices read from these (β, epoch count, λ_cost, shrinkage δ) see every train prompt
 * once, and no model ever predicts a row it trained on.
 */
export function crossValidate(
  rows: OutcomeRow[],
  xs: SparseFeatures[],
  modelIds: string[],
  folds: number,
  betas: number[],
  options: Partial<TrainOptions>,
  onEpoch?: () => void,
): FoldRun[] {
  const foldOf = foldsByTask(rows, folds);
  return betas.map((beta) => {
    const byEpoch: Float32Array[][] = [];
    for (let f = 0; f < folds; f++) {
      const fitIdx = rows.flatMap((_, i) => (foldOf[i] === f ? [] : [i]));
      const fitRows = fitIdx.map((i) => rows[i] as OutcomeRow);
      const targets = shrinkTargets(fitRows, beta, taskMeans(fitRows, modelIds.length));
      const examples = fitIdx.map((i, k) => ({ x: xs[i] as SparseFeatures, y: targets[k] as Float32Array }));
      trainRouter(examples, modelIds, options, (report, model) => {
        const preds = (byEpoch[report.epoch - 1] ??= new Array<Float32Array>(rows.length));
        rows.forEach((_, i) => {
          if (foldOf[i] === f) preds[i] = predictQualities(model, xs[i] as SparseFeatures);
        });
        onEpoch?.();
      });
    }
    return { beta, byEpoch };
  });
}
