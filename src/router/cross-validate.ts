import type { SparseFeatures } from "./features.ts";
import { predictQualities } from "./mf-model.ts";
import type { OutcomeRow } from "./outcome-set.ts";
import { trainRouter, type TrainOptions } from "./train.ts";
import { toExamples } from "./training-data.ts";

/**
 * Out-of-fold predictions over train rows: k models, each trained for a fixed number of epochs on k−1 folds
 * (no early stopping, so the held-out fold is never read while training), each predicting its own fold.
 * Choices tuned on these (the λ_cost operating point) see every train prompt once, not a small validation share.
 */
export function outOfFoldPredictions(
  rows: OutcomeRow[],
  xs: SparseFeatures[],
  modelIds: string[],
  folds: number,
  options: Partial<TrainOptions>,
  onFold?: (fold: number) => void,
): Float32Array[] {
  const out: Float32Array[] = new Array(rows.length);
  // Fold by position within each task, so every fold holds each task's share.
  const seen = new Map<string, number>();
  const foldOf = rows.map((r) => {
    const n = seen.get(r.task) ?? 0;
    seen.set(r.task, n + 1);
    return n % folds;
  });
  for (let f = 0; f < folds; f++) {
    const fitIdx = rows.flatMap((_, i) => (foldOf[i] === f ? [] : [i]));
    const fit = toExamples(
      fitIdx.map((i) => rows[i] as OutcomeRow),
      fitIdx.map((i) => xs[i] as SparseFeatures),
    );
    const { model } = trainRouter(fit, [], modelIds, { ...options, selectBy: "last" });
    rows.forEach((_, i) => {
      if (foldOf[i] === f) out[i] = predictQualities(model, xs[i] as SparseFeatures);
    });
    onFold?.(f + 1);
  }
  return out;
}
