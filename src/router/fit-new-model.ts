import type { SparseFeatures } from "./features.ts";
import { encode, modelLogit, type RouterModel, sigmoid } from "./mf-model.ts";

/** A prompt a new model was scored on: its features and the model's quality (0..1) there. */
export interface ScoredPrompt {
  readonly x: SparseFeatures;
  readonly quality: number;
}

/**
 * Adds a model to a trained router without touching the encoder: fits only its vector v and bias b by
 * L2-regularised logistic regression on the frozen embeddings of a few scored prompts (full-batch gradient
 * descent with Adam). Returns a new RouterModel with the model appended (or its row replaced if present).
 */
export function addModel(router: RouterModel, modelId: string, scored: ScoredPrompt[], options: { steps?: number; lr?: number; l2?: number } = {}): RouterModel {
  if (scored.length === 0) throw new Error(`no scored prompts for '${modelId}'`);
  const steps = options.steps ?? 300;
  const lr = options.lr ?? 0.05;
  const l2 = options.l2 ?? 1e-2;
  const K = router.embed;
  const embeddings = scored.map((s) => encode(router, s.x).e);
  // Start from the mean of the existing vectors: a new model with no signal predicts like an average one.
  const M = router.modelIds.length;
  const p = new Float32Array(K + 1);
  for (let m = 0; m < M; m++) {
    for (let c = 0; c < K; c++) p[c] = (p[c] ?? 0) + (router.v[m * K + c] ?? 0) / Math.max(1, M);
    p[K] = (p[K] ?? 0) + (router.b[m] ?? 0) / Math.max(1, M);
  }
  const m1 = new Float32Array(K + 1);
  const m2 = new Float32Array(K + 1);
  const g = new Float32Array(K + 1);
  for (let t = 1; t <= steps; t++) {
    g.fill(0);
    scored.forEach((s, i) => {
      const e = embeddings[i] as Float32Array;
      let z = p[K] ?? 0;
      for (let c = 0; c < K; c++) z += (e[c] ?? 0) * (p[c] ?? 0);
      const dz = (sigmoid(z) - s.quality) / scored.length;
      for (let c = 0; c < K; c++) g[c] = (g[c] ?? 0) + dz * (e[c] ?? 0);
      g[K] = (g[K] ?? 0) + dz;
    });
    for (let c = 0; c < K; c++) g[c] = (g[c] ?? 0) + l2 * (p[c] ?? 0);
    for (let i = 0; i <= K; i++) {
      m1[i] = 0.9 * (m1[i] ?? 0) + 0.1 * (g[i] ?? 0);
      m2[i] = 0.999 * (m2[i] ?? 0) + 0.001 * (g[i] ?? 0) ** 2;
      p[i] = (p[i] ?? 0) - (lr * ((m1[i] ?? 0) / (1 - 0.9 ** t))) / (Math.sqrt((m2[i] ?? 0) / (1 - 0.999 ** t)) + 1e-8);
    }
  }
  const existing = router.modelIds.indexOf(modelId);
  const modelIds = existing >= 0 ? [...router.modelIds] : [...router.modelIds, modelId];
  const row = existing >= 0 ? existing : M;
  const v = new Float32Array(modelIds.length * K);
  v.set(router.v.subarray(0, M * K));
  v.set(p.subarray(0, K), row * K);
  const b = new Float32Array(modelIds.length);
  b.set(router.b.subarray(0, M));
  b[row] = p[K] ?? 0;
  return { ...router, modelIds, v, b };
}

/** Mean binary cross-entropy of one model row on scored prompts (how well a fitted vector explains them). */
export function modelLoss(router: RouterModel, modelId: string, scored: ScoredPrompt[]): number {
  const m = router.modelIds.indexOf(modelId);
  if (m < 0) throw new Error(`router has no model '${modelId}'`);
  let loss = 0;
  for (const s of scored) {
    const q = Math.min(1 - 1e-7, Math.max(1e-7, sigmoid(modelLogit(router, encode(router, s.x).e, m))));
    loss -= s.quality * Math.log(q) + (1 - s.quality) * Math.log(1 - q);
  }
  return loss / scored.length;
}
