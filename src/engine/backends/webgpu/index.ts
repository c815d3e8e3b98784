/**
 * The WebGPU backend: createWebGpuOps (webgpu-ops.ts) implements the engine's Ops over one dispatch function per
 * op, each running the WGSL kernel in kernels/<op>/<op>.wgsl and checked against the CPU op of the same name
 * (tests/kernels/webgpu). The runners below are the per-kernel API the kernel checks and bench/kernels-gpu.ts
 * call on a bare GpuContext (outputs in new buffers unless `out` is given); they return promises for the bench's
 * sake, though recording is synchronous.
 */
import { attentionDecode as attentionDecodeNow } from "./attention-decode.ts";
import { conv1dCausal as conv1dNow } from "./conv1d.ts";
import { linear as linearNow } from "./linear.ts";
import { rmsnorm as rmsnormNow } from "./rmsnorm.ts";
import { selectiveStateUpdate as selectiveNow } from "./selective-state-update.ts";
import { ssdStateUpdate as ssdNow } from "./ssd-state-update.ts";

export { GpuContext, kernelUrl, type GpuTensor, type KernelReader } from "./gpu-context.ts";
export { createWebGpuOps, type WebGpuOps } from "./webgpu-ops.ts";
export { splitPlan } from "./attention-decode.ts";
export { attentionPlan } from "./attention.ts";
export { GEMV_MAX_ROWS } from "./linear.ts";

export const attentionDecode = async (...a: Parameters<typeof attentionDecodeNow>) => attentionDecodeNow(...a);
export const conv1dCausal = async (...a: Parameters<typeof conv1dNow>) => conv1dNow(...a);
export const linear = async (...a: Parameters<typeof linearNow>) => linearNow(...a);
export const rmsnorm = async (...a: Parameters<typeof rmsnormNow>) => rmsnormNow(...a);
export const selectiveStateUpdate = async (...a: Parameters<typeof selectiveNow>) => selectiveNow(...a);
export const ssdStateUpdate = async (...a: Parameters<typeof ssdNow>) => ssdNow(...a);
