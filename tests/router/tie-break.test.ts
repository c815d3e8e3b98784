import { describe, expect, it } from "vitest";
import { KnnBaseline } from "../../src/router/baselines.ts";
import { evaluateRouter } from "../../src/router/evaluate.ts";
import { featurize } from "../../src/router/features.ts";
import { SkipLog, type OutcomeRow } from "../../src/router/outcome-set.ts";
import { bestModel, cheapestModel } from "../../src/router/pick-model.ts";
import { chooseWithCost, oracleChoice } from "../../src/router/routing-metrics.ts";

describe("bestModel and cheapestModel", () => {
  it("give an exact tie to the smallest model id, whatever the column order", () => {
    expect(bestModel([0.5, 0.5, 0.1], ["zeta", "alpha", "mid"])).toBe(1);
    expect(bestModel([0.5, 0.5, 0.1], ["alpha", "zeta", "mid"])).toBe(0);
    expect(cheapestModel([2, 1, 1], ["a", "c", "b"])).toBe(2);
    expect(bestModel([Number.NaN, 0.2, 0.2], ["a", "c", "b"])).toBe(2);
  });

  it("break ties of the oracle (after cost) and of the λ sweep by model id", () => {
    const rows = { modelIds: ["z", "y", "x"], scores: [[1, 1, 1]], costs: [[1, 2, 1]] };
    expect(Array.from(oracleChoice(rows))).toEqual([2]);
    expect(Array.from(chooseWithCost([[0.7, 0.7, 0.7]], null, 0, rows.modelIds))).toEqual([2]);
  });
});

/** Models "good" and "twin" score alike on every train prompt; on test only "good" is right. */
function rows(order: string[], n: number, test: boolean): OutcomeRow[] {
  return Array.from({ length: n }, (_, i) => {
    const score: Record<string, number> = { good: 1, twin: test ? 0 : 1, weak: i % 3 === 0 ? 1 : 0 };
    return { prompt: `question ${i} about topic ${i % 4}`, task: "t", scores: Float32Array.from(order, (m) => score[m] ?? 0), costs: null };
  });
}

function evaluateIn(order: string[]) {
  const train = rows(order, 40, false);
  const test = rows(order, 12, true);
  const [task] = evaluateRouter({
    modelIds: order,
    train,
    trainX: train.map((r) => featurize(r.prompt)),
    validation: train,
    test: [{ name: "t", modelIds: order, rows: test, skipped: new SkipLog() }],
    featurize,
    predict: () => Float32Array.from(order, () => 0.5),
  });
  return Object.fromEntries((task?.methods ?? []).map((m) => [m.method, m.metrics.quality]));
}

describe("evaluation with tied models", () => {
  it("gives kNN, best single and the router the same figures in either column order (ties go to 'good', the smaller id)", () => {
    const ab = evaluateIn(["good", "twin", "weak"]);
    const ba = evaluateIn(["twin", "good", "weak"]);
    expect(ba).toEqual(ab);
    expect(ab["kNN (same features)"]).toBe(1);
    expect(ab["best single (train)"]).toBe(1);
    expect(ab["router (learned MF)"]).toBe(1);
  });

  it("kNN predicts the tie itself: equal means for the tied models", () => {
    const train = rows(["twin", "good", "weak"], 40, false);
    const knn = new KnnBaseline(train.map((r) => featurize(r.prompt)), train.map((r) => r.scores));
    const q = knn.predict(featurize("question 3 about topic 3"), 3);
    expect(q[0]).toBe(q[1]);
  });
});
