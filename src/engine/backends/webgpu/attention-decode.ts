import type { GpuContext, GpuTensor } from "./gpu-context.ts";
import { dimsOf, expectGpuShape, ShapeError } from "./shapes.ts";

const TILE = 64;
const MAX_HEAD_DIM = 256;
/**
 * Enough 64-wide workgroups to hide memory latency on a large GPU (an H200 holds ~4000 of them at once); fewer
 * splits when the cache is short, since each split covers at least one tile.
 */
const TARGET_WORKGROUPS = 1024;

/** How the t cached keys are cut across workgroups: `splits` ranges of `chunk` keys (a multiple of the tile). */
export function splitPlan(heads: number, t: number): { splits: number; chunk: number } {
  const wanted = Math.max(1, Math.min(Math.ceil(TARGET_WORKGROUPS / heads), Math.ceil(t / TILE)));
  const chunk = Math.ceil(Math.ceil(t / wanted) / TILE) * TILE;
  return { splits: Math.ceil(t / chunk), chunk };
}

/**
 * Decode attention on the GPU (kernels/attention_decode/attention_decode.wgsl): one query per head,
 * q [1, h, hd], against the first `length` rows of keys, values [capacity, kvHeads·hd] → [1, h·hd].
 */
export function attentionDecode(
  gpu: GpuContext,
  q: GpuTensor,
  keys: GpuTensor,
  values: GpuTensor,
  length: number,
  kvHeads: number,
  scale: number,
  out?: GpuTensor,
): GpuTensor {
  const op = "attentionDecode";
  const [one, h, hd] = dimsOf(op, "q", q, 3) as [number, number, number];
  const [capacity, width] = dimsOf(op, "keys", keys, 2) as [number, number];
  if (one !== 1) throw new ShapeError(`${op}: decode takes one query token, got ${one}`);
  if (h % kvHeads !== 0 || width !== kvHeads * hd) throw new ShapeError(`${op}: q [${q.shape}] does not fit ${kvHeads} kv heads in rows of ${width}`);
  if (hd > MAX_HEAD_DIM) throw new ShapeError(`${op}: head dim ${hd} exceeds the kernel's ${MAX_HEAD_DIM}`);
  if (length < 1 || length > capacity) throw new ShapeError(`${op}: length ${length} outside [1, ${capacity}]`);
  expectGpuShape(op, "values", values, [capacity, width]);
  const y = out ?? gpu.output([1, h * hd]);
  expectGpuShape(op, "out", y, [1, h * hd]);
  const { splits, chunk } = splitPlan(h, length);
  const part = splits > 1 ? gpu.scratch([h, splits, hd + 2]) : undefined;
  const buffers = [q, keys, values, part ?? gpu.placeholder, y];
  const params = [h, kvHeads, hd, length, chunk, splits, { f32: scale }, 0];
  gpu.dispatch(gpu.kernel("attention_decode", "attend_partial"), buffers, params, [splits, h]);
  if (part) {
    // the combine pass reads only the partials (its auto layout has no q, keys or values)
    const combine = [null, null, null, part, y];
    gpu.dispatch(gpu.kernel("attention_decode", "attend_combine"), combine, params, [h]);
  }
  return y;
}
