import type { GpuContext, GpuTensor } from "./gpu-context.ts";
import { dimsOf, expectGpuShape } from "./shapes.ts";

const WG = 256;

/**
 * Causal depthwise conv1d continuing from `state` on the GPU (kernels/conv1d/conv1d.wgsl): x [n, d], w [d, kw],
 * b [d] | undefined, state [d, kw−1] (updated in place) → [n, d]. n = 1 runs the fused decode step.
 */
export function conv1dCausal(
  gpu: GpuContext,
  x: GpuTensor,
  w: GpuTensor,
  b: GpuTensor | undefined,
  state: GpuTensor,
  out?: GpuTensor,
): GpuTensor {
  const [n, d] = dimsOf("conv1dCausal", "x", x, 2) as [number, number];
  const kw = dimsOf("conv1dCausal", "w", w, 2)[1]!;
  expectGpuShape("conv1dCausal", "w", w, [d, kw]);
  expectGpuShape("conv1dCausal", "state", state, [d, kw - 1]);
  if (b) expectGpuShape("conv1dCausal", "b", b, [d]);
  const y = out ?? gpu.output([n, d]);
  expectGpuShape("conv1dCausal", "out", y, [n, d]);
  const buffers = [x, w, b ?? gpu.placeholder, state, y];
  const params = [n, d, kw, b ? 1 : 0];
  const perChannel = gpu.grid(Math.ceil(d / WG));
  if (n === 1) {
    gpu.dispatch(gpu.kernel("conv1d", "conv1d_step"), buffers, params, perChannel);
    return y;
  }
  gpu.dispatch(gpu.kernel("conv1d", "conv1d_causal"), buffers, params, gpu.grid(Math.ceil((n * d) / WG)));
  // the state pass reads only x and the state (its auto layout has no w, b or y)
  const stateOnly = [x, null, null, state, null];
  gpu.dispatch(gpu.kernel("conv1d", "conv1d_state_save"), stateOnly, params, perChannel);
  return y;
}
