import { seededRandom } from "../engine/seeded-random.ts";
import { FEATURE_DIM, type SparseFeatures } from "./features.ts";

/**
 * The learned router: an MLP encoder maps a prompt's features to an embedding e, and each model m has a
 * vector v_m and bias b_m, so q̂(m) = σ(e·v_m + b_m) — matrix factorisation as in RouteLLM's mf and
 * EmbedLLM, with our own hashed features instead of an external embedding API.
 *
 * Glossary: D = FEATURE_DIM inputs, H = hidden width, K = embedding width, M = models.
 *   h = relu(x·W1 + b1)      [H]   W1: [D, H] row-major (one row per input, so sparse inputs read rows)
 *   e = h·W2 + b2            [K]   W2: [H, K]
 *   q̂ = σ(V·e + b)          [M]   V:  [M, K] (one row per model, so a new model is one new row)
 */
export interface RouterModel {
  readonly hidden: number;
  readonly embed: number;
  readonly modelIds: string[];
  readonly w1: Float32Array;
  readonly b1: Float32Array;
  readonly w2: Float32Array;
  readonly b2: Float32Array;
  /** [M, K] */
  v: Float32Array;
  /** [M] */
  b: Float32Array;
}


function uniform(n: number, scale: number, rand: () => number): Float32Array {
  return Float32Array.from({ length: n }, () => (rand() * 2 - 1) * scale);
}

/** A freshly initialised model (He-style uniform init for the ReLU layer, Glorot for the linear ones). */
export function initRouterModel(modelIds: string[], hidden: number, embed: number, seed: number): RouterModel {
  const rand = seededRandom(seed);
  const m = modelIds.length;
  return {
    hidden,
    embed,
    modelIds: [...modelIds],
    // Sparse, L2-normalised inputs: ~2 active groups of unit norm, so scale by the hidden fan-out instead.
    w1: uniform(FEATURE_DIM * hidden, Math.sqrt(6 / (hidden + 64)), rand),
    b1: new Float32Array(hidden),
    w2: uniform(hidden * embed, Math.sqrt(6 / (hidden + embed)), rand),
    b2: new Float32Array(embed),
    v: uniform(m * embed, Math.sqrt(6 / (embed + m)), rand),
    b: new Float32Array(m),
  };
}

/** Encoder activations of one prompt: pre-activation hidden, hidden and embedding. */
export interface Encoded {
  readonly pre: Float32Array;
  readonly h: Float32Array;
  readonly e: Float32Array;
}

/** Runs the encoder on sparse features (optionally with a dropout mask on the hidden layer, for training). */
export function encode(model: RouterModel, x: SparseFeatures, dropMask?: Float32Array): Encoded {
  const { hidden: H, embed: K } = model;
  const pre = Float32Array.from(model.b1);
  for (let k = 0; k < x.indices.length; k++) {
    const row = (x.indices[k] ?? 0) * H;
    const val = x.values[k] ?? 0;
    for (let j = 0; j < H; j++) pre[j] = (pre[j] ?? 0) + val * (model.w1[row + j] ?? 0);
  }
  const h = new Float32Array(H);
  for (let j = 0; j < H; j++) h[j] = Math.max(0, pre[j] ?? 0) * (dropMask ? (dropMask[j] ?? 0) : 1);
  const e = Float32Array.from(model.b2);
  for (let j = 0; j < H; j++) {
    const hj = h[j] ?? 0;
    if (hj === 0) continue;
    for (let c = 0; c < K; c++) e[c] = (e[c] ?? 0) + hj * (model.w2[j * K + c] ?? 0);
  }
  return { pre, h, e };
}

export function sigmoid(z: number): number {
  return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
}

/** Logit of model row m for embedding e. */
export function modelLogit(model: RouterModel, e: Float32Array, m: number): number {
  const K = model.embed;
  let z = model.b[m] ?? 0;
  for (let c = 0; c < K; c++) z += (e[c] ?? 0) * (model.v[m * K + c] ?? 0);
  return z;
}

/** Predicted quality in [0,1] of every model (in modelIds order) on one prompt's features. */
export function predictQualities(model: RouterModel, x: SparseFeatures): Float32Array {
  const { e } = encode(model, x);
  return Float32Array.from(model.modelIds, (_id, m) => sigmoid(modelLogit(model, e, m)));
}
