import { describe, expect, it } from "vitest";
import { cpuOps } from "../../../src/engine/backends/cpu/index.ts";
import type { WeightStore } from "../../../src/engine/models/causal-lm.ts";
import { createModel } from "../../../src/engine/models/registry.ts";
import { numel, tensor, type Tensor } from "../../../src/engine/tensor.ts";
import { readFixture } from "./read-fixture.ts";

/** A store over the fixture's tensors with some dropped, replaced or added. */
function edited(store: WeightStore, edit: { drop?: string[]; put?: Record<string, Tensor> }): WeightStore {
  const names = store.names().filter((n) => !edit.drop?.includes(n)).concat(Object.keys(edit.put ?? {}));
  return {
    names: () => [...new Set(names)],
    has: (n) => names.includes(n),
    get: (n) => edit.put?.[n] ?? store.get(n),
  };
}

describe("createModel: weights through the explicit name map", () => {
  it("names a missing tensor", async () => {
    const { config, tensors } = await readFixture("mamba2");
    const store = edited(tensors, { drop: ["backbone.layers.1.mixer.dt_bias"] });
    expect(() => createModel({ config, tensors: store }, cpuOps)).toThrow(/missing tensor "backbone\.layers\.1\.mixer\.dt_bias" \(expected shape \[8\]\)/);
  });

  it("names a tensor whose shape does not match the config", async () => {
    const { config, tensors } = await readFixture("llama");
    const store = edited(tensors, { put: { "model.layers.0.self_attn.k_proj.weight": tensor([32, 64]) } });
    expect(() => createModel({ config, tensors: store }, cpuOps)).toThrow(/"model\.layers\.0\.self_attn\.k_proj\.weight" has shape \[32,64\], expected \[16,64\]/);
  });

  it("lists tensors the graph would leave unused", async () => {
    const { config, tensors } = await readFixture("jamba");
    const store = edited(tensors, { put: { "model.layers.2.self_attn.q_proj.bias": tensor([64]), "model.extra.weight": tensor([2]) } });
    expect(() => createModel({ config, tensors: store }, cpuOps)).toThrow(
      /checkpoint has 2 tensors the JambaForCausalLM graph does not use: "model\.layers\.2\.self_attn\.q_proj\.bias", "model\.extra\.weight"/,
    );
  });

  it("fails on a missing lm_head when embeddings are not tied", async () => {
    const { config, tensors } = await readFixture("llama");
    const store = edited(tensors, { drop: ["lm_head.weight"] });
    expect(() => createModel({ config, tensors: store }, cpuOps)).toThrow(/missing tensor "lm_head\.weight"/);
  });

  it("accepts HF's stored copy of a tied lm_head and still uses the embedding", async () => {
    const { config, tensors, reference } = await readFixture("mamba");
    const store = edited(tensors, { put: { "lm_head.weight": tensor([320, 64]) } });
    const a = createModel({ config, tensors }, cpuOps);
    const b = createModel({ config, tensors: store }, cpuOps);
    expect(Array.from(b.forward(reference.input_ids, b.newState()).data)).toEqual(Array.from(a.forward(reference.input_ids, a.newState()).data));
  });
});

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
    expect(() => model.forward([1, 320], model.newState())).toThrow(/token id 320 is outside \[0, 320\)/);
    expect(() => model.forward([], model.newState())).toThrow(/no tokens/);
    const bamba = await readFixture("bamba");
    const other = createModel({ config: bamba.config, tensors: bamba.tensors }, cpuOps);
    expect(() => model.forward([1], other.newState())).toThrow(/state was made by another model/);
  });
});
