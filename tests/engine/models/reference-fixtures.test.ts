import { beforeAll, describe, expect, it } from "vitest";
import { cpuOps } from "../../../src/engine/backends/cpu/index.ts";
import type { CausalLM } from "../../../src/engine/models/causal-lm.ts";
import { createModel } from "../../../src/engine/models/registry.ts";
import { tensor, type HostTensor, type Tensor } from "../../../src/engine/tensor.ts";
import { readFixture } from "./read-fixture.ts";

// Tolerance as llm.c's validate_result: |ours − ref| ≤ ATOL + RTOL·|ref|. RTOL is the 1e-4 relative bound the
// issue asks for; ATOL = 1e-5 keeps logits near zero from failing on f32 rounding alone.
const RTOL = 1e-4;
const ATOL = 1e-5;

/** Worst ratio of |a − b| to its allowed tolerance (≤ 1 passes), over [n, V] logits and reference rows. */
function worstRatio(ours: HostTensor, ref: number[][]): number {
  const V = ours.shape[ours.shape.length - 1]!;
  let worst = 0;
  ref.forEach((row, i) =>
    row.forEach((b, j) => {
      worst = Math.max(worst, Math.abs(ours.data[i * V + j]! - b) / (ATOL + RTOL * Math.abs(b)));
    }),
  );
  return worst;
}

/** Mean negative log-likelihood of each next token under [n, V] logits. */
function meanNll(logits: HostTensor, ids: number[]): number {
  const V = logits.shape[1]!;
  let total = 0;
  for (let i = 0; i + 1 < ids.length; i++) {
    const row = logits.data.subarray(i * V, i * V + V);
    const max = row.reduce((m, v) => Math.max(m, v), -Infinity);
    const lse = max + Math.log(row.reduce((s, v) => s + Math.exp(v - max), 0));
    total += lse - row[ids[i + 1]!]!;
  }
  return total / (ids.length - 1);
}

function argmax(t: HostTensor): number {
  let best = 0;
  t.data.forEach((v, i) => {
    if (v > t.data[best]!) best = i;
  });
  return best;
}

/** The backend's tensor as a host tensor (values read back). */
async function host(model: CausalLM, t: Tensor): Promise<HostTensor> {
  return tensor(t.shape, await model.ops.read(t));
}

/** Greedy decoding through the incremental path: one prefill, then one token per forward call. */
async function greedy(model: CausalLM, prompt: number[], steps: number): Promise<number[]> {
  const state = model.newState();
  let next = argmax(await host(model, model.forward(prompt, state)));
  const out = [next];
  while (out.length < steps) {
    next = argmax(await host(model, model.forward([next], state)));
    out.push(next);
  }
  return out;
}

/** Greedy decoding as generate() runs it: prefill and sample, then device-resident step() calls. */
async function greedySteps(model: CausalLM, prompt: number[], steps: number): Promise<number[]> {
  const state = model.newState();
  model.ops.configureSampler(state.next.sampler, { temperature: 0 });
  model.sample(model.forward(prompt, state), state);
  const out = [(await model.ops.read(state.next.token))[0]!];
  while (out.length < steps) {
    model.step(state);
    out.push((await model.ops.read(state.next.token))[0]!);
  }
  expect(state.length).toBe(prompt.length + steps - 1);
  return out;
}

const FIXTURE_NAMES = [
  "mamba", "mamba2", "llama", "llama-f16", "llama-bf16", "llama-partial-rotary", "llama-rope-llama3", "bamba",
  "jamba", "jamba-sharded",
];

const fixtures = await Promise.all(FIXTURE_NAMES.map(async (name) => ({ name, ...(await readFixture(name)) })));

describe.each(fixtures)("reference fixture $name (HF transformers 5.17, fp32)", ({ config, tensors, reference }) => {
  const model = createModel({ config, tensors }, cpuOps);
  let prefill: HostTensor;
  beforeAll(async () => {
    prefill = await host(model, model.forward(reference.input_ids, model.newState(), { allLogits: true }));
  });

  it("matches the reference logits at every position within 1e-5 + 1e-4·|ref|", () => {
    expect(prefill.shape).toEqual([reference.input_ids.length, model.facts.vocabSize]);
    expect(worstRatio(prefill, reference.logits)).toBeLessThanOrEqual(1);
  });

  it("matches the reference mean NLL", () => {
    expect(Math.abs(meanNll(prefill, reference.input_ids) - reference.mean_nll)).toBeLessThan(1e-5);
  });

  it("produces the reference greedy continuation through incremental decode", async () => {
    expect(await greedy(model, reference.greedy.prompt_ids, reference.greedy.new_ids.length)).toEqual(reference.greedy.new_ids);
  });

  it("produces the reference greedy continuation through sample() and device-resident step()", async () => {
    expect(await greedySteps(model, reference.greedy.prompt_ids, reference.greedy.new_ids.length)).toEqual(reference.greedy.new_ids);
  });

  it("gives the same logits token by token as in one prefill", async () => {
    const state = model.newState();
    const stepwise: number[][] = [];
    for (const id of reference.input_ids) {
      const logits = model.forward([id], state);
      expect(logits.shape).toEqual([1, model.facts.vocabSize]);
      stepwise.push(Array.from(await model.ops.read(logits)));
    }
    expect(worstRatio(prefill, stepwise)).toBeLessThanOrEqual(1);
    expect(state.length).toBe(reference.input_ids.length);
  });

  it("gives the same logits when the prompt arrives in uneven chunks", async () => {
    const state = model.newState();
    const ids = reference.input_ids;
    const cuts = [0, 5, 6, 19, ids.length];
    const rows: number[][] = [];
    for (let c = 0; c + 1 < cuts.length; c++) {
      const part = await host(model, model.forward(ids.slice(cuts[c], cuts[c + 1]), state, { allLogits: true }));
      const V = part.shape[1]!;
      for (let i = 0; i < part.shape[0]!; i++) rows.push(Array.from(part.data.subarray(i * V, i * V + V)));
    }
    expect(worstRatio(prefill, rows)).toBeLessThanOrEqual(1);
  });
});
