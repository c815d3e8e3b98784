import { describe, expect, it } from "vitest";
import { aiq, apgrAndCpt, hullQualityAt, nonDecreasingHull } from "../../src/router/cost-curve.ts";
import { chooseWithCost, measureChoice, measureRandom, oracleChoice } from "../../src/router/routing-metrics.ts";

describe("nonDecreasingHull", () => {
  it("drops points below the upper hull and dearer points that are not better", () => {
    const hull = nonDecreasingHull([
      { cost: 0, quality: 0.5 },
      { cost: 1, quality: 0.6 }, // under the segment (0,0.5)→(2,0.9)
      { cost: 2, quality: 0.9 },
      { cost: 3, quality: 0.8 }, // dearer, worse
    ]);
    expect(hull).toEqual([
      { cost: 0, quality: 0.5 },
      { cost: 2, quality: 0.9 },
    ]);
    expect(hullQualityAt(hull, 1)).toBeCloseTo(0.7, 9);
    expect(hullQualityAt(hull, 5)).toBeCloseTo(0.9, 9);
  });
});

describe("aiq", () => {
  it("is the mean hull quality over the cost range", () => {
    // Hull (0,0.5)→(2,0.9) then flat to 4: area = 2·0.7 + 2·0.9 = 3.2 over width 4.
    expect(aiq([{ cost: 0, quality: 0.5 }, { cost: 2, quality: 0.9 }], 0, 4)).toBeCloseTo(0.8, 3);
  });
});

describe("apgrAndCpt", () => {
  it("gives PGR 1 everywhere to a router that reaches the strong model's quality at the weak model's cost", () => {
    const r = apgrAndCpt([{ cost: 1, quality: 0.9 }], { cost: 1, quality: 0.5 }, { cost: 10, quality: 0.9 });
    expect(r.apgr).toBeCloseTo(1, 9);
    expect(r.cpt50).toBeCloseTo(0.1, 9);
  });
  it("gives a linear mix of weak and strong an APGR of one half", () => {
    const r = apgrAndCpt([{ cost: 0, quality: 0 }, { cost: 1, quality: 1 }], { cost: 0, quality: 0 }, { cost: 1, quality: 1 });
    expect(r.apgr).toBeCloseTo(0.5, 9);
    expect(r.cpt50).toBeCloseTo(0.5, 2);
  });
});

describe("routing metrics", () => {
  const rows = { modelIds: ["a", "b", "c"], scores: [[1, 0, 1], [0, 1, 0], [0.5, 0.2, 0.9]], costs: [[3, 1, 2], [3, 1, 2], [3, 1, 2]] };
  it("measures quality, top-1, regret and cost of a choice", () => {
    const m = measureChoice(rows, [0, 0, 2]);
    expect(m.quality).toBeCloseTo((1 + 0 + 0.9) / 3, 9);
    expect(m.top1).toBeCloseTo(2 / 3, 9);
    expect(m.regret).toBeCloseTo(1 / 3, 9);
    expect(m.cost).toBeCloseTo((3 + 3 + 2) / 3, 9);
  });
  it("takes the cheapest of tied best models as the oracle", () => {
    expect(Array.from(oracleChoice(rows))).toEqual([2, 1, 2]);
  });
  it("gives random choice its exact expectation", () => {
    expect(measureRandom(rows).quality).toBeCloseTo((2 / 3 + 1 / 3 + 1.6 / 3) / 3, 9);
  });
  it("moves to cheaper models as λ grows", () => {
    const predicted = [[0.9, 0.5, 0.8]];
    expect(Array.from(chooseWithCost(predicted, [3, 1, 2], 0, rows.modelIds))).toEqual([0]);
    expect(Array.from(chooseWithCost(predicted, [3, 1, 2], 10, rows.modelIds))).toEqual([1]);
  });
});
