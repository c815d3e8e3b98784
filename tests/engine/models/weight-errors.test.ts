import { describe, expect, it } from "vitest";
import { cpuOps } from "../../../src/engine/backends/cpu/index.ts";
import type { WeightStore } from "../../../src/engine/models/causal-lm.ts";
import { createModel } from "../../../src/engine/models/registry.ts";
import { storedF32, tensor, type HostTensor } from "../../../src/engine/tensor.ts";
import { readFixture } from "./read-fixture.ts";

/** A store over the fixture's tensors with some dropped, replaced or added. */
function edited(store: WeightStore, edit: { drop?: string[]; put?: Record<string, HostTensor> }): WeightStore {
  const names = store.names().filter((n) => !edit.drop?.includes(n)).concat(Object.keys(edit.put ?? {}));
  return {
    names: () => [...new Set(names)],
    has: (n) => names.includes(n),
    get: (n) => edit.put?.[n] ?? store.get(n),
    getStored: (n) => {
      const put = edit.put?.[n];
      return put ? storedF32(put) : store.getStored(n);
    },
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
    const logitsB = Array.from(await b.ops.read(b.forward(reference.input_ids, b.newState())));
    const logitsA = Array.from(await a.ops.read(a.forward(reference.input_ids, a.newState())));
    expect(logitsB).toEqual(logitsA);
  });
});

describe("fused projections (q‖k‖v, gate‖up stacked by rows at load)", () => {
  it("names the tensor whose dtype differs from the others it is stacked with", async () => {
    const { config, tensors } = await readFixture("llama");
    const name = "model.layers.0.self_attn.v_proj.weight";
    const store: WeightStore = {
      ...tensors,
      getStored: (n, expect) => {
        const t = tensors.getStored(n, expect);
        return n === name ? { shape: t.shape, dtype: "BF16", values: new Uint16Array(t.values.length) } : t;
      },
    };
    expect(() => createModel({ config, tensors: store }, cpuOps)).toThrow(/"model\.layers\.0\.self_attn\.q_proj\.weight" and "model\.layers\.0\.self_attn\.v_proj\.weight" differ in dtype \(F32, BF16\)/);
  });
});
