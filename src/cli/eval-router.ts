/**
 * The router `router eval` measures: fitted on the train rows with the shared fit settings (as `router
 * train` fits it), or a trained artifact read from disk and run through its ONNX graph.
 */
import { predictWithOnnx } from "../router/artifact-predictions.ts";
import { featurize, type SparseFeatures } from "../router/features.ts";
import { type CvPoint, type FitOptions, type FitResult, type FitSettings, fitEpochCount, fitOptionsFor, fitRouter } from "../router/fit-router.ts";
import { predictQualities } from "../router/mf-model.ts";
import { readArtifact } from "../router/router-artifact.ts";
import type { EvalData } from "./eval-data.ts";
import { startProgress } from "./progress.ts";

export interface EvaluatedRouter {
  /** predicted quality per model (train column order) for one prompt */
  predict: (prompt: string) => ArrayLike<number>;
  /** predictions for the train rows by models that never trained on them; absent for an artifact */
  validationPredictions?: ArrayLike<number>[];
  /** the report's paragraph on where the router came from */
  info: string;
  json: Record<string, unknown>;
}

/** Fits the router on the train rows: cross-validated choices, then a refit (fit-router.ts). */
export function fittedRouter(d: EvalData, xs: SparseFeatures[], settings: FitSettings): EvaluatedRouter {
  const rows = d.train.rows;
  const options = fitOptionsFor(rows, settings);
  const progress = startProgress(`${d.name} fit`, "epoch", fitEpochCount(rows.length, options));
  const fit = fitRouter(rows, xs, d.train.modelIds, options, (info) => progress.tick(info));
  progress.stop();
  return {
    predict: (prompt) => predictQualities(fit.model, featurize(prompt)),
    validationPredictions: fit.outOfFold ?? undefined,
    info: describeFit(rows.length, d.train.modelIds.length, settings, fit, options.selectBy ?? "routed-quality"),
    json: { settings, selectBy: options.selectBy, shrinkage: fit.beta, epochs: fit.epochs, crossValidation: fit.table, shift: fit.shift },
  };
}

/**
 * Reads a trained router (its .onnx and .json sidecar) and predicts every train and test prompt with its
 * graph. Its models must be the train rows' models; columns are matched by name.
 */
export async function artifactRouter(path: string, d: EvalData): Promise<EvaluatedRouter> {
  const { meta, onnx } = await readArtifact(path);
  const same = meta.modelIds.length === d.train.modelIds.length && d.train.modelIds.every((m) => meta.modelIds.includes(m));
  if (!same) {
    throw new Error(`${path}: routes ${meta.modelIds.join(", ")}; the train rows have ${d.train.modelIds.join(", ")} (the two must match)`);
  }
  const column = d.train.modelIds.map((m) => meta.modelIds.indexOf(m));
  const prompts = [...new Set([...d.train.rows, ...d.test.flatMap((t) => t.rows)].map((r) => r.prompt))];
  const predicted = await predictWithOnnx(onnx, meta.modelIds.length, prompts);
  const byPrompt = new Map(prompts.map((p, i) => [p, Float32Array.from(column, (c) => predicted[i]?.[c] ?? Number.NaN)]));
  const source = typeof meta.metrics.source === "string" ? meta.metrics.source : "an unrecorded source";
  const trainRows = typeof meta.metrics.trainRows === "number" ? `, ${meta.metrics.trainRows} rows` : "";
  return {
    predict: (prompt) => {
      const q = byPrompt.get(prompt);
      if (!q) throw new Error(`no prediction for prompt ${JSON.stringify(prompt.slice(0, 60))}`);
      return q;
    },
    info:
      `The router is the trained artifact ${path} (version ${meta.version}; its sidecar says it was trained on ${source}${trainRows}), run through its ONNX graph. ` +
      `The baselines train on the ${d.train.rows.length} rows of ${d.train.name}. The artifact keeps no out-of-fold predictions, so with cost data its λ_cost ` +
      "operating points are picked on its own predictions for those train rows, which it may have trained on.",
    json: { artifact: path, version: meta.version, metrics: meta.metrics },
  };
}

/** The paragraph that says how the evaluated router was fitted. */
function describeFit(n: number, models: number, s: FitSettings, fit: FitResult, selectBy: FitOptions["selectBy"]): string {
  const encoder = `Trained on ${n} train prompts, ${models} models; encoder ${s.hidden} hidden → ${s.embed}-d embedding, seed ${s.seed}. `;
  if (!fit.chosen) return `${encoder}Too few prompts for ${s.folds}-fold cross-validation: trained once on the raw scores for ${s.epochs} epochs.`;
  const pct = (q: number) => `${(100 * q).toFixed(2)}%`;
  const grid = [...new Set(fit.table.map((p) => p.beta))];
  const lead = (p: CvPoint) => (selectBy === "budget" ? (p.budgetQuality ?? 0) : p.routedQuality);
  const figure = (p: CvPoint | null) => (p ? `${selectBy === "budget" ? "within budget" : "routed quality"} ${pct(lead(p))}` : "no cross-validation");
  const best = (beta: number) => fit.table.filter((p) => p.beta === beta).reduce((a, b) => (lead(b) > lead(a) ? b : a));
  const perBeta = grid.map((beta) => `β = ${beta}: ${pct(lead(best(beta)))} at epoch ${best(beta).epoch}`).join(", ");
  const shift = fit.shift
    ? ` Shrinkage towards the best single model (${fit.shift.model}): δ = ${fit.shift.delta} on its logit, chosen on the same out-of-fold predictions (routed quality ${pct(fit.shift.unshifted)} → ${pct(fit.shift.quality)}).`
    : " The λ_cost operating points are picked on the same out-of-fold predictions.";
  return (
    encoder +
    `Target shrinkage β (each score pulled towards its task's mean, src/router/target-shrinkage.ts) and the epoch count (≤ ${s.epochs}) are chosen by ${s.folds}-fold cross-validation over the train prompts ` +
    `by ${selectBy === "budget" ? "out-of-fold macro quality within 30% of each task's best single model's cost (the best λ_cost point under that budget)" : "out-of-fold macro routed quality"}; best per β: ${perBeta}. ` +
    `Chosen: β = ${fit.beta}, ${fit.epochs} epochs (${figure(fit.chosen)}).${shift} ` +
    `The evaluated router is then refitted on all ${n} train prompts with those choices (same seed); the baselines use the same prompts.`
  );
}
