import type { GpuContext, GpuTensor } from "./gpu-context.ts";
import { dimsOf, ShapeError } from "./shapes.ts";

/** Softmax over the last dim on the GPU (kernels/softmax_topk/softmax_topk.wgsl): x [n, c] → [n, c]. */
export function softmax(gpu: GpuContext, x: GpuTensor): GpuTensor {
  const [n, c] = dimsOf("softmax", "x", x, 2) as [number, number];
  const y = gpu.output([n, c]);
  gpu.dispatch(gpu.kernel("softmax_topk", "softmax"), [x, y, null], [n, c, 0, 0], gpu.grid(n));
  return y;
}

/** The k largest entries of each row, largest first, ties to the lower index: x [n, c] → values, indices [n, k]. */
export function topk(gpu: GpuContext, x: GpuTensor, k: number): { values: GpuTensor; indices: GpuTensor } {
  const [n, c] = dimsOf("topk", "x", x, 2) as [number, number];
  if (!Number.isInteger(k) || k < 1 || k > c) throw new ShapeError(`topk: k = ${k} outside [1, ${c}]`);
  const values = gpu.output([n, k]);
  const indices = gpu.output([n, k]);
  gpu.dispatch(gpu.kernel("softmax_topk", "topk"), [x, values, indices], [n, c, k, 0], gpu.grid(Math.ceil(n / 64)));
  return { values, indices };
}
