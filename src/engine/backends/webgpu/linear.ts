import type { GpuContext, GpuTensor } from "./gpu-context.ts";
import { dimsOf, expectGpuShape, ShapeError } from "./shapes.ts";

/** Up to this many rows of x the GEMV kernel wins: each weight row is read once per x row, from cache after the first. */
export const GEMV_MAX_ROWS = 4;

/**
 * y = x·Wᵀ (+ b) on the GPU (kernels/matmul/matmul.wgsl): x [n, k], w [m, k] (f32, or f16 / bf16 words widened
 * in the kernel), b [m] → [n, m]. Decode-sized n runs a GEMV entry point (vec4 loads when k % 4 = 0 for f32),
 * larger n the tiled GEMM.
 */
export function linear(gpu: GpuContext, x: GpuTensor, w: GpuTensor, b?: GpuTensor, out?: GpuTensor): GpuTensor {
  const [n, k] = dimsOf("linear", "x", x, 2) as [number, number];
  const [m, kw] = dimsOf("linear", "w", w, 2) as [number, number];
  if (kw !== k) throw new ShapeError(`linear: x [${x.shape}] and w [${w.shape}] disagree on k`);
  if (b) expectGpuShape("linear", "b", b, [m]);
  const y = out ?? gpu.output([n, m]);
  expectGpuShape("linear", "out", y, [n, m]);
  const gemv = n <= GEMV_MAX_ROWS;
  const half = w.dtype !== "f32";
  const entry = half ? (gemv ? "gemv_half" : "gemm_half") : gemv ? (k % 4 === 0 ? "gemv4" : "gemv") : "gemm";
  const pipeline = gpu.kernel("matmul", entry, gpu.wordType(w.dtype));
  const groups = gemv ? [Math.ceil(m / 8), n] : [Math.ceil(m / 64), Math.ceil(n / 64)];
  gpu.dispatch(pipeline, [x, w, b ?? gpu.placeholder, y], [n, k, m, b ? 1 : 0], groups);
  return y;
}
