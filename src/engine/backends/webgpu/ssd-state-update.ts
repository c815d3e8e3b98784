import type { GpuContext, GpuTensor } from "./gpu-context.ts";
import { dimsOf, expectGpuShape, ShapeError } from "./shapes.ts";

/**
 * Mamba-2 SSD state update on the GPU (kernels/ssd_state_update/ssd_state_update.wgsl): x [n, h, p], dt [n, h],
 * A [h], B, C [n, g, s], D [h], state [h, p, s] (updated in place) → y [n, h·p]. n = 1 is decode.
 */
export function ssdStateUpdate(
  gpu: GpuContext,
  x: GpuTensor,
  dt: GpuTensor,
  A: GpuTensor,
  B: GpuTensor,
  C: GpuTensor,
  D: GpuTensor,
  state: GpuTensor,
  out?: GpuTensor,
): GpuTensor {
  const op = "ssdScan";
  const [n, h, p] = dimsOf(op, "x", x, 3) as [number, number, number];
  const [, g, s] = dimsOf(op, "B", B, 3) as [number, number, number];
  if (h % g !== 0) throw new ShapeError(`${op}: ${g} groups do not divide ${h} heads`);
  expectGpuShape(op, "dt", dt, [n, h]);
  expectGpuShape(op, "A", A, [h]);
  expectGpuShape(op, "B", B, [n, g, s]);
  expectGpuShape(op, "C", C, [n, g, s]);
  expectGpuShape(op, "D", D, [h]);
  expectGpuShape(op, "state", state, [h, p, s]);
  const y = out ?? gpu.output([n, h * p]);
  expectGpuShape(op, "out", y, [n, h * p]);
  const pipeline = gpu.kernel("ssd_state_update", "ssd_state_update");
  const buffers = [x, dt, A, B, C, D, state, y];
  gpu.dispatch(pipeline, buffers, [n, h, p, s, g, 0, 0, 0], gpu.grid(h * p));
  return y;
}
