import type { GpuContext, GpuTensor } from "./gpu-context.ts";
import { dimsOf, expectGpuShape } from "./shapes.ts";

/**
 * Mamba-1 selective scan state update on the GPU (kernels/selective_state_update/selective_state_update.wgsl):
 * u, delta [n, d], A [d, s], B, C [n, s], D [d], state [d, s] (updated in place) → y [n, d]. n = 1 is decode.
 */
export function selectiveStateUpdate(
  gpu: GpuContext,
  u: GpuTensor,
  delta: GpuTensor,
  A: GpuTensor,
  B: GpuTensor,
  C: GpuTensor,
  D: GpuTensor,
  state: GpuTensor,
  out?: GpuTensor,
): GpuTensor {
  const op = "selectiveScan";
  const [n, d] = dimsOf(op, "u", u, 2) as [number, number];
  const s = dimsOf(op, "A", A, 2)[1]!;
  expectGpuShape(op, "delta", delta, [n, d]);
  expectGpuShape(op, "A", A, [d, s]);
  expectGpuShape(op, "B", B, [n, s]);
  expectGpuShape(op, "C", C, [n, s]);
  expectGpuShape(op, "D", D, [d]);
  expectGpuShape(op, "state", state, [d, s]);
  const y = out ?? gpu.output([n, d]);
  expectGpuShape(op, "out", y, [n, d]);
  const pipeline = gpu.kernel("selective_state_update", "selective_state_update");
  const buffers = [u, delta, A, B, C, D, state, y];
  gpu.dispatch(pipeline, buffers, [n, d, s, 0], gpu.grid(Math.ceil(d / 256)));
  return y;
}
