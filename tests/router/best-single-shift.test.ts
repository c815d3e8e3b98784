import { describe, expect, it } from "vitest";
import { applyShift, chooseShift, routedQualityWithShift } from "../../src/router/best-single-shift.ts";
import { featurize } from "../../src/router/features.ts";
import { initRouterModel, predictQualities } from "../../src/router/mf-model.ts";

describe("shrinkage towards the best single model", () => {
  const ids = ["a", "b"];
  // Model 0 is right on every row; the predictor slightly prefers model 1 on half of them.
  const scores = [
    [1, 0],
    [1, 0],
    [1, 1],
    [1, 0],
  ];
  const predicted = [
    [0.5, 0.55],
    [0.6, 0.4],
    [0.4, 0.45],
    [0.7, 0.3],
  ];

  it("routes away from the best model only when another beats it by more than δ", () => {
    expect(routedQualityWithShift(predicted, scores, 0, 0, ids)).toBe(0.75);
    expect(routedQualityWithShift(predicted, scores, 0, 0.5, ids)).toBe(1);
  });

  it("picks the smallest δ with the best held-out quality", () => {
    const shift = chooseShift(predicted, scores, 0, ids);
    expect(shift.unshifted).toBe(0.75);
    expect(shift.quality).toBe(1);
    expect(shift.delta).toBeGreaterThan(0);
    expect(routedQualityWithShift(predicted, scores, 0, shift.delta - 0.1, ids)).toBeLessThan(1);
  });

  it("keeps δ = 0 when the predictor is already right", () => {
    expect(chooseShift(predicted, [[0, 1], [1, 0], [0, 1], [1, 0]], 0, ids).delta).toBe(0);
  });

  it("folds δ into the model's bias, so every predictor applies it", () => {
    const model = initRouterModel(["a", "b"], 8, 4, 3);
    const x = featurize("what is 2 + 2?");
    const before = predictQualities(model, x);
    applyShift(model, 1, 0.7);
    const after = predictQualities(model, x);
    const logit = (q: number) => Math.log(q / (1 - q));
    expect(after[0]).toBeCloseTo(before[0] ?? 0, 6);
    expect(logit(after[1] ?? 0) - logit(before[1] ?? 0)).toBeCloseTo(0.7, 4);
  });
});
