import type { GpuContext, GpuTensor } from "./gpu-context.ts";
import { dimsOf, expectGpuShape, ShapeError } from "./shapes.ts";

/** RMSNorm on the GPU (kernels/rmsnorm/rmsnorm.wgsl): x [n, d], w [d] → [n, d], written to `out` if given. */
export function rmsnorm(gpu: GpuContext, x: GpuTensor, w: GpuTensor, eps: number, out?: GpuTensor): GpuTensor {
  const [n, d] = dimsOf("rmsnorm", "x", x, 2) as [number, number];
  expectGpuShape("rmsnorm", "w", w, [d]);
  const y = out ?? gpu.output([n, d]);
  expectGpuShape("rmsnorm", "out", y, [n, d]);
  gpu.dispatch(gpu.kernel("rmsnorm", "rmsnorm"), [x, w, y], [n, d, { f32: eps }, 0], gpu.grid(n));
  return y;
}

/**
 * Mamba-2's gated RMSNorm on the GPU (kernels/rmsnorm/rmsnorm.wgsl, gated_rmsnorm): norm(x · silu(z)) · w with
 * the mean over each group of `groupSize` channels. x, z [n, d], w [d] → [n, d].
 */
export function gatedRmsnorm(gpu: GpuContext, x: GpuTensor, z: GpuTensor, w: GpuTensor, eps: number, groupSize: number): GpuTensor {
  const op = "gatedRmsnorm";
  const [n, d] = dimsOf(op, "x", x, 2) as [number, number];
  expectGpuShape(op, "z", z, [n, d]);
  expectGpuShape(op, "w", w, [d]);
  if (!Number.isInteger(groupSize) || groupSize < 1 || d % groupSize !== 0) throw new ShapeError(`${op}: group size ${groupSize} does not divide ${d}`);
  const y = gpu.output([n, d]);
  // z sits where rmsnorm binds its uniform; gated_rmsnorm's uniform follows it
  gpu.dispatch(gpu.kernel("rmsnorm", "gated_rmsnorm"), [x, w, y, z], [n, d, { f32: eps }, groupSize], [d / groupSize, n]);
  return y;
}
