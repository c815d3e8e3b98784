import type { KvCache } from "../../ops.ts";
import type { GpuContext, GpuTensor } from "./gpu-context.ts";
import { dimsOf, expectGpuShape, ShapeError } from "./shapes.ts";

const TILE = 64;
const MAX_HEAD_DIM = 256;
/** Query rows up to which attention splits the keys across workgroups (decode); longer inputs run one split per query. */
const SPLIT_MAX_QUERIES = 4;
/** Enough 64-wide workgroups to keep a large GPU busy on one decode query (an H200 holds ~4000 at once). */
const TARGET_WORKGROUPS = 1024;

/** The WebGPU backend's KV cache: keys and values [capacity, kvHeads·headDim], allocated whole. */
export interface GpuKvCache extends KvCache {
  readonly backend: "webgpu";
  readonly keys: GpuTensor;
  readonly values: GpuTensor;
}

/**
 * How the keys of a cache of `capacity` rows are cut across workgroups for `n` queries of `heads` heads: `splits`
 * ranges of `chunk` keys. Planned from the capacity, not the length (only the device knows it), so one dispatch
 * serves every position of a decode step; splits past a query's last key come out empty.
 */
export function attentionPlan(n: number, heads: number, capacity: number): { splits: number; chunk: number } {
  if (n > SPLIT_MAX_QUERIES) return { splits: 1, chunk: Math.ceil(capacity / TILE) * TILE };
  const wanted = Math.max(1, Math.min(Math.ceil(TARGET_WORKGROUPS / (heads * n)), Math.ceil(capacity / TILE)));
  const chunk = Math.ceil(Math.ceil(capacity / wanted) / TILE) * TILE;
  return { splits: Math.ceil(capacity / chunk), chunk };
}

/** An empty cache for `capacity` tokens: two zeroed long-lived buffers. */
export function newKvCache(gpu: GpuContext, kvHeads: number, headDim: number, capacity: number): GpuKvCache {
  if (!Number.isSafeInteger(capacity) || capacity < 1) throw new RangeError(`KV cache capacity must be an integer ≥ 1, got ${capacity}`);
  if (!Number.isSafeInteger(kvHeads) || kvHeads < 1 || !Number.isSafeInteger(headDim) || headDim < 1) {
    throw new RangeError(`KV cache: kvHeads and headDim must be integers ≥ 1, got ${kvHeads} and ${headDim}`);
  }
  const bytes = capacity * kvHeads * headDim * 4;
  const limit = gpu.device.limits.maxStorageBufferBindingSize;
  if (bytes > limit) throw new RangeError(`a KV cache of ${capacity} tokens needs ${bytes} bytes per buffer; the device binds at most ${limit}`);
  const shape = [capacity, kvHeads * headDim];
  return { backend: "webgpu", kvHeads, headDim, capacity, keys: gpu.empty(shape), values: gpu.empty(shape) };
}

/** Writes k, v [n, kvHeads·headDim] at rows pos … pos+n−1 of the cache (kernels/kv_append; pos [1] read on the device). */
export function kvAppend(gpu: GpuContext, cache: GpuKvCache, k: GpuTensor, v: GpuTensor, pos: GpuTensor): void {
  const width = cache.kvHeads * cache.headDim;
  const [n, kw] = dimsOf("kvAppend", "k", k, 2) as [number, number];
  const [nv, vw] = dimsOf("kvAppend", "v", v, 2) as [number, number];
  if (kw !== width || vw !== width || nv !== n) throw new ShapeError(`kvAppend: k [${k.shape}] / v [${v.shape}] do not fit rows of ${width}`);
  if (n > cache.capacity) throw new RangeError(`kvAppend: ${n} tokens exceed the KV cache capacity of ${cache.capacity}`);
  expectGpuShape("kvAppend", "pos", pos, [1]);
  const params = [n, width, cache.capacity, 0];
  gpu.dispatch(gpu.kernel("kv_append", "kv_append"), [k, v, pos, cache.keys, cache.values], params, gpu.grid(Math.ceil((n * width) / 256)));
}

/**
 * Causal attention with grouped KV heads over the cache, which already holds these n queries at rows
 * pos … pos+n−1 (kernels/attention/attention.wgsl): q [n, h, hd] → [n, h·hd].
 */
export function attention(gpu: GpuContext, q: GpuTensor, cache: GpuKvCache, pos: GpuTensor, scale: number): GpuTensor {
  const [n, h, hd] = dimsOf("attention", "q", q, 3) as [number, number, number];
  if (hd !== cache.headDim || h % cache.kvHeads !== 0) throw new ShapeError(`attention: q [${q.shape}] does not fit ${cache.kvHeads} kv heads of dim ${cache.headDim}`);
  if (hd > MAX_HEAD_DIM) throw new ShapeError(`attention: head dim ${hd} exceeds the kernel's ${MAX_HEAD_DIM}`);
  if (n > cache.capacity) throw new RangeError(`attention: ${n} queries exceed the KV cache capacity of ${cache.capacity}`);
  expectGpuShape("attention", "pos", pos, [1]);
  const y = gpu.output([n, h * hd]);
  const { splits, chunk } = attentionPlan(n, h, cache.capacity);
  const part = splits > 1 ? gpu.scratch([n, h, splits, hd + 2]) : gpu.placeholder;
  const params = [n, h, cache.kvHeads, hd, chunk, splits, { f32: scale }, 0];
  gpu.dispatch(gpu.kernel("attention", "attend"), [q, cache.keys, cache.values, pos, part, y], params, [splits, h, n]);
  // the combine pass reads only the partials (its auto layout has no q, keys, values or pos)
  if (splits > 1) gpu.dispatch(gpu.kernel("attention", "attend_combine"), [null, null, null, null, part, y], params, [h, n]);
  return y;
}
