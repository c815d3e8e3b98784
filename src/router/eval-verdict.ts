import { METHOD, type TaskEval } from "./evaluate.ts";

/** Whether the router beats one baseline over a dataset's test tasks. */
export interface Verdict {
  against: typeof METHOD.bestSingle | typeof METHOD.knn;
  /** macro mean over tasks of router − baseline quality */
  delta: number;
  /** 95% interval of `delta` (normal approximation; tasks independent, prompts paired within a task) */
  low: number;
  high: number;
  tasksAhead: number;
  tasks: number;
  /** "beats": the interval lies above 0; "behind": below; "ties": the same quality on every prompt; "within noise" otherwise */
  outcome: "beats" | "within noise" | "ties" | "behind";
}

/** The router against the best single model and against kNN, from the paired per-task differences. */
export function routerVerdicts(tasks: TaskEval[]): Verdict[] {
  const T = Math.max(1, tasks.length);
  return (["bestSingle", "knn"] as const).map((key) => {
    const diffs = tasks.map((t) => t.routerVs[key]);
    const delta = diffs.reduce((s, d) => s + d.delta, 0) / T;
    const half = (1.96 * Math.sqrt(diffs.reduce((s, d) => s + d.se ** 2, 0))) / T;
    const [low, high] = [delta - half, delta + half];
    return {
      against: key === "bestSingle" ? METHOD.bestSingle : METHOD.knn,
      delta,
      low,
      high,
      tasksAhead: diffs.filter((d) => d.delta > 0).length,
      tasks: tasks.length,
      outcome: low > 0 ? "beats" : high < 0 ? "behind" : low === high ? "ties" : "within noise",
    };
  });
}

const points = (v: number) => `${v >= 0 ? "+" : "−"}${Math.abs(100 * v).toFixed(2)}`;

/** One sentence, e.g. "The router beats best single (train): +3.39 points (95% interval +2.51 to +4.27), ahead on 4 of 5 tasks." */
export function describeVerdict(v: Verdict): string {
  const verb = { beats: "beats", "within noise": "is within noise of", ties: "ties with", behind: "falls behind" }[v.outcome];
  const mean = v.tasks > 1 ? " macro" : "";
  return `The router ${verb} ${v.against}: ${points(v.delta)} points${mean} (95% interval ${points(v.low)} to ${points(v.high)}), ahead on ${v.tasksAhead} of ${v.tasks} task${v.tasks === 1 ? "" : "s"}.`;
}
