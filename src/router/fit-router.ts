import { modelMeans } from "./baselines.ts";
import { applyShift, chooseShift } from "./best-single-shift.ts";
import { budgetQuality } from "./budget-quality.ts";
import { crossValidate } from "./cross-validate.ts";
import type { SparseFeatures } from "./features.ts";
import type { RouterModel } from "./mf-model.ts";
import type { OutcomeRow } from "./outcome-set.ts";
import { beats, bestModel } from "./pick-model.ts";
import { SHRINKAGE_GRID, shrinkTargets, taskMeans } from "./target-shrinkage.ts";
import { DEFAULT_TRAIN_OPTIONS, trainRouter, type TrainOptions } from "./train.ts";

export interface FitOptions {
  /** cross-validation folds over the train rows */
  folds: number;
  /** target shrinkage values tried (target-shrinkage.ts) */
  shrinkageGrid: number[];
  /** the most epochs a fold trains; the kept count is chosen on the out-of-fold figures */
  epochs: number;
  /**
   * what the choice maximises: the macro routed quality over tasks (argmax q̂ — what a quality-only
   * router reads), or the macro quality within a cost budget (what a router trading q̂ against cost is
   * asked for; rows must carry costs)
   */
  selectBy: "routed-quality" | "budget";
  /** the budget for "budget": a share of each task's best single model's cost */
  budgetShare: number;
  /** fold the shrinkage δ towards the best single model into the router (quality-only data) */
  shiftToBestSingle: boolean;
  train: Partial<TrainOptions>;
}

export const DEFAULT_FIT_OPTIONS: FitOptions = {
  folds: 5,
  shrinkageGrid: SHRINKAGE_GRID,
  epochs: DEFAULT_TRAIN_OPTIONS.epochs,
  selectBy: "routed-quality",
  budgetShare: 0.3,
  shiftToBestSingle: true,
  train: {},
};

/** What a user sets of a fit (the CLI's shared fit options); the rest follows from the data (fitOptionsFor). */
export interface FitSettings {
  epochs: number;
  folds: number;
  hidden: number;
  embed: number;
  seed: number;
}

/**
 * The fit options for `rows`: with a cost for every model on every row, the choices maximise the quality
 * within the cost budget (λ_cost is traded at run time); otherwise the routed quality, with the δ shift
 * towards the best single model. A model unmeasured on some row has no cost to trade there, so such rows
 * are fitted for quality.
 */
export function fitOptionsFor(rows: OutcomeRow[], s: FitSettings): Partial<FitOptions> {
  const withCost = rows.every((r) => r.costs && !r.scores.some(Number.isNaN));
  return {
    folds: s.folds,
    epochs: s.epochs,
    selectBy: withCost ? "budget" : "routed-quality",
    shiftToBestSingle: !withCost,
    train: { hidden: s.hidden, embed: s.embed, seed: s.seed },
  };
}

/** Out-of-fold figures of one (β, epoch count). */
export interface CvPoint {
  beta: number;
  epoch: number;
  routedQuality: number;
  loss: number;
  /** macro quality within the cost budget (selectBy "budget" only) */
  budgetQuality?: number;
}

export interface FitResult {
  /** refitted on every row with the chosen β and epoch count (δ folded in when chosen) */
  model: RouterModel;
  beta: number;
  epochs: number;
  /** out-of-fold predictions at the chosen (β, epochs); null when there were too few rows to cross-validate */
  outOfFold: Float32Array[] | null;
  table: CvPoint[];
  /** the table's point at the chosen (β, epochs); null without cross-validation */
  chosen: CvPoint | null;
  shift: { model: string; delta: number; quality: number; unshifted: number } | null;
}

/** Mean over tasks of the routed quality (argmax over measured models, ties to the smallest id) and the masked BCE, of predictions. */
export function cvFigures(rows: OutcomeRow[], predictions: ArrayLike<number>[], modelIds: readonly string[]): { routedQuality: number; loss: number } {
  const byTask = new Map<string, [number, number]>();
  let loss = 0;
  let count = 0;
  rows.forEach((r, i) => {
    const p = predictions[i] ?? [];
    let pick = -1;
    for (let m = 0; m < r.scores.length; m++) {
      const y = r.scores[m] ?? Number.NaN;
      if (Number.isNaN(y)) continue;
      const q = Math.min(1 - 1e-7, Math.max(1e-7, p[m] ?? 0.5));
      loss -= y * Math.log(q) + (1 - y) * Math.log(1 - q);
      count++;
      if (pick < 0 || beats(p[m] ?? 0.5, m, p[pick] ?? 0.5, pick, modelIds)) pick = m;
    }
    const [sum, n] = byTask.get(r.task) ?? [0, 0];
    byTask.set(r.task, [sum + (pick >= 0 ? (r.scores[pick] ?? 0) : 0), n + 1]);
  });
  const perTask = [...byTask.values()].map(([sum, n]) => sum / n);
  return { routedQuality: perTask.reduce((a, b) => a + b, 0) / Math.max(1, perTask.length), loss: loss / Math.max(1, count) };
}

/**
 * Fits the router the way `router eval` measures it: cross-validates every (β, epoch count) on the train
 * rows, keeps the best by `selectBy`, then refits on all rows. With too few rows for the folds (fewer than
 * two per fold) it trains once, unshrunk, for `epochs`.
 */
export function fitRouter(
  rows: OutcomeRow[],
  xs: SparseFeatures[],
  modelIds: string[],
  options: Partial<FitOptions> = {},
  onEpoch?: (info: string) => void,
): FitResult {
  const o = { ...DEFAULT_FIT_OPTIONS, ...options };
  const train = { ...o.train, epochs: o.epochs };
  const M = modelIds.length;
  let choice = { beta: 0, epochs: o.epochs };
  let chosenPoint: CvPoint | null = null;
  let outOfFold: Float32Array[] | null = null;
  const table: CvPoint[] = [];
  if (rows.length >= 2 * o.folds) {
    const runs = crossValidate(rows, xs, modelIds, o.folds, o.shrinkageGrid, train, () => onEpoch?.("cross-validation"));
    let bestScore = -Infinity;
    for (const run of runs) {
      run.byEpoch.forEach((predictions, e) => {
        const point: CvPoint = { beta: run.beta, epoch: e + 1, ...cvFigures(rows, predictions, modelIds) };
        if (o.selectBy === "budget") point.budgetQuality = budgetQuality(rows, predictions, o.budgetShare, modelIds);
        table.push(point);
        // Routed quality (or budget quality) first, loss as the tie-break (many settings route identically).
        const lead = o.selectBy === "budget" ? (point.budgetQuality ?? 0) : point.routedQuality;
        const score = lead - 1e-3 * point.loss;
        if (score > bestScore) {
          bestScore = score;
          choice = { beta: run.beta, epochs: e + 1 };
          chosenPoint = point;
          outOfFold = predictions;
        }
      });
    }
  }
  const targets = shrinkTargets(rows, choice.beta, taskMeans(rows, M));
  const examples = rows.map((_, i) => ({ x: xs[i] as SparseFeatures, y: targets[i] as Float32Array }));
  const { model } = trainRouter(examples, modelIds, { ...train, epochs: choice.epochs }, () => onEpoch?.("refit"));
  let shift: FitResult["shift"] = null;
  const oof: Float32Array[] | null = outOfFold;
  if (o.shiftToBestSingle && oof) {
    const best = bestModel(modelMeans(rows, M).quality, modelIds);
    const chosen = chooseShift(
      oof,
      rows.map((r) => r.scores),
      best,
      modelIds,
    );
    applyShift(model, best, chosen.delta);
    shift = { model: modelIds[best] ?? String(best), ...chosen };
  }
  return { model, ...choice, outOfFold: oof, table, chosen: chosenPoint, shift };
}

/** Epochs `fitRouter` runs in all (for a progress bar). */
export function fitEpochCount(rowCount: number, options: Partial<FitOptions> = {}): number {
  const o = { ...DEFAULT_FIT_OPTIONS, ...options };
  return (rowCount >= 2 * o.folds ? o.shrinkageGrid.length * o.folds * o.epochs : 0) + o.epochs;
}
