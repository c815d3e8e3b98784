import type { SamplerSlot } from "../../ops.ts";
import { createSampler, type SamplerOptions } from "../../sampling.ts";
import type { HostTensor } from "../../tensor.ts";
import { logSoftmaxAt } from "./logprobs.ts";
import { dims2, ShapeError } from "../../shape-check.ts";

/** The CPU's sampler slot: the host sampler its settings make. */
export interface CpuSamplerSlot extends SamplerSlot {
  draw: ((logits: Float32Array) => number) | null;
}

export function newSampler(): CpuSamplerSlot {
  return { backend: "cpu", draw: null };
}

export function configureSampler(slot: CpuSamplerSlot, opts: SamplerOptions): void {
  slot.draw = createSampler(opts);
}

/** Draws from logits [1, v] into token [1], with ln p(token) at temperature 1 into logprob [1]. */
export function sample(logits: HostTensor, slot: CpuSamplerSlot, token: HostTensor, logprob: HostTensor): void {
  const [rows, v] = dims2("sample", "logits", logits);
  if (rows !== 1) throw new ShapeError(`sample: logits must be one row, got [${logits.shape}]`);
  if (!slot.draw) throw new RangeError("sample: the sampler slot is not configured");
  const id = slot.draw(logits.data);
  token.data[0] = id;
  logprob.data[0] = logSoftmaxAt(logits.data, 0, v, id);
}
