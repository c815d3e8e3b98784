import { numel } from "../../tensor.ts";
import type { GpuContext, GpuTensor } from "./gpu-context.ts";
import { dimsOf, expectGpuShape, ShapeError } from "./shapes.ts";

/**
 * Rotary embedding on the GPU (kernels/rope/rope.wgsl), HF rotate_half on the first 2·|invFreq| dims of every
 * head at positions pos, pos+1, … (pos [1] read on the device): x [n, h, hd], invFreq [r/2] → [n, h, hd].
 */
export function rope(gpu: GpuContext, x: GpuTensor, pos: GpuTensor, invFreq: GpuTensor, attentionScaling: number): GpuTensor {
  const [n, h, hd] = dimsOf("rope", "x", x, 3) as [number, number, number];
  expectGpuShape("rope", "pos", pos, [1]);
  const half = numel(invFreq.shape);
  if (2 * half > hd) throw new ShapeError(`rope: rotary dim ${2 * half} exceeds head dim ${hd}`);
  const y = gpu.output([n, h, hd]);
  const count = n * h * hd;
  gpu.dispatch(gpu.kernel("rope", "rope"), [x, half > 0 ? invFreq : gpu.placeholder, pos, y], [n, h, hd, half, { f32: attentionScaling }, 0, 0, 0], gpu.grid(Math.ceil(count / 256)));
  return y;
}
