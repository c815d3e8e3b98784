import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { paretoFront } from "../../src/routing/pareto-front.ts";

/** The textbook definition, written independently: p is in the front iff no q is ≤ everywhere and < somewhere. */
function bruteForceFront(points: { id: string; objectives: number[] }[]): string[] {
  const noWorse = (q: number[], p: number[]) => q.every((v, i) => v <= (p[i] as number));
  const better = (q: number[], p: number[]) => q.some((v, i) => v < (p[i] as number));
  return points
    .filter((p) => !points.some((q) => noWorse(q.objectives, p.objectives) && better(q.objectives, p.objectives)))
    .map((p) => p.id);
}

// Few distinct values so that ties and exact duplicates are common.
const valueArb = fc.oneof(fc.integer({ min: 0, max: 4 }), fc.double({ min: 0, max: 1, noNaN: true }));
const pointsArb = fc.integer({ min: 1, max: 5 }).chain((dims) =>
  fc
    .array(fc.array(valueArb, { minLength: dims, maxLength: dims }), { maxLength: 12 })
    .map((rows) => rows.map((objectives, i) => ({ id: `p${i}`, objectives }))),
);

describe("paretoFront", () => {
  it("is exactly the non-dominated set", () => {
    fc.assert(
      fc.property(pointsArb, (points) => {
        expect(paretoFront(points)).toEqual(bruteForceFront(points));
      }),
      { numRuns: 1000 },
    );
  });

  it("keeps every point of a trade-off curve and drops a dominated one", () => {
    const points = [
      { id: "fast", objectives: [0.5, 0.1] },
      { id: "good", objectives: [0.1, 0.9] },
      { id: "middle", objectives: [0.3, 0.4] },
      { id: "worse", objectives: [0.3, 0.5] },
    ];
    expect(paretoFront(points)).toEqual(["fast", "good", "middle"]);
  });

  it("keeps identical points together", () => {
    expect(paretoFront([{ id: "a", objectives: [1, 2] }, { id: "b", objectives: [1, 2] }])).toEqual(["a", "b"]);
  });

  it("returns an empty front for no points", () => {
    expect(paretoFront([])).toEqual([]);
  });

  it("rejects points of different dimensions and NaN objectives", () => {
    expect(() => paretoFront([{ id: "a", objectives: [1] }, { id: "b", objectives: [1, 2] }])).toThrow(/expected 1/);
    expect(() => paretoFront([{ id: "a", objectives: [Number.NaN] }])).toThrow(/NaN/);
  });
});
