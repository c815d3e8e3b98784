import type { RouterModel } from "./mf-model.ts";
import { beats } from "./pick-model.ts";

/**
 * Shrinkage towards the best single model: the router leaves the model with the best train mean only when
 * another model's predicted logit beats it by more than δ. δ is a logit offset on that model's row, so it
 * folds into its bias b (the ONNX graph and every predictor apply it with no extra op).
 */
export const SHIFT_GRID = Array.from({ length: 31 }, (_, i) => i / 10);

function logit(q: number): number {
  const p = Math.min(1 - 1e-7, Math.max(1e-7, q));
  return Math.log(p / (1 - p));
}

/** Mean measured quality of argmax(logit + δ·[m = best]) over rows (NaN scores count as 0, never chosen; ties to the smallest id). */
export function routedQualityWithShift(predicted: ArrayLike<number>[], scores: ArrayLike<number>[], best: number, delta: number, modelIds: readonly string[]): number {
  let sum = 0;
  predicted.forEach((p, i) => {
    const s = scores[i] ?? [];
    let pick = -1;
    let top = -Infinity;
    for (let m = 0; m < p.length; m++) {
      if (Number.isNaN(s[m] ?? Number.NaN)) continue;
      const z = logit(p[m] ?? 0) + (m === best ? delta : 0);
      if (pick < 0 || beats(z, m, top, pick, modelIds)) [pick, top] = [m, z];
    }
    sum += pick >= 0 ? (s[pick] ?? 0) : 0;
  });
  return sum / Math.max(1, predicted.length);
}

/** The δ on SHIFT_GRID with the best routed quality on held-out rows (the smallest δ among ties). */
export function chooseShift(predicted: ArrayLike<number>[], scores: ArrayLike<number>[], best: number, modelIds: readonly string[]): { delta: number; quality: number; unshifted: number } {
  let delta = 0;
  let quality = -Infinity;
  for (const d of SHIFT_GRID) {
    const q = routedQualityWithShift(predicted, scores, best, d, modelIds);
    if (q > quality + 1e-12) [delta, quality] = [d, q];
  }
  return { delta, quality, unshifted: routedQualityWithShift(predicted, scores, best, 0, modelIds) };
}

/** Folds δ into the best model's bias, in place. */
export function applyShift(model: RouterModel, best: number, delta: number): void {
  model.b[best] = (model.b[best] ?? 0) + delta;
}
