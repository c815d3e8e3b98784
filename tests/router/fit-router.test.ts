import { describe, expect, it } from "vitest";
import { featurize } from "../../src/router/features.ts";
import { fitEpochCount, fitRouter } from "../../src/router/fit-router.ts";
import { predictQualities } from "../../src/router/mf-model.ts";
import { syntheticRows } from "./synthetic-outcomes.ts";

const train = { hidden: 16, embed: 8, batchSize: 16, lr: 5e-3, dropout: 0.1, weightDecay: 1e-4, listwise: 0 };
const models = ["math", "poet", "generalist"];

describe("fitRouter", () => {
  // One task label over both topics: the label says nothing, so shrinking to its mean erases the signal.
  const rows = syntheticRows(160, 5).map((r) => ({ ...r, task: "records", costs: null }));
  const xs = rows.map((r) => featurize(r.prompt));
  const options = { folds: 4, shrinkageGrid: [0, 1], epochs: 4, train };
  let epochs = 0;
  const fit = fitRouter(rows, xs, models, options, () => epochs++);

  it("cross-validates every (β, epoch) and runs the epochs it announces", () => {
    expect(fit.table).toHaveLength(2 * 4);
    expect(fit.outOfFold).toHaveLength(rows.length);
    expect(epochs).toBe(fitEpochCount(rows.length, options) - options.epochs + fit.epochs);
  });

  it("keeps the raw targets when the task label carries no signal, and the chosen point is the best out-of-fold", () => {
    expect(fit.beta).toBe(0);
    const chosen = fit.table.find((p) => p.beta === fit.beta && p.epoch === fit.epochs);
    for (const p of fit.table) expect(p.routedQuality - 1e-3 * p.loss).toBeLessThanOrEqual((chosen?.routedQuality ?? 0) - 1e-3 * (chosen?.loss ?? 0) + 1e-12);
  });

  it("routes fresh prompts better than the best single model", () => {
    const fresh = syntheticRows(200, 99);
    let routed = 0;
    let single = 0;
    for (const r of fresh) {
      const q = Array.from(predictQualities(fit.model, featurize(r.prompt)));
      routed += r.scores[q.indexOf(Math.max(...q))] ?? 0;
      single += r.scores[2] ?? 0;
    }
    expect(routed).toBeGreaterThan(single);
  });

  it("trains once, unshrunk, when there are too few rows for the folds", () => {
    const few = rows.slice(0, 5);
    const small = fitRouter(few, xs.slice(0, 5), models, { ...options, folds: 5 });
    expect(small.outOfFold).toBeNull();
    expect(small.beta).toBe(0);
    expect(small.epochs).toBe(4);
    expect(small.table).toEqual([]);
  });
});
