import { beats, bestModel } from "./pick-model.ts";

/**
 * Measures of a routing choice on held-out outcomes: mean quality of the chosen models, top-1 accuracy
 * (an optimal model was chosen), regret against the oracle, and mean cost when the data has cost.
 */
export interface ScoredRows {
  /** the models of the columns: ties between them go to the smallest id (pick-model.ts) */
  readonly modelIds: readonly string[];
  /** [N][M] measured quality */
  readonly scores: ArrayLike<number>[];
  /** [N][M] USD per prompt, or null */
  readonly costs: ArrayLike<number>[] | null;
}

export interface RoutingMetrics {
  quality: number;
  top1: number;
  regret: number;
  /** mean USD per prompt; NaN without cost data */
  cost: number;
}

const TIE = 1e-9;

/** Metrics of a deterministic choice (one model index per row). */
export function measureChoice(rows: ScoredRows, choice: ArrayLike<number>): RoutingMetrics {
  let quality = 0;
  let top1 = 0;
  let regret = 0;
  let cost = 0;
  rows.scores.forEach((s, i) => {
    const m = choice[i] ?? 0;
    const q = s[m] ?? 0;
    const best = Math.max(...Array.from(s));
    quality += q;
    regret += best - q;
    if (q >= best - TIE) top1++;
    cost += rows.costs ? (rows.costs[i]?.[m] ?? 0) : 0;
  });
  const n = Math.max(1, rows.scores.length);
  return { quality: quality / n, top1: top1 / n, regret: regret / n, cost: rows.costs ? cost / n : Number.NaN };
}

/** Expected metrics of choosing uniformly at random (exact expectation, no sampling noise). */
export function measureRandom(rows: ScoredRows): RoutingMetrics {
  let quality = 0;
  let top1 = 0;
  let regret = 0;
  let cost = 0;
  rows.scores.forEach((s, i) => {
    const vals = Array.from(s);
    const best = Math.max(...vals);
    const mean = vals.reduce((a, b) => a + b, 0) / vals.length;
    quality += mean;
    regret += best - mean;
    top1 += vals.filter((q) => q >= best - TIE).length / vals.length;
    const c = rows.costs?.[i];
    if (c) cost += Array.from(c).reduce((a, b) => a + b, 0) / vals.length;
  });
  const n = Math.max(1, rows.scores.length);
  return { quality: quality / n, top1: top1 / n, regret: regret / n, cost: rows.costs ? cost / n : Number.NaN };
}

/** The oracle: a best model per row, the cheapest among ties when cost is known, then the smallest id. */
export function oracleChoice(rows: ScoredRows): Int32Array {
  return Int32Array.from(rows.scores, (s, i) => {
    const vals = Array.from(s);
    const best = Math.max(...vals);
    let pick = -1;
    vals.forEach((q, m) => {
      if (q < best - TIE) return;
      const c = rows.costs?.[i]?.[m] ?? 0;
      if (pick < 0 || beats(-c, m, -(rows.costs?.[i]?.[pick] ?? 0), pick, rows.modelIds)) pick = m;
    });
    return Math.max(pick, 0);
  });
}

/** λ_cost values swept: 0, then log-spaced from 1e-3 to 10 (dense, so the curve has points between "all strong" and "all cheap"). */
export const LAMBDAS = [0, ...Array.from({ length: 41 }, (_, i) => Number((1e-3 * 10 ** (i / 10)).toPrecision(3)))];

/** Per row, the model maximising predicted quality − λ·(estimated cost / the largest estimated cost), ties to the smallest id. */
export function chooseWithCost(predicted: ArrayLike<number>[], modelCost: ArrayLike<number> | null, lambda: number, modelIds: readonly string[]): Int32Array {
  const costs = modelCost ? Array.from(modelCost) : [];
  const maxCost = Math.max(1e-12, ...costs);
  return Int32Array.from(predicted, (p) => bestModel(Array.from(p, (q, m) => q - (lambda * (costs[m] ?? 0)) / maxCost), modelIds));
}

/**
 * The λ on LAMBDAS whose choice has the best quality at a mean cost ≤ `budget` (the first among ties), with
 * its metrics; the largest λ (the cheapest end of the sweep) when none fits.
 */
export function bestLambdaWithinBudget(rows: ScoredRows, predicted: ArrayLike<number>[], modelCost: ArrayLike<number>, budget: number): { lambda: number; metrics: RoutingMetrics } {
  let pick: { lambda: number; metrics: RoutingMetrics } | null = null;
  let last: { lambda: number; metrics: RoutingMetrics } | null = null;
  for (const lambda of LAMBDAS) {
    last = { lambda, metrics: measureChoice(rows, chooseWithCost(predicted, modelCost, lambda, rows.modelIds)) };
    if (last.metrics.cost <= budget && last.metrics.quality > (pick?.metrics.quality ?? -Infinity)) pick = last;
  }
  const chosen = pick ?? last;
  if (!chosen) throw new Error("bestLambdaWithinBudget: no λ values");
  return chosen;
}

/** A mean difference of two choices over the same rows, with its standard error. */
export interface PairedDifference {
  delta: number;
  se: number;
}

/**
 * Mean per-row quality of choice a minus choice b, with the standard error of that mean. Paired on the same
 * prompts, so each prompt's own difficulty cancels and the error is far smaller than comparing two means.
 */
export function pairedDifference(rows: ScoredRows, a: ArrayLike<number>, b: ArrayLike<number>): PairedDifference {
  const d = rows.scores.map((s, i) => (s[a[i] ?? 0] ?? 0) - (s[b[i] ?? 0] ?? 0));
  const n = d.length;
  const delta = d.reduce((x, y) => x + y, 0) / Math.max(1, n);
  const variance = d.reduce((x, y) => x + (y - delta) ** 2, 0) / Math.max(1, n - 1);
  return { delta, se: Math.sqrt(variance / Math.max(1, n)) };
}
