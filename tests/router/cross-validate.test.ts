import { describe, expect, it } from "vitest";
import { crossValidate, foldsByTask } from "../../src/router/cross-validate.ts";
import { featurize } from "../../src/router/features.ts";
import { syntheticRows } from "./synthetic-outcomes.ts";

const options = { hidden: 16, embed: 8, batchSize: 16, lr: 5e-3, dropout: 0.1, weightDecay: 1e-4, listwise: 0 };

describe("foldsByTask", () => {
  it("deals each task's rows round-robin, so every fold holds each task's share", () => {
    const rows = syntheticRows(30, 1);
    const folds = foldsByTask(rows, 3);
    for (const task of ["math", "poem"]) {
      const counts = [0, 1, 2].map((f) => rows.filter((r, i) => r.task === task && folds[i] === f).length);
      expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(1);
    }
  });
});

describe("crossValidate", () => {
  const rows = syntheticRows(120, 4);
  const xs = rows.map((r) => featurize(r.prompt));
  let epochs = 0;
  const runs = crossValidate(rows, xs, ["math", "poet", "generalist"], 3, [0, 1], { ...options, epochs: 4 }, () => epochs++);

  it("predicts every row once per epoch for every β, with one model per fold and epoch", () => {
    expect(epochs).toBe(2 * 3 * 4);
    expect(runs.map((r) => r.beta)).toEqual([0, 1]);
    for (const run of runs) {
      expect(run.byEpoch).toHaveLength(4);
      for (const preds of run.byEpoch) {
        expect(preds.filter(Boolean)).toHaveLength(rows.length);
        for (const p of preds) expect(p).toHaveLength(3);
      }
    }
  });

  it("routes held-out rows by topic better than any single model", () => {
    const last = runs[0]?.byEpoch.at(-1) ?? [];
    let routed = 0;
    let bestSingle = 0;
    rows.forEach((r, i) => {
      const p = Array.from(last[i] ?? []);
      routed += r.scores[p.indexOf(Math.max(...p))] ?? 0;
      bestSingle += r.scores[2] ?? 0;
    });
    expect(routed).toBeGreaterThan(bestSingle);
  });
});
