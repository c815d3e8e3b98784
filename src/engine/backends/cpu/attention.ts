import type { KvCache } from "../../ops.ts";
import { tensor, type HostTensor } from "../../tensor.ts";
import { dotProduct } from "./dot-product.ts";
import { dims2, dims3, ShapeError } from "../../shape-check.ts";

const INITIAL_ROWS = 16;

/** The CPU's KV cache: rows allocated as they are written (doubling), up to the capacity. */
export interface CpuKvCache extends KvCache {
  keys: HostTensor;
  values: HostTensor;
}

/** A position counter [1] read as the integer it holds. */
export function positionOf(op: string, pos: HostTensor): number {
  const p = pos.data[0];
  if (pos.data.length !== 1 || p === undefined || !Number.isInteger(p) || p < 0) throw new ShapeError(`${op}: pos must be one integer ≥ 0`);
  return p;
}

/** An empty KV cache for at most `capacity` tokens, with room for a few; kvAppend grows it. */
export function newKvCache(kvHeads: number, headDim: number, capacity: number): CpuKvCache {
  if (!Number.isSafeInteger(capacity) || capacity < 1) throw new RangeError(`KV cache capacity must be an integer ≥ 1, got ${capacity}`);
  const width = kvHeads * headDim;
  const rows = Math.min(INITIAL_ROWS, capacity);
  return { kvHeads, headDim, capacity, keys: tensor([rows, width]), values: tensor([rows, width]) };
}

/**
 * Writes k, v [n, kvHeads·headDim] at rows pos … pos+n−1, doubling the allocated rows when full (amortised O(1)
 * per token); beyond the capacity is an error.
 */
export function kvAppend(cache: CpuKvCache, k: HostTensor, v: HostTensor, pos: HostTensor): void {
  const width = cache.kvHeads * cache.headDim;
  const [n, kw] = dims2("kvAppend", "k", k);
  const [nv, vw] = dims2("kvAppend", "v", v);
  if (kw !== width || vw !== width || nv !== n) {
    throw new ShapeError(`kvAppend: k [${k.shape}] / v [${v.shape}] do not fit rows of ${width}`);
  }
  const at = positionOf("kvAppend", pos);
  if (at + n > cache.capacity) throw new RangeError(`kvAppend: ${at + n} tokens exceed the KV cache capacity of ${cache.capacity}`);
  const allocated = cache.keys.shape[0]!;
  if (at + n > allocated) {
    const grown = Math.min(cache.capacity, Math.max(2 * allocated, at + n));
    const keys = tensor([grown, width]);
    const values = tensor([grown, width]);
    keys.data.set(cache.keys.data.subarray(0, at * width));
    values.data.set(cache.values.data.subarray(0, at * width));
    cache.keys = keys;
    cache.values = values;
  }
  cache.keys.data.set(k.data, at * width);
  cache.values.data.set(v.data, at * width);
}

/**
 * Causal attention with grouped KV heads over the cache, which already holds the n query tokens at its end.
 * One score row of length t is reused for every (query, head): memory O(t), never n×t. Two passes (scores and
 * max, then weights and values) keep it the plain formula a GPU kernel is checked against. Both passes take
 * four keys at a time: one query (or accumulator) load then feeds four multiply-adds on independent sums,
 * about twice as fast as one key at a time here.
 * q [n, h, hd] → [n, h·hd].
 */
export function attention(q: HostTensor, cache: CpuKvCache, pos: HostTensor, scale: number): HostTensor {
  const [n, nh, hd] = dims3("attention", "q", q);
  const { kvHeads, headDim } = cache;
  const length = positionOf("attention", pos) + n;
  if (hd !== headDim || nh % kvHeads !== 0) {
    throw new ShapeError(`attention: q [${q.shape}] does not fit ${kvHeads} kv heads of dim ${headDim}`);
  }
  if (length > cache.keys.shape[0]!) throw new ShapeError(`attention: ${length} tokens but only ${cache.keys.shape[0]} written`);
  const group = nh / kvHeads;
  const width = kvHeads * hd;
  const kd = cache.keys.data;
  const vd = cache.values.data;
  const qd = q.data;
  const out = new Float32Array(n * nh * hd);
  const scores = new Float64Array(length);
  const acc = new Float64Array(hd);
  for (let i = 0; i < n; i++) {
    const seen = length - n + i + 1; // keys this query attends to
    for (let hh = 0; hh < nh; hh++) {
      const qo = (i * nh + hh) * hd;
      const ko = Math.floor(hh / group) * hd;
      let max = -Infinity;
      let j = 0;
      for (; j + 4 <= seen; j += 4) {
        const k0 = j * width + ko;
        const k1 = k0 + width;
        const k2 = k1 + width;
        const k3 = k2 + width;
        let s0 = 0;
        let s1 = 0;
        let s2 = 0;
        let s3 = 0;
        for (let e = 0; e < hd; e++) {
          const qv = qd[qo + e]!;
          s0 += qv * kd[k0 + e]!;
          s1 += qv * kd[k1 + e]!;
          s2 += qv * kd[k2 + e]!;
          s3 += qv * kd[k3 + e]!;
        }
        scores[j] = s0 * scale;
        scores[j + 1] = s1 * scale;
        scores[j + 2] = s2 * scale;
        scores[j + 3] = s3 * scale;
        max = Math.max(max, scores[j]!, scores[j + 1]!, scores[j + 2]!, scores[j + 3]!);
      }
      for (; j < seen; j++) {
        scores[j] = dotProduct(qd, qo, kd, j * width + ko, hd) * scale;
        max = Math.max(max, scores[j]!);
      }
      let sum = 0;
      acc.fill(0);
      j = 0;
      for (; j + 4 <= seen; j += 4) {
        const w0 = Math.exp(scores[j]! - max);
        const w1 = Math.exp(scores[j + 1]! - max);
        const w2 = Math.exp(scores[j + 2]! - max);
        const w3 = Math.exp(scores[j + 3]! - max);
        sum += w0 + w1 + w2 + w3;
        const v0 = j * width + ko;
        const v1 = v0 + width;
        const v2 = v1 + width;
        const v3 = v2 + width;
        for (let e = 0; e < hd; e++) acc[e] = acc[e]! + w0 * vd[v0 + e]! + w1 * vd[v1 + e]! + w2 * vd[v2 + e]! + w3 * vd[v3 + e]!;
      }
      for (; j < seen; j++) {
        const w = Math.exp(scores[j]! - max);
        sum += w;
        const v0 = j * width + ko;
        for (let e = 0; e < hd; e++) acc[e] = acc[e]! + w * vd[v0 + e]!;
      }
      for (let e = 0; e < hd; e++) out[qo + e] = acc[e]! / sum;
    }
  }
  return tensor([n, nh * hd], out);
}
