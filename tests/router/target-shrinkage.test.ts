import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { OutcomeRow } from "../../src/router/outcome-set.ts";
import { shrinkTargets, taskMeans } from "../../src/router/target-shrinkage.ts";

const row = (task: string, scores: number[]): OutcomeRow => ({ prompt: task, task, scores: Float32Array.from(scores), costs: null });

describe("target shrinkage", () => {
  const rows = [row("a", [1, 0]), row("a", [0, Number.NaN]), row("b", [1, 1])];
  const means = taskMeans(rows, 2);

  it("takes each task's mean over measured scores only", () => {
    expect(Array.from(means.get("a") ?? [])).toEqual([0.5, 0]);
    expect(Array.from(means.get("b") ?? [])).toEqual([1, 1]);
  });

  it("β = 0 keeps the scores, β = 1 gives the task means, and unmeasured stays unmeasured", () => {
    expect(shrinkTargets(rows, 0, means).map((t) => Array.from(t))).toEqual([[1, 0], [0, Number.NaN], [1, 1]]);
    expect(shrinkTargets(rows, 1, means).map((t) => Array.from(t))).toEqual([[0.5, 0], [0.5, Number.NaN], [1, 1]]);
  });

  it("keeps the raw scores of a task it has no mean for", () => {
    expect(Array.from(shrinkTargets([row("c", [0.25, 1])], 1, means)[0] ?? [])).toEqual([0.25, 1]);
  });

  it("stays between the score and the task mean for every β", () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 2, maxLength: 20 }), fc.double({ min: 0, max: 1, noNaN: true }), (ys, beta) => {
        const rs = ys.map((y) => row("t", [y]));
        const mean = ys.reduce((a, b) => a + b, 0) / ys.length;
        shrinkTargets(rs, beta, taskMeans(rs, 1)).forEach((t, i) => {
          const y = ys[i] ?? 0;
          expect(t[0]).toBeGreaterThanOrEqual(Math.fround(Math.min(y, mean)) - 1e-6);
          expect(t[0]).toBeLessThanOrEqual(Math.fround(Math.max(y, mean)) + 1e-6);
        });
      }),
    );
  });
});
