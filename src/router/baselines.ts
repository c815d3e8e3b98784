import { FEATURE_DIM, type SparseFeatures } from "./features.ts";
import { seededRandom } from "../engine/seeded-random.ts";
import type { OutcomeRow } from "./outcome-set.ts";
import { bestModel } from "./pick-model.ts";

/** Mean measured quality (and cost) of each model over rows, ignoring unmeasured entries. */
export function modelMeans(rows: OutcomeRow[], m: number): { quality: Float64Array; cost: Float64Array | null } {
  const quality = new Float64Array(m);
  const count = new Float64Array(m);
  const hasCost = rows.every((r) => r.costs !== null);
  const cost = hasCost ? new Float64Array(m) : null;
  for (const r of rows) {
    for (let k = 0; k < m; k++) {
      const q = r.scores[k] ?? Number.NaN;
      if (Number.isNaN(q)) continue;
      quality[k] = (quality[k] ?? 0) + q;
      count[k] = (count[k] ?? 0) + 1;
      if (cost && r.costs) cost[k] = (cost[k] ?? 0) + (r.costs[k] ?? 0);
    }
  }
  for (let k = 0; k < m; k++) {
    quality[k] = (quality[k] ?? 0) / Math.max(1, count[k] ?? 0);
    if (cost) cost[k] = (cost[k] ?? 0) / Math.max(1, count[k] ?? 0);
  }
  return { quality, cost };
}

/**
 * kNN on the same hashed features: cosine similarity after a fixed random projection to `dims` (a
 * Johnson–Lindenstrauss sketch, so comparing 10k × 10k prompts stays seconds, not minutes); the predicted
 * quality of a model is its mean measured quality over the k nearest training prompts.
 */
export class KnnBaseline {
  private readonly projection: Float32Array;
  private readonly train: Float32Array;
  private readonly trainScores: ArrayLike<number>[];

  constructor(
    trainX: SparseFeatures[],
    trainScores: ArrayLike<number>[],
    private readonly k = 15,
    private readonly dims = 128,
  ) {
    const rand = seededRandom(11);
    this.projection = Float32Array.from({ length: FEATURE_DIM * dims }, () => (rand() < 0.5 ? -1 : 1));
    this.train = new Float32Array(trainX.length * dims);
    trainX.forEach((x, i) => this.train.set(this.project(x), i * dims));
    this.trainScores = trainScores;
  }

  private project(x: SparseFeatures): Float32Array {
    const out = new Float32Array(this.dims);
    for (let j = 0; j < x.indices.length; j++) {
      const row = (x.indices[j] ?? 0) * this.dims;
      const v = x.values[j] ?? 0;
      for (let d = 0; d < this.dims; d++) out[d] = (out[d] ?? 0) + v * (this.projection[row + d] ?? 0);
    }
    let norm = 0;
    for (const v of out) norm += v * v;
    const s = norm > 0 ? 1 / Math.sqrt(norm) : 0;
    for (let d = 0; d < this.dims; d++) out[d] = (out[d] ?? 0) * s;
    return out;
  }

  /** Predicted quality of each of `m` models for one prompt. */
  predict(x: SparseFeatures, m: number): Float64Array {
    const q = this.project(x);
    const n = this.trainScores.length;
    const sims = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      let s = 0;
      const off = i * this.dims;
      for (let d = 0; d < this.dims; d++) s += (q[d] ?? 0) * (this.train[off + d] ?? 0);
      sims[i] = s;
    }
    // Top-k by insertion into a short sorted list: k ≪ n, so this beats sorting all n similarities.
    const nearest: number[] = [];
    for (let i = 0; i < n; i++) {
      const s = sims[i] ?? 0;
      if (nearest.length === this.k && s <= (sims[nearest[this.k - 1] ?? 0] ?? 0)) continue;
      let at = nearest.length;
      while (at > 0 && (sims[nearest[at - 1] ?? 0] ?? 0) < s) at--;
      nearest.splice(at, 0, i);
      if (nearest.length > this.k) nearest.pop();
    }
    const out = new Float64Array(m);
    const count = new Float64Array(m);
    for (const i of nearest) {
      const s = this.trainScores[i];
      for (let k = 0; k < m; k++) {
        const v = s?.[k] ?? Number.NaN;
        if (Number.isNaN(v)) continue;
        out[k] = (out[k] ?? 0) + v;
        count[k] = (count[k] ?? 0) + 1;
      }
    }
    for (let k = 0; k < m; k++) out[k] = (count[k] ?? 0) > 0 ? (out[k] ?? 0) / (count[k] ?? 1) : 0;
    return out;
  }
}

/** Prompt-length heuristic: quantile buckets of character length on train, the best model per bucket. */
export class LengthBaseline {
  private readonly edges: number[];
  private readonly pick: number[];

  constructor(train: OutcomeRow[], modelIds: readonly string[], buckets = 5) {
    const lengths = train.map((r) => r.prompt.length).sort((a, b) => a - b);
    this.edges = Array.from({ length: buckets - 1 }, (_, i) => lengths[Math.floor(((i + 1) * lengths.length) / buckets)] ?? 0);
    this.pick = Array.from({ length: buckets }, (_, b) => {
      const rows = train.filter((r) => this.bucket(r.prompt.length) === b);
      return bestModel(modelMeans(rows.length > 0 ? rows : train, modelIds.length).quality, modelIds);
    });
  }

  private bucket(length: number): number {
    const b = this.edges.findIndex((e) => length < e);
    return b === -1 ? this.edges.length : b;
  }

  choose(prompt: string): number {
    return this.pick[this.bucket(prompt.length)] ?? 0;
  }
}
