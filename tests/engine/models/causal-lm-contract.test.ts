import { describe, expect, it } from "vitest";
import type { CpuKvCache } from "../../../src/engine/backends/cpu/attention.ts";
import { cpuOps } from "../../../src/engine/backends/cpu/index.ts";
import type { CausalLM, ModelState, WeightStore } from "../../../src/engine/models/causal-lm.ts";
import { PREFILL_SLICE } from "../../../src/engine/models/decoder-stack.ts";
import { createModel } from "../../../src/engine/models/registry.ts";
import { numel, storedF32, tensor, type Tensor } from "../../../src/engine/tensor.ts";
import { readFixture } from "./read-fixture.ts";

describe("CausalLM facts and forward contract", () => {
  const paramsOf = (store: WeightStore, skip: string[] = []) =>
    store.names().filter((n) => !skip.includes(n)).reduce((s, n) => s + numel(store.get(n).shape), 0);

  it.each([
    ["mamba", "ssm", { layers: 2, attentionLayers: 0, dModel: 64, dInner: 128, dState: 16, kvHeads: 0, headDim: 0, vocabSize: 320 }],
    ["mamba2", "ssm", { layers: 2, attentionLayers: 0, dModel: 64, dInner: 128, dState: 16, kvHeads: 0, headDim: 0, vocabSize: 320 }],
    ["llama", "transformer", { layers: 2, attentionLayers: 2, dModel: 64, dInner: 0, dState: 0, kvHeads: 2, headDim: 8, contextLength: 256 }],
    ["bamba", "hybrid", { layers: 4, attentionLayers: 2, dInner: 128, dState: 16, kvHeads: 2, headDim: 16, contextLength: 256 }],
    ["jamba", "hybrid", { layers: 4, attentionLayers: 1, dInner: 128, dState: 16, kvHeads: 2, headDim: 16, contextLength: 256 }],
  ] as const)("%s reports family %s and its card facts", async (name, family, facts) => {
    const { config, tensors } = await readFixture(name);
    const model = createModel({ config, tensors }, cpuOps);
    expect(model.family).toBe(family);
    expect(model.facts).toMatchObject(facts);
    expect(model.facts.params).toBe(paramsOf(tensors));
  });

  it("keeps SSM state constant in size while the KV cache grows", async () => {
    const { config, tensors, reference } = await readFixture("jamba");
    const model = createModel({ config, tensors }, cpuOps);
    const state = model.newState(64);
    model.forward(reference.input_ids.slice(0, 5), state);
    // SSM layers: the elements of conv and ssm state; attention layers: the KV rows written so far (a CPU cache
    // allocates rows ahead, so count the rows holding keys and values)
    const written = (kv: CpuKvCache) => {
      const width = kv.kvHeads * kv.headDim;
      let rows = 0;
      while (rows < kv.keys.shape[0]! && kv.keys.data.subarray(rows * width, (rows + 1) * width).some((v) => v !== 0)) rows++;
      return rows;
    };
    const sizes = () => state.layers.map((l) => (l.kind === "ssm" ? numel(l.conv.shape) + numel(l.ssm.shape) : written(l.kv as CpuKvCache)));
    const before = sizes();
    expect(before.filter((_, i) => state.layers[i]!.kind === "attention")).toEqual([5]);
    model.forward(reference.input_ids.slice(5, 9), state);
    expect(sizes()).toEqual(before.map((s, i) => (state.layers[i]!.kind === "attention" ? s + 4 : s)));
    expect(state.length).toBe(9);
    expect(Array.from(await model.ops.read(state.position))).toEqual([9]);
    // past its first rows the cache grows (doubling) but never beyond the state's capacity; ids from 1 up, as
    // the pad token 0 embeds to zeros (so would its keys)
    const ids = Array.from({ length: 40 }, (_, i) => ((i * 31) % 319) + 1);
    model.forward(ids, state);
    for (const l of state.layers) {
      if (l.kind === "ssm") continue;
      const kv = l.kv as CpuKvCache;
      expect(kv.capacity).toBe(64);
      expect(written(kv)).toBe(49);
      expect(kv.keys.shape[0]).toBeGreaterThanOrEqual(49);
      expect(kv.keys.shape[0]).toBeLessThanOrEqual(64);
    }
    expect(sizes().filter((_, i) => state.layers[i]!.kind === "ssm")).toEqual(before.filter((_, i) => state.layers[i]!.kind === "ssm"));
    expect(state.length).toBe(49);
  });

  it("rejects token ids outside the vocabulary, empty input and a state of another model", async () => {
    const { config, tensors } = await readFixture("llama");
    const model = createModel({ config, tensors }, cpuOps);
    const state = model.newState();
    expect(() => model.forward([1, 320], state)).toThrow(/token id 320 is outside \[0, 320\)/);
    expect(state.length).toBe(0);
    expect(() => model.forward([], model.newState())).toThrow(/no tokens/);
    const bamba = await readFixture("bamba");
    const other = createModel({ config: bamba.config, tensors: bamba.tensors }, cpuOps);
    expect(() => model.forward([1], other.newState())).toThrow(/state was made by another model/);
  });
});

describe("long inputs run in slices of PREFILL_SLICE tokens", () => {
  it("give the same logits as shorter calls carrying the state", async () => {
    const { config, tensors } = await readFixture("jamba");
    const model = createModel({ config, tensors }, cpuOps);
    const ids = Array.from({ length: PREFILL_SLICE + 37 }, (_, i) => (i * 7919) % 320);
    // allLogits takes at most PREFILL_SLICE tokens a call: the longest calls it allows, then other cuts
    // the state holds all of them, past the fixture's 256-token context (a default state's capacity)
    const logitsOver = async (cuts: number[]) => {
      const state = model.newState(ids.length);
      const parts = new Float32Array(ids.length * 320);
      for (let c = 0; c + 1 < cuts.length; c++) {
        const out = model.forward(ids.slice(cuts[c], cuts[c + 1]), state, { allLogits: true });
        expect(out.shape).toEqual([cuts[c + 1]! - cuts[c]!, 320]);
        parts.set(await model.ops.read(out), cuts[c]! * 320); // rows [cut, next cut) of [n, V]
      }
      return parts;
    };
    const whole = await logitsOver([0, PREFILL_SLICE, ids.length]);
    const joined = await logitsOver([0, 700, ids.length]);
    const diff = whole.reduce((m, v, i) => Math.max(m, Math.abs(v - joined[i]!)), 0);
    expect(diff).toBeLessThan(1e-4);
    // without allLogits one call takes the whole input, running it in slices inside
    const lastOnly = model.forward(ids, model.newState(ids.length));
    expect(lastOnly.shape).toEqual([1, 320]);
    const lastRow = joined.subarray(joined.length - 320);
    expect((await model.ops.read(lastOnly)).reduce((m, v, i) => Math.max(m, Math.abs(v - lastRow[i]!)), 0)).toBeLessThan(1e-5);
  });

  it("refuses allLogits over more than PREFILL_SLICE tokens before any work", async () => {
    const { config, tensors } = await readFixture("llama");
    const model = createModel({ config, tensors }, cpuOps);
    const state = model.newState(PREFILL_SLICE + 1);
    const ids = Array.from({ length: PREFILL_SLICE + 1 }, (_, i) => i % 320);
    expect(() => model.forward(ids, state, { allLogits: true })).toThrow(/allLogits takes at most 1024 tokens a call, got 1025/);
    expect(state.length).toBe(0);
    expect(Array.from(await model.ops.read(state.position))).toEqual([0]);
  });
});

/** Greedy tokens read from forward's logits, feeding each one back through forward([next]). */
async function greedyByForward(model: CausalLM, prompt: number[], steps: number, state: ModelState): Promise<number[]> {
  const argmax = async (logits: Tensor) => {
    const row = await model.ops.read(logits);
    return row.indexOf(Math.max(...row));
  };
  let next = await argmax(model.forward(prompt, state));
  const out = [next];
  while (out.length < steps) {
    next = await argmax(model.forward([next], state));
    out.push(next);
  }
  return out;
}

describe("decode steps on the device", () => {
  it.each(["mamba", "mamba2", "llama", "bamba", "jamba"])("%s: step() after forward gives the greedy tokens of forward([next]) token by token", async (name) => {
    const { config, tensors, reference } = await readFixture(name);
    const model = createModel({ config, tensors }, cpuOps);
    const prompt = reference.input_ids.slice(0, 6);
    const steps = 12;
    const byForward = await greedyByForward(model, prompt, steps, model.newState());
    const state = model.newState();
    model.ops.configureSampler(state.next.sampler, { temperature: 0 });
    const logits = model.forward(prompt, state);
    model.sample(logits, state);
    const first = async (t: Tensor) => (await model.ops.read(t))[0]!;
    const bySteps = [await first(state.next.token)];
    const logprobs = [await first(state.next.logprob)];
    // the logprob sampled with the token is ln softmax(logits)[token]
    expect(logprobs[0]).toBe(await first(model.ops.tokenLogprobs(logits, model.ops.tokens(bySteps))));
    while (bySteps.length < steps) {
      model.step(state);
      bySteps.push(await first(state.next.token));
      logprobs.push(await first(state.next.logprob));
    }
    expect(bySteps).toEqual(byForward);
    expect(logprobs.every((lp) => lp <= 0 && Number.isFinite(lp))).toBe(true);
    expect(state.length).toBe(prompt.length + steps - 1);
    expect(Array.from(await model.ops.read(state.position))).toEqual([prompt.length + steps - 1]);
  });

  it("refuses to exceed the state's capacity with a RangeError before any work", async () => {
    const { config, tensors, reference } = await readFixture("jamba");
    const model = createModel({ config, tensors }, cpuOps);
    expect(() => model.newState(0)).toThrow(RangeError);
    expect(() => model.newState(2.5)).toThrow(RangeError);
    expect(model.newState().capacity).toBe(model.facts.contextLength);
    const state = model.newState(8);
    expect(state.capacity).toBe(8);
    expect(() => model.forward(reference.input_ids.slice(0, 9), state)).toThrow(/9 tokens exceed the state's capacity of 8/);
    expect(() => model.forward(reference.input_ids.slice(0, 9), state)).toThrow(RangeError);
    expect(state.length).toBe(0);
    expect(Array.from(await model.ops.read(state.position))).toEqual([0]);
    const ssm = state.layers.find((l) => l.kind === "ssm")!;
    expect(ssm.kind === "ssm" && (await model.ops.read(ssm.ssm)).every((v) => v === 0)).toBe(true);

    model.ops.configureSampler(state.next.sampler, { temperature: 0 });
    model.sample(model.forward(reference.input_ids.slice(0, 7), state), state);
    model.step(state); // the 8th token: the state is full
    expect(state.length).toBe(8);
    const read = async (t: Tensor) => Array.from(await model.ops.read(t));
    const snapshot = async () => ({
      token: await read(state.next.token),
      position: await read(state.position),
      layers: await Promise.all(
        state.layers.map(async (l) => (l.kind === "ssm" ? [...(await read(l.conv)), ...(await read(l.ssm))] : [...(l.kv as CpuKvCache).keys.data])),
      ),
    });
    const before = await snapshot();
    expect(() => model.step(state)).toThrow(/9 tokens exceed the state's capacity of 8/);
    expect(() => model.forward([1], state)).toThrow(RangeError);
    expect(state.length).toBe(8);
    expect(await snapshot()).toEqual(before);
  });
});

describe("optional biases named by config flags", () => {
  it("loads q/k/v/o and MLP biases when attention_bias and mlp_bias are set, and uses them", async () => {
    const { config, tensors, reference } = await readFixture("llama");
    const biasShapes: Record<string, number[]> = {};
    for (let i = 0; i < 2; i++) {
      const p = `model.layers.${i}.`;
      Object.assign(biasShapes, {
        [`${p}self_attn.q_proj.bias`]: [64], [`${p}self_attn.k_proj.bias`]: [16], [`${p}self_attn.v_proj.bias`]: [16],
        [`${p}self_attn.o_proj.bias`]: [64], [`${p}mlp.gate_proj.bias`]: [128], [`${p}mlp.up_proj.bias`]: [128],
        [`${p}mlp.down_proj.bias`]: [64],
      });
    }
    const withBiases = (value: number): WeightStore => ({
      names: () => [...tensors.names(), ...Object.keys(biasShapes)],
      has: (n) => n in biasShapes || tensors.has(n),
      get: (n, shape) => (n in biasShapes ? tensor(biasShapes[n]!, new Float32Array(numel(biasShapes[n]!)).fill(value)) : tensors.get(n, shape)),
      getStored(n, shape) {
        return n in biasShapes ? storedF32(this.get(n, shape)) : tensors.getStored(n, shape);
      },
    });
    const biased = { ...config, attention_bias: true, mlp_bias: true };
    const logits = async (store: WeightStore, cfg: Record<string, unknown>) => {
      const m = createModel({ config: cfg, tensors: store }, cpuOps);
      return Array.from(await m.ops.read(m.forward(reference.input_ids, m.newState())));
    };
    const plain = await logits(tensors, config);
    expect(await logits(withBiases(0), biased)).toEqual(plain);
    expect(await logits(withBiases(0.1), biased)).not.toEqual(plain);
    await expect(logits(tensors, biased)).rejects.toThrow(/missing tensor "model\.layers\.0\.self_attn\.q_proj\.bias"/);
  });
});
