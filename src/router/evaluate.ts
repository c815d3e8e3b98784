import { KnnBaseline, LengthBaseline, modelMeans } from "./baselines.ts";
import { aiq, apgrAndCpt, type CurvePoint, hullQualityAt, nonDecreasingHull } from "./cost-curve.ts";
import type { SparseFeatures } from "./features.ts";
import type { OutcomeRow, OutcomeSet } from "./outcome-set.ts";
import { bestModel, cheapestModel } from "./pick-model.ts";
import {
  bestLambdaWithinBudget,
  chooseWithCost,
  LAMBDAS,
  measureChoice,
  measureRandom,
  oracleChoice,
  pairedDifference,
  type PairedDifference,
  type RoutingMetrics,
  type ScoredRows,
} from "./routing-metrics.ts";

/** What `evaluateRouter` compares: the router's predictions against baselines fitted on the same train rows. */
export interface EvalInput {
  modelIds: string[];
  train: OutcomeRow[];
  trainX: SparseFeatures[];
  /** held out of training; used only to pick the λ operating point, never the test rows */
  validation: OutcomeRow[];
  /**
   * predictions for the validation rows made by models that never trained on them (out-of-fold); when
   * absent, `predict` is applied to them
   */
  validationPredictions?: ArrayLike<number>[];
  test: OutcomeSet[];
  featurize: (prompt: string) => SparseFeatures;
  /** predicted quality per model for one prompt */
  predict: (prompt: string) => ArrayLike<number>;
  /** per-model cost estimate for "cheapest" when rows carry no cost (e.g. parameter counts) */
  costProxy?: number[];
  /** share of the best single model's cost the operating point may spend (RouterBench target: 0.3) */
  costBudgetShare?: number;
  onTask?: (task: string) => void;
}

export interface CostCurveReport {
  lambdas: number[];
  router: CurvePoint[];
  knn: CurvePoint[];
  singles: { model: string; cost: number; quality: number }[];
  aiq: { router: number; knn: number; range: [number, number] };
  apgr: { router: number; knn: number };
  cpt50: { router: number; knn: number };
  cpt80: { router: number; knn: number };
  /** λ picked on validation rows: the best validation quality within the cost budget */
  operatingPoint: {
    lambda: number;
    quality: number;
    cost: number;
    costShare: number;
    budgetShare: number;
    bestSingle: string;
    /** λ picked on validation rows as the cheapest whose quality ≥ the best single's − 1 point */
    qualityPoint: { lambda: number; quality: number; cost: number; costShare: number };
  };
  /** descriptive only (it reads the test curve): the router hull's quality at the budget, mixing two λ points */
  hullAtBudget: { router: number; knn: number };
}

/** Names of the methods a task reports: the report, the plots and macroMeans find a method by its name. */
export const METHOD = {
  router: "router (learned MF)",
  knn: "kNN (same features)",
  length: "prompt-length heuristic",
  bestSingle: "best single (train)",
  taskLabel: "task label → that task's best train model (reads the label; reference)",
  cheapest: "cheapest",
  random: "random (expectation)",
  oracle: "oracle",
} as const;

export interface MethodEval {
  method: (typeof METHOD)[keyof typeof METHOD];
  /** the model a constant method sends every prompt to (best single, cheapest) */
  model?: string;
  metrics: RoutingMetrics;
}

/** A method's name with its model, as the report prints it. */
export function methodLabel(m: { method: string; model?: string }): string {
  return m.model === undefined ? m.method : `${m.method}: ${m.model}`;
}

export interface TaskEval {
  task: string;
  n: number;
  methods: MethodEval[];
  /** the router's routed quality (argmax q̂) minus each baseline's, paired on this task's prompts */
  routerVs: { bestSingle: PairedDifference; knn: PairedDifference };
  curve: CostCurveReport | null;
}

function scored(rows: OutcomeRow[], modelIds: readonly string[]): ScoredRows {
  const withCost = rows.every((r) => r.costs !== null);
  return { modelIds, scores: rows.map((r) => r.scores), costs: withCost ? rows.map((r) => r.costs as Float32Array) : null };
}

function curveOf(rows: ScoredRows, predicted: ArrayLike<number>[], modelCost: ArrayLike<number>): CurvePoint[] {
  return LAMBDAS.map((l) => {
    const m = measureChoice(rows, chooseWithCost(predicted, modelCost, l, rows.modelIds));
    return { cost: m.cost, quality: m.quality };
  });
}

/** Evaluates the router and every baseline on each test task. */
export function evaluateRouter(input: EvalInput): TaskEval[] {
  const M = input.modelIds.length;
  const overall = modelMeans(input.train, M);
  const knn = new KnnBaseline(input.trainX, input.train.map((r) => r.scores));
  const length = new LengthBaseline(input.train, input.modelIds);
  return input.test.map((set) => {
    // An empty task would count as 0% in every macro mean.
    if (set.rows.length === 0) throw new Error(`test task '${set.name}' has no rows`);
    input.onTask?.(set.name);
    const rows = scored(set.rows, input.modelIds);
    const xs = set.rows.map((r) => input.featurize(r.prompt));
    const routerPred = set.rows.map((r) => input.predict(r.prompt));
    const knnPred = xs.map((x) => knn.predict(x, M));
    const taskTrain = input.train.filter((r) => r.task === set.name);
    const means = taskTrain.length > 0 && rows.costs ? modelMeans(taskTrain, M) : overall;
    const modelCost = means.cost ?? overall.cost ?? input.costProxy ?? null;
    const best = bestModel(means.quality, input.modelIds);
    // With neither cost nor a proxy there is no "cheapest" to report (it would be whichever column came first).
    const cheap = modelCost ? cheapestModel(modelCost, input.modelIds) : null;
    const constant = (m: number) => new Int32Array(set.rows.length).fill(m);
    const name = (m: number) => input.modelIds[m] ?? String(m);
    const routerChoice = Int32Array.from(routerPred, (p) => bestModel(p, input.modelIds));
    const knnChoice = Int32Array.from(knnPred, (p) => bestModel(p, input.modelIds));
    const methods: MethodEval[] = [
      { method: METHOD.router, metrics: measureChoice(rows, routerChoice) },
      { method: METHOD.knn, metrics: measureChoice(rows, knnChoice) },
      { method: METHOD.length, metrics: measureChoice(rows, Int32Array.from(set.rows, (r) => length.choose(r.prompt))) },
      { method: METHOD.bestSingle, model: name(best), metrics: measureChoice(rows, constant(best)) },
      ...(rows.costs || taskTrain.length === 0
        ? []
        : [{ method: METHOD.taskLabel, metrics: measureChoice(rows, constant(bestModel(modelMeans(taskTrain, M).quality, input.modelIds))) }]),
      ...(cheap === null ? [] : [{ method: METHOD.cheapest, model: name(cheap), metrics: measureChoice(rows, constant(cheap)) }]),
      { method: METHOD.random, metrics: measureRandom(rows) },
      { method: METHOD.oracle, metrics: measureChoice(rows, oracleChoice(rows)) },
    ];
    let curve: CostCurveReport | null = null;
    if (rows.costs && modelCost && cheap !== null) {
      const singles = input.modelIds.map((model, m) => ({ model, ...measureChoice(rows, constant(m)) }));
      const lo = Math.min(...singles.map((s) => s.cost));
      const hi = Math.max(...singles.map((s) => s.cost));
      const routerCurve = curveOf(rows, routerPred, modelCost);
      const knnCurve = curveOf(rows, knnPred, modelCost);
      const strong = singles[best] as CurvePoint;
      const weak = singles[cheap] as CurvePoint;
      const r = apgrAndCpt(routerCurve, weak, strong);
      const k = apgrAndCpt(knnCurve, weak, strong);
      curve = {
        lambdas: LAMBDAS,
        router: routerCurve,
        knn: knnCurve,
        singles: singles.map((s) => ({ model: s.model, cost: s.cost, quality: s.quality })),
        aiq: { router: aiq(routerCurve, lo, hi), knn: aiq(knnCurve, lo, hi), range: [lo, hi] },
        apgr: { router: r.apgr, knn: k.apgr },
        cpt50: { router: r.cpt50, knn: k.cpt50 },
        cpt80: { router: r.cpt80, knn: k.cpt80 },
        operatingPoint: operatingPoint(input, set.name, rows, routerPred, modelCost, best),
        hullAtBudget: {
          router: hullQualityAt(nonDecreasingHull(routerCurve), (input.costBudgetShare ?? 0.3) * strong.cost),
          knn: hullQualityAt(nonDecreasingHull(knnCurve), (input.costBudgetShare ?? 0.3) * strong.cost),
        },
      };
    }
    const routerVs = { bestSingle: pairedDifference(rows, routerChoice, constant(best)), knn: pairedDifference(rows, routerChoice, knnChoice) };
    return { task: set.name, n: set.rows.length, methods, routerVs, curve };
  });
}

/**
 * Picks λ on this task's held-out train rows, then applies it to test: the budget point (best quality with cost
 * ≤ budget × best single's) and the quality point (the cheapest λ whose quality ≥ best single's − 1 point).
 */
function operatingPoint(input: EvalInput, task: string, test: ScoredRows, testPred: ArrayLike<number>[], modelCost: ArrayLike<number>, best: number) {
  const budgetShare = input.costBudgetShare ?? 0.3;
  const idx = input.validation.flatMap((r, i) => (r.task === task ? [i] : []));
  const valRows = idx.map((i) => input.validation[i] as OutcomeRow);
  const val = scored(valRows, input.modelIds);
  const valPred = idx.map((i) => input.validationPredictions?.[i] ?? input.predict(input.validation[i]?.prompt ?? ""));
  const valBest = measureChoice(val, new Int32Array(valRows.length).fill(best));
  const { lambda } = bestLambdaWithinBudget(val, valPred, modelCost, budgetShare * valBest.cost);
  const sweep = LAMBDAS.map((l) => ({ l, ...measureChoice(val, chooseWithCost(valPred, modelCost, l, input.modelIds)) }));
  const enough = sweep.filter((p) => p.quality >= valBest.quality - 0.01).sort((a, b) => a.cost - b.cost)[0];
  const qualityLambda = enough?.l ?? 0;
  const single = measureChoice(test, new Int32Array(test.scores.length).fill(best));
  const at = (l: number) => {
    const got = measureChoice(test, chooseWithCost(testPred, modelCost, l, input.modelIds));
    return { lambda: l, quality: got.quality, cost: got.cost, costShare: got.cost / single.cost };
  };
  return { ...at(lambda), budgetShare, bestSingle: input.modelIds[best] ?? "", qualityPoint: at(qualityLambda) };
}
