import { describe, expect, it } from "vitest";
import { macroMeans, renderDataset, renderPlots } from "../../src/router/eval-report.ts";
import { METHOD, type MethodEval, type TaskEval } from "../../src/router/evaluate.ts";

const metrics = (quality: number) => ({ quality, top1: 0, regret: 0, cost: Number.NaN });
const task = (name: string, methods: [MethodEval["method"], number, string?][]): TaskEval => ({
  task: name,
  n: 10,
  methods: methods.map(([method, q, model]) => (model === undefined ? { method, metrics: metrics(q) } : { method, model, metrics: metrics(q) })),
  routerVs: { bestSingle: { delta: 0, se: 0 }, knn: { delta: 0, se: 0 } },
  curve: null,
});

// Task b has no task-label row (no train rows for it), so every later method sits one place earlier.
const tasks = [
  task("a", [[METHOD.router, 0.6], [METHOD.knn, 0.5], [METHOD.bestSingle, 0.4, "m1"], [METHOD.taskLabel, 0.9], [METHOD.random, 0.3], [METHOD.oracle, 1]]),
  task("b", [[METHOD.router, 0.8], [METHOD.knn, 0.7], [METHOD.bestSingle, 0.2, "m2"], [METHOD.random, 0.1], [METHOD.oracle, 0.9]]),
];

describe("macroMeans", () => {
  it("matches methods by name, not by their place in each task's list", () => {
    const byName = Object.fromEntries(macroMeans(tasks).map((m) => [m.method, m.quality]));
    expect(byName[METHOD.router]).toBeCloseTo(0.7, 9);
    expect(byName[METHOD.random]).toBeCloseTo(0.2, 9);
    expect(byName[METHOD.oracle]).toBeCloseTo(0.95, 9);
  });

  it("leaves out a method some task lacks, and a constant method's model when the tasks' models differ", () => {
    const macro = macroMeans(tasks);
    expect(macro.map((m) => m.method)).not.toContain(METHOD.taskLabel);
    expect(macro.find((m) => m.method === METHOD.bestSingle)).toEqual({ method: METHOD.bestSingle, quality: expect.closeTo(0.3, 9) });
  });
});

describe("the report", () => {
  it("plots router, kNN, best single and oracle bars, found by name", () => {
    const [plot] = renderPlots({ dataset: "d", command: "c", tasks, skipped: [], trainInfo: "" });
    const legend = [...(plot?.svg ?? "").matchAll(/<text x="\d+" y="\d+">([^<]+)<\/text>/g)].map((m) => m[1]);
    expect(legend).toEqual([METHOD.router, METHOD.knn, METHOD.bestSingle, METHOD.oracle]);
  });

  it("prints a constant method with its model", () => {
    expect(renderDataset({ dataset: "d", command: "c", tasks, skipped: [], trainInfo: "" }, [])).toContain(`| ${METHOD.bestSingle}: m1 | 40.00 |`);
  });
});
