import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cpuOps } from "../../src/engine/backends/cpu/index.ts";
import { loadCheckpoint } from "../../src/engine/checkpoint/load-checkpoint.ts";
import { DecodeBatches } from "../../src/engine/decode-batches.ts";
import type { CausalLM } from "../../src/engine/models/causal-lm.ts";
import { createModel } from "../../src/engine/models/registry.ts";

const model = async () => createModel(await loadCheckpoint(join(import.meta.dirname, "../fixtures/reference/llama")), cpuOps);

/** A state with `prompt` prefilled and its first token sampled (greedy), holding `capacity` tokens. */
function prefilled(m: CausalLM, prompt: number[], capacity: number) {
  const state = m.newState(capacity);
  m.ops.configureSampler(state.next.sampler, { temperature: 0 });
  m.sample(m.forward(prompt, state), state);
  return state;
}

/** Greedy ids read one step at a time, as the loop did before batches. */
async function stepByStep(m: CausalLM, prompt: number[], count: number): Promise<number[]> {
  const state = prefilled(m, prompt, prompt.length + count);
  const out = [(await m.ops.read(state.next.token))[0]!];
  while (out.length < count) {
    m.step(state);
    out.push((await m.ops.read(state.next.token))[0]!);
  }
  return out;
}

describe("DecodeBatches", () => {
  it("reads prefill's token alone, then batches of k up to what is wanted, the ids a read per step gives", async () => {
    const m = await model();
    const state = prefilled(m, [1, 2, 3], 64);
    const batches = new DecodeBatches(m, state, 4);
    const sizes: number[] = [];
    const ids: number[] = [];
    for (let left = 11; left > 0; ) {
      const batch = await batches.next(left);
      sizes.push(batch.length);
      ids.push(...batch);
      left -= batch.length;
    }
    expect(sizes).toEqual([1, 4, 4, 2]);
    expect(ids).toEqual(await stepByStep(m, [1, 2, 3], 11));
    expect(state.length).toBe(3 + 10);
  });

  it("never steps past the state's capacity", async () => {
    const m = await model();
    const state = prefilled(m, [1, 2, 3], 6);
    const batches = new DecodeBatches(m, state, 8);
    await batches.next(8);
    expect((await batches.next(8)).length).toBe(3);
    expect(state.length).toBe(6);
  });

  it("takes the backend's stepsPerRead by default", async () => {
    const m = await model();
    expect(new DecodeBatches(m, prefilled(m, [1], 4)).stepsPerRead).toBe(cpuOps.stepsPerRead);
  });
});
