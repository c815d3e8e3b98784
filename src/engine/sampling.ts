import { seededRandom } from "./seeded-random.ts";

/** How the next token is picked from a row of logits. */
export interface SamplerOptions {
  /** 0 = greedy; otherwise logits are divided by it before the softmax */
  temperature: number;
  /** keep only the k most likely tokens (after temperature) */
  topK?: number;
  /** keep the smallest set of most likely tokens whose probability reaches p (after top-k) */
  topP?: number;
  /** fixes the random stream: the same seed and logits give the same tokens */
  seed?: number;
}

function check(opts: SamplerOptions): void {
  const { temperature, topK, topP, seed } = opts;
  if (!Number.isFinite(temperature) || temperature < 0) throw new RangeError(`temperature must be a finite number ≥ 0, got ${temperature}`);
  if (topK !== undefined && (!Number.isSafeInteger(topK) || topK < 1)) throw new RangeError(`top_k must be an integer ≥ 1, got ${topK}`);
  if (topP !== undefined && (!Number.isFinite(topP) || topP <= 0 || topP > 1)) throw new RangeError(`top_p must be in (0, 1], got ${topP}`);
  if (seed !== undefined && !Number.isSafeInteger(seed)) throw new RangeError(`seed must be an integer, got ${seed}`);
}

/** Index of the largest logit; the lowest index wins ties. NaN logits mean the model broke: refuse them. */
function argmax(logits: Float32Array): number {
  let best = 0;
  let max = -Infinity;
  for (let i = 0; i < logits.length; i++) {
    const v = logits[i] as number;
    if (Number.isNaN(v)) throw new RangeError(`logit ${i} is NaN`);
    if (v > max) {
      max = v;
      best = i;
    }
  }
  if (max === -Infinity) throw new RangeError("every logit is -Infinity: no token can be sampled");
  return best;
}

function randomSeed(): number {
  return crypto.getRandomValues(new Uint32Array(1))[0] as number;
}

/**
 * Makes a sampler over logits [vocab], following transformers' order of warpers: temperature, then top-k, then
 * top-p on the renormalised survivors; then one draw from a seeded mulberry32 stream (a fresh random seed when
 * none is given). Temperature 0 is greedy and ignores the rest. Options are validated up front (RangeError).
 * @example
 *   const sample = createSampler({ temperature: 0.8, topP: 0.95, seed: 7 });
 *   const next = sample(logits);
 */
export function createSampler(opts: SamplerOptions): (logits: Float32Array) => number {
  check(opts);
  const { temperature, topK, topP } = opts;
  if (temperature === 0) return argmax;
  const rand = seededRandom(opts.seed ?? randomSeed());

  return (logits) => {
    const top = argmax(logits); // also validates the row
    const max = logits[top] as number;
    // +Inf dominates every finite logit: the softmax puts all mass on it.
    if (max === Infinity) return top;
    const n = logits.length;
    const filtered = topK !== undefined || topP !== undefined;
    let ids: number[] | null = null;
    if (filtered) {
      ids = Array.from({ length: n }, (_, i) => i);
      // Most likely first, lowest index on ties, so the kept set is deterministic.
      ids.sort((a, b) => (logits[b] as number) - (logits[a] as number) || a - b);
      if (topK !== undefined && topK < n) ids.length = topK;
    }
    const count = ids ? ids.length : n;
    const weights = new Float64Array(count);
    let total = 0;
    for (let j = 0; j < count; j++) {
      const w = Math.exp(((logits[ids ? (ids[j] as number) : j] as number) - max) / temperature);
      weights[j] = w;
      total += w;
    }
    let kept = count;
    if (ids && topP !== undefined) {
      // Keep tokens while the mass before them is below p: the token that crosses p stays.
      let mass = 0;
      kept = 0;
      while (kept < count && mass < topP * total) mass += weights[kept++] as number;
      total = mass;
    }
    let u = rand() * total;
    for (let j = 0; j < kept; j++) {
      u -= weights[j] as number;
      if (u < 0) return ids ? (ids[j] as number) : j;
    }
    // Rounding left a sliver of mass: the last kept token takes it.
    for (let j = kept - 1; j >= 0; j--) if ((weights[j] as number) > 0) return ids ? (ids[j] as number) : j;
    return top;
  };
}
