import type { CausalLM } from "./models/causal-lm.ts";

/** Prefill and decode speed of one model at one prompt length. */
export interface Throughput {
  prefillTokPerS: number;
  decodeTokPerS: number;
  /** median time of one decode step, robust to a step that shared the CPU with other work */
  decodeMsPerTok: number;
}

function median(xs: readonly number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

/** The same ids for every model and run: a fixed LCG over the vocabulary. */
export function benchmarkPromptIds(n: number, vocab: number): number[] {
  let s = 12345;
  return Array.from({ length: n }, () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s % vocab;
  });
}

/**
 * Times one prefill of `promptTokens` fixed pseudo-random ids (through the first sampled token), then
 * `decodeSteps` greedy decode steps, each read back as the tier's generate loop does, on a fresh state. What the
 * tier reports as a card's calibration and the throughput bench tabulates.
 * @example
 *   const { decodeTokPerS } = await measureThroughput(model, 1024, 32);
 */
export async function measureThroughput(model: CausalLM, promptTokens: number, decodeSteps: number): Promise<Throughput> {
  if (!(promptTokens >= 1 && decodeSteps >= 1)) throw new RangeError("measureThroughput needs at least one prompt token and one decode step");
  const { ops } = model;
  const state = model.newState(promptTokens + decodeSteps);
  ops.configureSampler(state.next.sampler, { temperature: 0 });
  const ids = benchmarkPromptIds(promptTokens, model.facts.vocabSize);
  const t0 = performance.now();
  model.sample(model.forward(ids, state), state);
  await ops.read(state.next.token);
  const prefillMs = performance.now() - t0;
  const steps: number[] = [];
  for (let i = 0; i < decodeSteps; i++) {
    const t = performance.now();
    model.step(state);
    await ops.read(state.next.token);
    steps.push(performance.now() - t);
  }
  // A step under the timer's resolution reads 0 ms; floor it so the rate stays finite.
  const decodeMsPerTok = Math.max(median(steps), 1e-3);
  return { prefillTokPerS: (promptTokens / Math.max(prefillMs, 1e-3)) * 1000, decodeTokPerS: 1000 / decodeMsPerTok, decodeMsPerTok };
}
