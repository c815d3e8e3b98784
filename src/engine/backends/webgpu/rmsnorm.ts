import type { GpuContext, GpuTensor } from "./gpu-context.ts";
import { dimsOf, expectGpuShape } from "./shapes.ts";

/** RMSNorm on the GPU (kernels/rmsnorm/rmsnorm.wgsl): x [n, d], w [d] → [n, d], written to `out` if given. */
export async function rmsnorm(gpu: GpuContext, x: GpuTensor, w: GpuTensor, eps: number, out?: GpuTensor): Promise<GpuTensor> {
  const [n, d] = dimsOf("rmsnorm", "x", x, 2) as [number, number];
  expectGpuShape("rmsnorm", "w", w, [d]);
  const y = out ?? gpu.empty([n, d]);
  expectGpuShape("rmsnorm", "out", y, [n, d]);
  const pipeline = await gpu.pipeline("rmsnorm", "rmsnorm");
  gpu.dispatch(pipeline, [x.buffer, w.buffer, y.buffer], [n, d, { f32: eps }, 0], gpu.grid(n));
  return y;
}
