/**
 * The WebGPU backend: one dispatch function per op, each running the WGSL kernel in kernels/<op>/<op>.wgsl and
 * checked against the CPU op of the same name (tests/kernels). Tensors stay on the GPU between calls.
 */
export { GpuContext, kernelUrl, type GpuTensor, type KernelReader } from "./gpu-context.ts";
export { attentionDecode, splitPlan } from "./attention-decode.ts";
export { conv1dCausal } from "./conv1d.ts";
export { linear, GEMV_MAX_ROWS } from "./linear.ts";
export { rmsnorm } from "./rmsnorm.ts";
export { selectiveStateUpdate } from "./selective-state-update.ts";
export { ssdStateUpdate } from "./ssd-state-update.ts";
