import { DecodeBatches } from "./decode-batches.ts";
import type { CausalLM } from "./models/causal-lm.ts";

/** Prefill and decode speed of one model at one prompt length. */
export interface Throughput {
  prefillTokPerS: number;
  decodeTokPerS: number;
  /**
   * median over read batches of a batch's time per token (one token a batch where the backend reads every
   * step), robust to a batch that shared the CPU with other work
   */
  decodeMsPerTok: number;
}

function median(xs: readonly number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

/** The same ids for every model and run, and the ones bench/gpu/hf_bench.py scores: a fixed LCG over the vocabulary. */
export function benchmarkPromptIds(n: number, vocab: number): number[] {
  let s = 12345;
  return Array.from({ length: n }, () => {
    // the LCG mod 2³¹ in exact integers, as Python computes it (bench/gpu/hf_bench.py): Math.imul keeps the low
    // 32 bits of the product, where a double product of up to 2⁶¹ would have lost them
    s = (Math.imul(s, 1103515245) + 12345) & 0x7fffffff;
    return s % vocab;
  });
}

/** Options of measureThroughput. */
export interface MeasureOptions {
  /** decode steps between two reads (default: the backend's Ops.stepsPerRead), as GenerateOptions has it */
  stepsPerRead?: number;
}

/**
 * Times one prefill of `promptTokens` fixed pseudo-random ids (through the read of the first sampled token),
 * then `decodeSteps` greedy decode steps read back as the tier's generate loop reads them (DecodeBatches: k
 * steps per read), on a fresh state; a batch's time divided by its tokens is the per-token time. What the tier
 * reports as a card's calibration and the throughput bench tabulates.
 * @example
 *   const { decodeTokPerS } = await measureThroughput(model, 1024, 32);
 */
export async function measureThroughput(model: CausalLM, promptTokens: number, decodeSteps: number, opts: MeasureOptions = {}): Promise<Throughput> {
  if (!(promptTokens >= 1 && decodeSteps >= 1)) throw new RangeError("measureThroughput needs at least one prompt token and one decode step");
  const state = model.newState(promptTokens + decodeSteps);
  model.ops.configureSampler(state.next.sampler, { temperature: 0 });
  const ids = benchmarkPromptIds(promptTokens, model.facts.vocabSize);
  const t0 = performance.now();
  model.sample(model.forward(ids, state), state);
  const batches = new DecodeBatches(model, state, opts.stepsPerRead);
  await batches.next(1);
  const prefillMs = performance.now() - t0;
  const perToken: number[] = [];
  for (let left = decodeSteps; left > 0; ) {
    const t = performance.now();
    const { length } = await batches.next(left);
    perToken.push((performance.now() - t) / length);
    left -= length;
  }
  // A step under the timer's resolution reads 0 ms; floor it so the rate stays finite.
  const decodeMsPerTok = Math.max(median(perToken), 1e-3);
  return { prefillTokPerS: (promptTokens / Math.max(prefillMs, 1e-3)) * 1000, decodeTokPerS: 1000 / decodeMsPerTok, decodeMsPerTok };
}
