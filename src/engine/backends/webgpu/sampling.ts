import type { SamplerSlot } from "../../ops.ts";
import type { GpuContext, GpuTensor } from "./gpu-context.ts";
import { dimsOf, expectGpuShape, ShapeError } from "./shapes.ts";

/** A sampler slot on the device: [temperature, top-k, top-p] as f32 and the mulberry32 state, 16 bytes. */
export interface GpuSamplerSlot extends SamplerSlot {
  readonly backend: "webgpu";
  readonly words: GpuTensor;
}

/** Slot words for these settings and seed (seeds fold their high bits in, as seededRandom does). */
export function samplerWords(temperature: number, topK: number, topP: number, seed: number): Uint32Array {
  const words = new ArrayBuffer(16);
  new Float32Array(words, 0, 3).set([temperature, topK, topP]);
  new Uint32Array(words, 12, 1)[0] = (seed % 2 ** 32 ^ Math.floor(seed / 2 ** 32)) >>> 0;
  return new Uint32Array(words);
}

/**
 * Draws the next token from logits [1, v] with the slot's settings (kernels/sampling/sampling.wgsl, sample),
 * writing its id (−1 when no token can be drawn) into token [1] and ln p(token) at temperature 1 into logprob [1].
 */
export function sample(gpu: GpuContext, logits: GpuTensor, slot: GpuSamplerSlot, token: GpuTensor, logprob: GpuTensor): void {
  const [rows, v] = dimsOf("sample", "logits", logits, 2) as [number, number];
  if (rows !== 1) throw new ShapeError(`sample: logits must be one row, got [${logits.shape}]`);
  expectGpuShape("sample", "token", token, [1]);
  expectGpuShape("sample", "logprob", logprob, [1]);
  gpu.dispatch(gpu.kernel("sampling", "sample"), [logits, slot.words, token, logprob], [v, 1, 0, 0], [1]);
}

/** ln softmax(logits[i])[targets[i]] for every row (kernels/sampling, token_logprobs): logits [n, v], targets [n] → [n]. */
export function tokenLogprobs(gpu: GpuContext, logits: GpuTensor, targets: GpuTensor): GpuTensor {
  const [n, v] = dimsOf("tokenLogprobs", "logits", logits, 2) as [number, number];
  expectGpuShape("tokenLogprobs", "targets", targets, [n]);
  const y = gpu.output([n]);
  gpu.dispatch(gpu.kernel("sampling", "token_logprobs"), [logits, targets, y, null], [v, n, 0, 0], gpu.grid(n));
  return y;
}
