import { describe, expect, it } from "vitest";
import { evaluateRouter } from "../../src/router/evaluate.ts";
import { featurize } from "../../src/router/features.ts";
import { predictQualities } from "../../src/router/mf-model.ts";
import { SkipLog } from "../../src/router/outcome-set.ts";
import { trainRouter } from "../../src/router/train.ts";
import { syntheticRows, toExamples } from "./synthetic-outcomes.ts";

describe("evaluateRouter", () => {
  const models = ["math", "poet", "generalist"];
  const train = syntheticRows(240, 1);
  const validation = syntheticRows(60, 2);
  const test = syntheticRows(120, 3);
  const small = { hidden: 16, embed: 8, epochs: 12, batchSize: 16, lr: 5e-3, dropout: 0.1, weightDecay: 1e-4, listwise: 0 };
  const { model } = trainRouter(toExamples(train), models, small);
  const [task] = evaluateRouter({
    modelIds: models,
    train,
    trainX: train.map((r) => featurize(r.prompt)),
    validation,
    test: [{ name: "mixed", modelIds: models, rows: test.map((r) => ({ ...r, task: "mixed" })), skipped: new SkipLog() }],
    featurize,
    predict: (prompt) => predictQualities(model, featurize(prompt)),
  });
  const byName = (prefix: string) => task?.methods.find((m) => m.method.startsWith(prefix))?.metrics;

  it("ranks the learned router above best single, random and cheapest, and below the oracle", () => {
    const router = byName("router")?.quality ?? 0;
    expect(router).toBeGreaterThan(byName("best single")?.quality ?? 1);
    expect(router).toBeGreaterThan(byName("random")?.quality ?? 1);
    expect(router).toBeGreaterThan(byName("cheapest")?.quality ?? 1);
    expect(router).toBeLessThanOrEqual(byName("oracle")?.quality ?? 0);
    expect(byName("oracle")?.regret).toBe(0);
  });

  it("sweeps λ_cost from the strong end to the cheap end and summarises the curve", () => {
    const curve = task?.curve;
    expect(curve).not.toBeNull();
    const costs = curve?.router.map((p) => p.cost) ?? [];
    expect(costs[0]).toBeGreaterThan(costs.at(-1) ?? Infinity);
    expect(curve?.aiq.router).toBeGreaterThan(0);
    expect(curve?.aiq.router).toBeLessThanOrEqual(1);
    // The cheap "generalist" costs a third: a large λ routes everything to it.
    expect(curve?.router.at(-1)?.cost).toBeCloseTo(1, 6);
    expect(curve?.operatingPoint.costShare).toBeLessThanOrEqual(1);
    // The quality point (cheapest λ within 1 point of the best single on validation) holds up on test here.
    expect(curve?.operatingPoint.qualityPoint.quality).toBeGreaterThan((byName("best single")?.quality ?? 1) - 0.05);
    expect(curve?.operatingPoint.qualityPoint.costShare).toBeLessThanOrEqual(1);
  });
});
