import { describe, expect, it } from "vitest";
import { METHOD, type TaskEval } from "../../src/router/evaluate.ts";
import { describeVerdict, routerVerdicts } from "../../src/router/eval-verdict.ts";

const task = (bestSingle: [number, number], knn: [number, number]): TaskEval => ({
  task: "t",
  n: 100,
  methods: [],
  routerVs: { bestSingle: { delta: bestSingle[0], se: bestSingle[1] }, knn: { delta: knn[0], se: knn[1] } },
  curve: null,
});

describe("routerVerdicts", () => {
  it("says the router beats a baseline only when the 95% interval of the macro difference lies above 0", () => {
    const [best, knn] = routerVerdicts([task([0.04, 0.01], [0.01, 0.01]), task([0.02, 0.01], [-0.005, 0.01])]);
    expect(best).toMatchObject({ against: METHOD.bestSingle, outcome: "beats", tasksAhead: 2, tasks: 2 });
    expect(best?.delta).toBeCloseTo(0.03, 9);
    // Half-width 1.96·√(0.01² + 0.01²)/2 ≈ 0.0139.
    expect(best?.low).toBeCloseTo(0.03 - 0.013859, 5);
    expect(knn).toMatchObject({ against: METHOD.knn, outcome: "within noise", tasksAhead: 1 });
  });

  it("tells a loss and an exact tie apart from noise", () => {
    const [behind, tie] = routerVerdicts([task([-0.05, 0.01], [0, 0])]);
    expect(behind?.outcome).toBe("behind");
    expect(tie?.outcome).toBe("ties");
  });

  it("reads as one sentence with the points and the interval", () => {
    const [best] = routerVerdicts([task([0.0339, 0.004], [0, 0]), task([0.0339, 0.004], [0, 0])]);
    expect(describeVerdict(best as NonNullable<typeof best>)).toBe(
      `The router beats ${METHOD.bestSingle}: +3.39 points macro (95% interval +2.84 to +3.94), ahead on 2 of 2 tasks.`,
    );
  });
});
