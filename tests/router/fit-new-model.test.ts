import { describe, expect, it } from "vitest";
import { featurize } from "../../src/router/features.ts";
import { addModel, modelLoss } from "../../src/router/fit-new-model.ts";
import { predictQualities } from "../../src/router/mf-model.ts";
import { trainRouter } from "../../src/router/train.ts";
import { syntheticRows, toExamples } from "./synthetic-outcomes.ts";

describe("addModel", () => {
  const base = trainRouter(toExamples(syntheticRows(240, 1)), ["math", "poet", "generalist"], {
    hidden: 16,
    embed: 8,
    epochs: 12,
    batchSize: 16,
    lr: 5e-3,
    dropout: 0.1,
    weightDecay: 1e-4,
    listwise: 0,
  }).model;
  // The newcomer is excellent at math and poor at poems; it was never seen while training the encoder.
  const scored = syntheticRows(24, 9, ["newcomer"]).map((r) => ({ x: featurize(r.prompt), quality: r.scores[0] ?? 0 }));
  const w1Before = Float32Array.from(base.w1);
  const grown = addModel(base, "newcomer", scored);

  it("appends the model and leaves the encoder and the other models untouched", () => {
    expect(grown.modelIds).toEqual(["math", "poet", "generalist", "newcomer"]);
    expect(Array.from(grown.w1)).toEqual(Array.from(w1Before));
    expect(Array.from(grown.v.subarray(0, base.v.length))).toEqual(Array.from(base.v));
  });

  it("learns from a few scored prompts what the newcomer is good at", () => {
    const heldOut = syntheticRows(40, 10, ["newcomer"]);
    const q = (r: (typeof heldOut)[number]) => predictQualities(grown, featurize(r.prompt))[3] ?? 0;
    const mean = (rows: typeof heldOut) => rows.reduce((s, r) => s + q(r), 0) / rows.length;
    expect(mean(heldOut.filter((r) => r.task === "math"))).toBeGreaterThan(mean(heldOut.filter((r) => r.task === "poem")) + 0.3);
  });

  it("fits its scored prompts better than an unfitted average vector", () => {
    const unfitted = addModel(base, "newcomer", scored, { steps: 0 });
    expect(modelLoss(grown, "newcomer", scored)).toBeLessThan(modelLoss(unfitted, "newcomer", scored));
  });
});
