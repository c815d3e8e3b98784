import { describe, expect, it } from "vitest";
import { cpuOps } from "../../../src/engine/backends/cpu/index.ts";
import type { WeightStore } from "../../../src/engine/models/causal-lm.ts";
import { PREFILL_SLICE } from "../../../src/engine/models/decoder-stack.ts";
import { createModel } from "../../../src/engine/models/registry.ts";
import { numel, tensor } from "../../../src/engine/tensor.ts";
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
    const state = model.newState();
    model.forward(reference.input_ids.slice(0, 5), state);
    const sizes = () => state.layers.map((l) => (l.kind === "ssm" ? l.conv.data.length + l.ssm.data.length : l.kv.length));
    const before = sizes();
    model.forward(reference.input_ids.slice(5, 9), state);
    expect(sizes()).toEqual(before.map((s, i) => (state.layers[i]!.kind === "attention" ? s + 4 : s)));
    expect(state.length).toBe(9);
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
    const whole = model.forward(ids, model.newState(), { allLogits: true });
    const state = model.newState();
    const first = model.forward(ids.slice(0, 700), state, { allLogits: true });
    const rest = model.forward(ids.slice(700), state, { allLogits: true });
    const joined = new Float32Array([...first.data, ...rest.data]);
    const diff = whole.data.reduce((m, v, i) => Math.max(m, Math.abs(v - joined[i]!)), 0);
    expect(diff).toBeLessThan(1e-4);
    const lastOnly = model.forward(ids, model.newState());
    const lastRow = whole.data.subarray(whole.data.length - 320);
    expect(lastOnly.data.reduce((m, v, i) => Math.max(m, Math.abs(v - lastRow[i]!)), 0)).toBeLessThan(1e-5);
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
    });
    const biased = { ...config, attention_bias: true, mlp_bias: true };
    const logits = (store: WeightStore, cfg: Record<string, unknown>) => {
      const m = createModel({ config: cfg, tensors: store }, cpuOps);
      return Array.from(m.forward(reference.input_ids, m.newState()).data);
    };
    const plain = logits(tensors, config);
    expect(logits(withBiases(0), biased)).toEqual(plain);
    expect(logits(withBiases(0.1), biased)).not.toEqual(plain);
    expect(() => logits(tensors, biased)).toThrow(/missing tensor "model\.layers\.0\.self_attn\.q_proj\.bias"/);
  });
});
