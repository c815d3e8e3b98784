import { describe, expect, it } from "vitest";
import { mergeEnsemble } from "../../src/router/ensemble.ts";
import { featurize } from "../../src/router/features.ts";
import { encode, initRouterModel, modelLogit, predictQualities } from "../../src/router/mf-model.ts";

describe("mergeEnsemble", () => {
  const ids = ["a", "b", "c"];
  const members = [initRouterModel(ids, 8, 4, 1), initRouterModel(ids, 8, 4, 2), initRouterModel(ids, 8, 4, 3)];
  members.forEach((m, k) => m.b.set([0.1 * k, -0.2, 0.3 * k]));
  const merged = mergeEnsemble(members);

  it("is one router whose logits are the members' mean", () => {
    expect(merged.hidden).toBe(24);
    expect(merged.embed).toBe(12);
    for (const prompt of ["What is 17 times 23?", "Write a haiku about the sea.", ""]) {
      const x = featurize(prompt);
      const q = predictQualities(merged, x);
      ids.forEach((_id, m) => {
        const mean = members.reduce((s, mm) => s + modelLogit(mm, encode(mm, x).e, m), 0) / members.length;
        expect(Math.log((q[m] ?? 0) / (1 - (q[m] ?? 0)))).toBeCloseTo(mean, 4);
      });
    }
  });

  it("refuses members of different shapes", () => {
    expect(() => mergeEnsemble([members[0] ?? merged, initRouterModel(ids, 16, 4, 1)])).toThrow(/differ/);
    expect(() => mergeEnsemble([])).toThrow(/no models/);
  });
});
