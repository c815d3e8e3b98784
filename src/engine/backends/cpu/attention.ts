import type { KvCache } from "../../ops.ts";
import { tensor, type Tensor } from "../../tensor.ts";
import { dotProduct } from "./dot-product.ts";
import { dims2, dims3, ShapeError } from "./shape-check.ts";

const INITIAL_ROWS = 16;

/** An empty KV cache with room for a few tokens; kvAppend grows it. */
export function newKvCache(kvHeads: number, headDim: number): KvCache {
  const width = kvHeads * headDim;
  return {
    kvHeads,
    headDim,
    keys: tensor([INITIAL_ROWS, width]),
    values: tensor([INITIAL_ROWS, width]),
    length: 0,
  };
}

/** Appends k, v [n, kvHeads·headDim], doubling the capacity when full (amortised O(1) per token). */
export function kvAppend(cache: KvCache, k: Tensor, v: Tensor): void {
  const width = cache.kvHeads * cache.headDim;
  const [n, kw] = dims2("kvAppend", "k", k);
  const [nv, vw] = dims2("kvAppend", "v", v);
  if (kw !== width || vw !== width || nv !== n) {
    throw new ShapeError(`kvAppend: k [${k.shape}] / v [${v.shape}] do not fit rows of ${width}`);
  }
  const capacity = cache.keys.shape[0]!;
  if (cache.length + n > capacity) {
    const grown = Math.max(2 * capacity, cache.length + n);
    const keys = tensor([grown, width]);
    const values = tensor([grown, width]);
    keys.data.set(cache.keys.data.subarray(0, cache.length * width));
    values.data.set(cache.values.data.subarray(0, cache.length * width));
    cache.keys = keys;
    cache.values = values;
  }
  cache.keys.data.set(k.data, cache.length * width);
  cache.values.data.set(v.data, cache.length * width);
  cache.length += n;
}

/**
 * Causal attention with grouped KV heads over the cache, which already holds the n query tokens at its end.
 * One score row of length t is reused for every (query, head): memory O(t), never n×t. Two passes (scores and
 * max, then weights and values) keep it the plain formula a GPU kernel is checked against.
 * q [n, h, hd] → [n, h·hd].
 */
export function attention(q: Tensor, cache: KvCache, scale: number): Tensor {
  const [n, nh, hd] = dims3("attention", "q", q);
  const { kvHeads, headDim, length } = cache;
  if (hd !== headDim || nh % kvHeads !== 0) {
    throw new ShapeError(`attention: q [${q.shape}] does not fit ${kvHeads} kv heads of dim ${headDim}`);
  }
  if (n > length) throw new ShapeError(`attention: ${n} queries but only ${length} cached tokens`);
  const group = nh / kvHeads;
  const width = kvHeads * hd;
  const kd = cache.keys.data;
  const vd = cache.values.data;
  const qd = q.data;
  const out = new Float32Array(n * nh * hd);
  const scores = new Float64Array(length);
  const acc = new Float64Array(hd);
  for (let i = 0; i < n; i++) {
    const last = length - n + i;
    for (let hh = 0; hh < nh; hh++) {
      const qo = (i * nh + hh) * hd;
      const ko = Math.floor(hh / group) * hd;
      let max = -Infinity;
      for (let j = 0; j <= last; j++) {
        const kr = j * width + ko;
        const sc = dotProduct(qd, qo, kd, kr, hd) * scale;
        scores[j] = sc;
        if (sc > max) max = sc;
      }
      let sum = 0;
      acc.fill(0);
      for (let j = 0; j <= last; j++) {
        const wgt = Math.exp(scores[j]! - max);
        sum += wgt;
        const vr = j * width + ko;
        for (let e = 0; e < hd; e++) acc[e] = acc[e]! + wgt * vd[vr + e]!;
      }
      for (let e = 0; e < hd; e++) out[qo + e] = acc[e]! / sum;
    }
  }
  return tensor([n, nh * hd], out);
}
