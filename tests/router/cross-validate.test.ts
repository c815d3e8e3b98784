import { describe, expect, it } from "vitest";
import { outOfFoldPredictions } from "../../src/router/cross-validate.ts";
import { featurize } from "../../src/router/features.ts";
import { syntheticRows } from "./synthetic-outcomes.ts";

describe("outOfFoldPredictions", () => {
  const rows = syntheticRows(120, 4);
  const xs = rows.map((r) => featurize(r.prompt));
  const options = { hidden: 16, embed: 8, epochs: 6, batchSize: 16, lr: 5e-3, dropout: 0.1, weightDecay: 1e-4, listwise: 0 };
  let folds = 0;
  const predictions = outOfFoldPredictions(rows, xs, ["math", "poet", "generalist"], 3, options, () => folds++);

  it("predicts every row once, with one model per fold", () => {
    expect(folds).toBe(3);
    expect(predictions).toHaveLength(rows.length);
    for (const p of predictions) expect(p).toHaveLength(3);
  });

  it("routes held-out rows by topic better than any single model", () => {
    let routed = 0;
    let bestSingle = 0;
    rows.forEach((r, i) => {
      const p = Array.from(predictions[i] ?? []);
      routed += r.scores[p.indexOf(Math.max(...p))] ?? 0;
      bestSingle += r.scores[2] ?? 0;
    });
    expect(routed).toBeGreaterThan(bestSingle);
  });
});
