import type { CausalLM } from "../../../src/engine/models/causal-lm.ts";

/** ‖a − b‖ / ‖b‖; arrays of different lengths never agree. */
export function relErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Infinity;
  let num = 0;
  let den = 0;
  for (let i = 0; i < a.length; i++) {
    num += (a[i]! - b[i]!) ** 2;
    den += b[i]! ** 2;
  }
  return Math.sqrt(num / Math.max(den, 1e-30));
}

/** Logits of every position [n, vocab] from one forward on a fresh state. */
export async function allLogits(model: CausalLM, ids: readonly number[]): Promise<Float32Array> {
  return model.ops.read(model.forward(ids, model.newState(ids.length), { allLogits: true }));
}

/** Greedy tokens: prefill, then `steps` device decode steps. */
export async function greedy(model: CausalLM, prompt: readonly number[], steps: number): Promise<number[]> {
  const state = model.newState(prompt.length + steps + 1);
  model.ops.configureSampler(state.next.sampler, { temperature: 0 });
  model.sample(model.forward(prompt, state), state);
  const out: number[] = [];
  for (let i = 0; i < steps; i++) {
    out.push((await model.ops.read(state.next.token))[0]!);
    model.step(state);
  }
  out.push((await model.ops.read(state.next.token))[0]!);
  return out;
}
