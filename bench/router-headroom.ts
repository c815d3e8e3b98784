/**
 * How much any router reading our prompt features could gain, measured without the learned router:
 *  - the task label alone (each test prompt sent to its task's best model on train, a router that reads the
 *    label) and, as an upper reference, each task's best model picked on the test split itself;
 *  - whether the features carry signal *within* a task: per task, ridge regressions of each model's score on a
 *    256-d random projection of the features, k-fold cross-validated on the train rows, against the task's
 *    mean (ridge λ → ∞). If no finite λ beats the task mean out of fold, the features tell the task and little else.
 *  - RouterBench: the best a router without within-task signal can do at ≤ 30% of the best single's cost
 *    (test-chosen per-task mix of two models).
 *
 *   npx tsx bench/router-headroom.ts [--data ../shared/data/routing] [--write docs/benchmarks.md]
 */
import { join } from "node:path";
import { parseArgs } from "node:util";
import { modelMeans } from "../src/router/baselines.ts";
import { foldsByTask } from "../src/router/cross-validate.ts";
import { FEATURE_DIM, type SparseFeatures } from "../src/router/features.ts";
import { seededRandom } from "../src/engine/seeded-random.ts";
import { DEFAULT_DATA_DIR } from "../src/router/outcome-files.ts";
import type { OutcomeRow } from "../src/router/outcome-set.ts";
import { bestModel } from "../src/router/pick-model.ts";
import { prepareData } from "../src/router/training-data.ts";
import { writeSection } from "./markdown-section.ts";

const { values } = parseArgs({
  options: { data: { type: "string", default: join(import.meta.dirname, "..", DEFAULT_DATA_DIR) }, write: { type: "string" } },
});
const P = 256;
const FOLDS = 5;
const RIDGE = [1, 10, 100, 1000];
const BUDGET = 0.3;
const rand = seededRandom(3);
const projection = Float32Array.from({ length: FEATURE_DIM * P }, () => (rand() < 0.5 ? -1 : 1) / Math.sqrt(P));

/** The features projected to P dims plus a constant 1 (the bias column). */
function project(x: SparseFeatures): Float64Array {
  const out = new Float64Array(P + 1);
  out[P] = 1;
  for (let k = 0; k < x.indices.length; k++) {
    const row = (x.indices[k] ?? 0) * P;
    const v = x.values[k] ?? 0;
    for (let p = 0; p < P; p++) out[p] = (out[p] ?? 0) + v * (projection[row + p] ?? 0);
  }
  return out;
}

/** Ridge weights per model (unmeasured scores read as 0), the bias unpenalised, by a Cholesky solve. */
function ridge(xs: Float64Array[], ys: ArrayLike<number>[], models: number, lambda: number): Float64Array[] {
  const n = P + 1;
  const a = Array.from({ length: n }, () => new Float64Array(n));
  const b = Array.from({ length: models }, () => new Float64Array(n));
  xs.forEach((x, i) => {
    const y = ys[i] ?? [];
    for (let r = 0; r < n; r++) {
      const xr = x[r] ?? 0;
      const row = a[r] as Float64Array;
      for (let c = 0; c <= r; c++) row[c] = (row[c] ?? 0) + xr * (x[c] ?? 0);
      for (let m = 0; m < models; m++) {
        const ym = y[m] ?? 0;
        (b[m] as Float64Array)[r] = ((b[m] as Float64Array)[r] ?? 0) + xr * (Number.isNaN(ym) ? 0 : ym);
      }
    }
  });
  for (let r = 0; r < n; r++) (a[r] as Float64Array)[r] = ((a[r] as Float64Array)[r] ?? 0) + (r < P ? lambda : 1e-6);
  const l = Array.from({ length: n }, () => new Float64Array(n));
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = (a[i] as Float64Array)[j] ?? 0;
      for (let k = 0; k < j; k++) s -= ((l[i] as Float64Array)[k] ?? 0) * ((l[j] as Float64Array)[k] ?? 0);
      (l[i] as Float64Array)[j] = i === j ? Math.sqrt(s) : s / ((l[j] as Float64Array)[j] ?? 1);
    }
  }
  return b.map((rhs) => {
    const z = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      let s = rhs[i] ?? 0;
      for (let k = 0; k < i; k++) s -= ((l[i] as Float64Array)[k] ?? 0) * (z[k] ?? 0);
      z[i] = s / ((l[i] as Float64Array)[i] ?? 1);
    }
    const w = new Float64Array(n);
    for (let i = n - 1; i >= 0; i--) {
      let s = z[i] ?? 0;
      for (let k = i + 1; k < n; k++) s -= ((l[k] as Float64Array)[i] ?? 0) * (w[k] ?? 0);
      w[i] = s / ((l[i] as Float64Array)[i] ?? 1);
    }
    return w;
  });
}

const dot = (w: Float64Array, x: Float64Array) => w.reduce((s, wi, i) => s + wi * (x[i] ?? 0), 0);
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
const pct = (q: number) => (100 * q).toFixed(2);
const routed = (rows: OutcomeRow[], pick: (r: OutcomeRow, i: number) => number) => mean(rows.map((r, i) => r.scores[pick(r, i)] ?? 0));

/** Out-of-fold macro routed quality of per-task ridge at each λ and of the per-task train mean. */
function withinTaskSignal(rows: OutcomeRow[], xs: SparseFeatures[], modelIds: string[]): { ridge: number[]; taskMean: number } {
  const models = modelIds.length;
  const px = xs.map(project);
  const foldOf = foldsByTask(rows, FOLDS);
  const tasks = [...new Set(rows.map((r) => r.task))];
  const perTask = tasks.map((task) => {
    const idx = rows.flatMap((r, i) => (r.task === task ? [i] : []));
    const picks = RIDGE.map(() => new Map<number, number>());
    const meanPick = new Map<number, number>();
    for (let f = 0; f < FOLDS; f++) {
      const fit = idx.filter((i) => foldOf[i] !== f);
      const held = idx.filter((i) => foldOf[i] === f);
      const prior = bestModel(modelMeans(fit.map((i) => rows[i] as OutcomeRow), models).quality, modelIds);
      for (const i of held) meanPick.set(i, prior);
      RIDGE.forEach((lambda, k) => {
        const w = ridge(
          fit.map((i) => px[i] as Float64Array),
          fit.map((i) => (rows[i] as OutcomeRow).scores),
          models,
          lambda,
        );
        for (const i of held) (picks[k] as Map<number, number>).set(i, bestModel(w.map((wm) => dot(wm, px[i] as Float64Array)), modelIds));
      });
    }
    const q = (pick: Map<number, number>) => mean(idx.map((i) => (rows[i] as OutcomeRow).scores[pick.get(i) ?? 0] ?? 0));
    return { ridge: picks.map(q), taskMean: q(meanPick) };
  });
  return { ridge: RIDGE.map((_, k) => mean(perTask.map((t) => t.ridge[k] ?? 0))), taskMean: mean(perTask.map((t) => t.taskMean)) };
}

const out: string[] = [];
for (const dataset of ["model7", "routerbench"]) {
  const d = await prepareData(values.data, dataset);
  const M = d.modelIds.length;
  const overallBest = bestModel(modelMeans(d.rows, M).quality, d.modelIds);
  const lines = d.test.map((t) => {
    const taskTrain = d.rows.filter((r) => r.task === t.name);
    const trainBest = bestModel(modelMeans(taskTrain, M).quality, d.modelIds);
    const testMeans = modelMeans(t.rows, M);
    const testBest = bestModel(testMeans.quality, d.modelIds);
    const oracle = routed(t.rows, (r) => bestModel(r.scores, d.modelIds));
    let noSignal = Number.NaN;
    if (testMeans.cost) {
      // Best mix of two models whose mean cost fits the budget: the most a router with no within-task signal gets.
      const budget = BUDGET * (testMeans.cost[trainBest] ?? 0);
      for (let a = 0; a < M; a++) {
        for (let b = 0; b < M; b++) {
          const [ca, cb, qa, qb] = [testMeans.cost[a] ?? 0, testMeans.cost[b] ?? 0, testMeans.quality[a] ?? 0, testMeans.quality[b] ?? 0];
          if (ca > budget) continue;
          const share = cb <= budget ? 1 : (budget - ca) / (cb - ca);
          noSignal = Math.max(Number.isNaN(noSignal) ? -Infinity : noSignal, qa + share * (qb - qa));
        }
      }
    }
    return {
      task: t.name,
      overall: routed(t.rows, () => overallBest),
      label: routed(t.rows, () => trainBest),
      testBest: testMeans.quality[testBest] ?? 0,
      oracle,
      noSignal,
      target: (testMeans.quality[trainBest] ?? 0) - 0.01,
    };
  });
  const signal = withinTaskSignal(d.rows, d.xs, d.modelIds);
  out.push(`#### ${dataset}`, "");
  if (dataset === "model7") {
    out.push("| test task | best single overall (train) | task label → its best train model | each task's best model, picked on test | oracle |", "|---|---:|---:|---:|---:|");
    for (const l of lines) out.push(`| ${l.task} | ${pct(l.overall)} | ${pct(l.label)} | ${pct(l.testBest)} | ${pct(l.oracle)} |`);
    const macro = (k: "overall" | "label" | "testBest" | "oracle") => mean(lines.map((l) => l[k]));
    out.push(`| **macro** | **${pct(macro("overall"))}** | **${pct(macro("label"))}** (+${pct(macro("label") - macro("overall"))}) | **${pct(macro("testBest"))}** (+${pct(macro("testBest") - macro("overall"))}) | ${pct(macro("oracle"))} |`, "");
    out.push(`Target: macro ≥ best single + 4 = ${pct(macro("overall") + 0.04)}.`, "");
  } else {
    out.push("| test split | best single (train) quality | target (−1 pt) | no within-task signal: best two-model mix at ≤ 30% cost, picked on test | oracle |", "|---|---:|---:|---:|---:|");
    for (const l of lines) out.push(`| ${l.task} | ${pct(l.label)} | ${pct(l.target)} | ${pct(l.noSignal)} | ${pct(l.oracle)} |`);
    out.push("");
  }
  out.push(
    `Within-task signal (${FOLDS}-fold CV on the ${d.rows.length} train prompts, macro over the ${new Set(d.rows.map((r) => r.task)).size} train tasks of the routed quality): task mean ${pct(signal.taskMean)}; ` +
      `per-task ridge on the features, λ = ${RIDGE.map((l, k) => `${l}: ${pct(signal.ridge[k] ?? 0)}`).join(", ")}.`,
    "",
  );
  console.error(`${dataset} done`);
}
const command = "npx tsx bench/router-headroom.ts";
const report = out.join("\n");
console.log(report);
if (values.write) {
  writeSection(values.write, "router-headroom", ["### Headroom: what the features can tell", "", `Measured ${new Date().toISOString().slice(0, 10)}:`, "", "```sh", command, "```", "", report].join("\n"));
}
