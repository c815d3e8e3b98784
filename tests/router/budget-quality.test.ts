import { describe, expect, it } from "vitest";
import { budgetQuality } from "../../src/router/budget-quality.ts";
import type { OutcomeRow } from "../../src/router/outcome-set.ts";

const ids = ["strong", "cheap"];
// Two models: "strong" always right at cost 10, "cheap" right on half the prompts at cost 1.
const rows: OutcomeRow[] = Array.from({ length: 8 }, (_, i) => ({
  prompt: `p${i}`,
  task: i < 4 ? "a" : "b",
  scores: Float32Array.from([1, i % 2]),
  costs: Float32Array.from([10, 1]),
}));

describe("budgetQuality", () => {
  it("with predictions that know which prompts the cheap model gets, a 55% budget keeps full quality", () => {
    const knowing = rows.map((r) => Float32Array.from([0.9, r.scores[1] === 1 ? 0.95 : 0.1]));
    // Strong on the half the cheap model misses: mean cost 5.5 = 55% of the strong model's.
    expect(budgetQuality(rows, knowing, 0.55, ids)).toBeCloseTo(1);
    expect(budgetQuality(rows, knowing, 0.5, ids)).toBeCloseTo(0.5);
  });

  it("with predictions that know nothing, no budget below the strong model's cost buys quality", () => {
    const blind = rows.map(() => Float32Array.from([0.9, 0.5]));
    expect(budgetQuality(rows, blind, 0.9, ids)).toBeCloseTo(0.5);
    expect(budgetQuality(rows, blind, 1, ids)).toBeCloseTo(1);
  });

  it("counts the cheapest sweep point when nothing fits the budget, and refuses rows without cost", () => {
    const blind = rows.map(() => Float32Array.from([0.9, 0.5]));
    expect(budgetQuality(rows, blind, 0.01, ids)).toBeCloseTo(0.5);
    expect(() => budgetQuality([{ ...rows[0], costs: null } as OutcomeRow], blind, 0.3, ids)).toThrow(/without cost/);
  });
});
