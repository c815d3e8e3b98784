import { describe, expect, it } from "vitest";
import { featurize } from "../../src/router/features.ts";
import { predictQualities } from "../../src/router/mf-model.ts";
import { trainRouter } from "../../src/router/train.ts";
import { syntheticRows, toExamples } from "./synthetic-outcomes.ts";

const small = { hidden: 16, embed: 8, epochs: 12, batchSize: 16, lr: 5e-3, dropout: 0.1, weightDecay: 1e-4, listwise: 0 };

describe("trainRouter", () => {
  const models = ["math", "poet", "generalist"];
  const train = syntheticRows(240, 1);
  const test = syntheticRows(100, 3);
  const { model, history } = trainRouter(toExamples(train), models, small);

  it("lowers the training loss", () => {
    expect(history.at(-1)?.trainLoss ?? 1).toBeLessThan(history[0]?.trainLoss ?? 0);
  });

  it("routes held-out prompts to the model that is good at their topic", () => {
    let routed = 0;
    let bestSingle = 0;
    for (const r of test) {
      const q = predictQualities(model, featurize(r.prompt));
      const pick = q.indexOf(Math.max(...q));
      expect(models[pick]).toBe(r.task === "math" ? "math" : "poet");
      routed += r.scores[pick] ?? 0;
      bestSingle += r.scores[2] ?? 0;
    }
    expect(routed).toBeGreaterThan(bestSingle);
  });

  it("also routes by topic with the listwise term on", () => {
    const listwise = trainRouter(toExamples(train), models, { ...small, listwise: 1 }).model;
    const wrong = test.filter((r) => {
      const q = predictQualities(listwise, featurize(r.prompt));
      return models[q.indexOf(Math.max(...q))] !== (r.task === "math" ? "math" : "poet");
    });
    // Noisy 0/1 targets make the softmax target noisy too: most, not all, prompts go to the topic's model.
    expect(wrong.length).toBeLessThan(test.length * 0.2);
  });

  it("is reproducible with the same seed", () => {
    const again = trainRouter(toExamples(train), models, small).model;
    expect(Array.from(again.v)).toEqual(Array.from(model.v));
  });
});
