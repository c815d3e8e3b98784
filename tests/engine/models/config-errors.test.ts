import { describe, expect, it } from "vitest";
import { cpuOps } from "../../../src/engine/backends/cpu/index.ts";
import { createModel, SUPPORTED_ARCHITECTURES } from "../../../src/engine/models/registry.ts";
import { readFixture } from "./read-fixture.ts";

/** The fixture's config with some keys replaced (undefined deletes), loaded against its real weights. */
async function loadWith(name: string, patch: Record<string, unknown>) {
  const { config, tensors } = await readFixture(name);
  const changed: Record<string, unknown> = { ...structuredClone(config), ...patch };
  for (const [k, v] of Object.entries(patch)) if (v === undefined) delete changed[k];
  return () => createModel({ config: changed, tensors }, cpuOps);
}

describe("createModel: architecture", () => {
  it("names config.json, the architecture and the supported ones for an unknown architecture", async () => {
    expect(await loadWith("llama", { architectures: ["GPT2LMHeadModel"] })).toThrow(
      /config\.json: architecture "GPT2LMHeadModel" is not supported; supported: MambaForCausalLM, Mamba2ForCausalLM, LlamaForCausalLM, BambaForCausalLM, JambaForCausalLM/,
    );
    expect(SUPPORTED_ARCHITECTURES).toHaveLength(5);
  });

  it("fails when architectures is missing", async () => {
    expect(await loadWith("llama", { architectures: undefined })).toThrow(/config\.json: "architectures" must be a list/);
  });
});

describe("createModel: odd config values name config.json and the key", () => {
  it.each([
    ["llama", { hidden_size: -64 }, /config\.json: "hidden_size" must be ≥ 1, got -64 \(LlamaForCausalLM\)/],
    ["llama", { num_hidden_layers: 1.5 }, /"num_hidden_layers" must be an integer/],
    ["llama", { vocab_size: "320" }, /"vocab_size" must be a number/],
    ["llama", { num_key_value_heads: 3 }, /"num_key_value_heads" \(3\) must divide num_attention_heads \(8\)/],
    ["llama", { head_dim: undefined, num_attention_heads: 6, num_key_value_heads: 3 }, /"num_attention_heads" \(6\) must divide hidden_size \(64\)/],
    ["llama", { rms_norm_eps: 0 }, /"rms_norm_eps" must be > 0/],
    ["llama", { hidden_act: "gelu" }, /"hidden_act" must be one of "silu", "swish", got "gelu"/],
    ["llama", { rope_parameters: { rope_type: "yarn", rope_theta: 10000, factor: 4 } }, /"rope_parameters\.rope_type" must be one of "default", "linear", "llama3", got "yarn"/],
    ["llama", { rope_parameters: { rope_type: "default", rope_theta: 10000, beta: 2 } }, /unknown key "rope_parameters\.beta"/],
    ["llama-rope-llama3", { rope_parameters: { rope_type: "llama3", rope_theta: 5e5, factor: 8, low_freq_factor: 4, high_freq_factor: 1, original_max_position_embeddings: 16 } }, /"rope_parameters\.high_freq_factor" must exceed low_freq_factor/],
    ["llama", { sliding_window: 4096 }, /unknown key "sliding_window" for LlamaForCausalLM/],
    ["llama", { rope_interleaved: true }, /"rope_interleaved" must be false/],
    ["bamba", { attn_rotary_emb: 16 }, /"attn_rotary_emb" \(16\) disagrees with the rotary dim 8/],
    ["mamba", { state_size: 0 }, /"state_size" must be ≥ 1, got 0 \(MambaForCausalLM\)/],
    ["mamba", { rms_norm: false }, /"rms_norm" must be true/],
    ["mamba2", { num_heads: 6 }, /"num_heads" × head_dim \(6·16\) must equal expand × hidden_size \(2·64\)/],
    ["mamba2", { n_groups: 3 }, /"n_groups" \(3\) must divide num_heads \(8\)/],
    ["mamba2", { time_step_limit: [1, 0] }, /"time_step_limit" must be \[low, high\]/],
    ["bamba", { attn_layer_indices: [1, 7] }, /"attn_layer_indices" holds 7, outside layers 0…3/],
    ["jamba", { attn_layer_offset: 4 }, /"attn_layer_offset" \(4\) must be below attn_layer_period \(4\)/],
    ["jamba", { num_experts_per_tok: 5 }, /"num_experts_per_tok" \(5\) exceeds num_experts \(4\)/],
    ["jamba", { sliding_window: 128 }, /"sliding_window" must be null/],
  ] as const)("%s with %j", async (name, patch, message) => {
    expect(await loadWith(name, patch)).toThrow(message);
  });

  it("reads the pre-5.0 rope layout (rope_theta + rope_scaling) the same as rope_parameters", async () => {
    const { config, tensors, reference } = await readFixture("llama-rope-llama3");
    const params = config.rope_parameters as Record<string, unknown>;
    const { rope_theta, ...scaling } = params;
    const legacy: Record<string, unknown> = { ...config, rope_theta, rope_scaling: scaling };
    delete legacy.rope_parameters;
    const current = createModel({ config, tensors }, cpuOps);
    const old = createModel({ config: legacy, tensors }, cpuOps);
    const logits = async (m: typeof old) => Array.from(await m.ops.read(m.forward(reference.input_ids, m.newState())));
    expect(await logits(old)).toEqual(await logits(current));
  });

  it("gives Bamba HF's fixed partial_rotary_factor 0.5 when config.json omits it", async () => {
    const { config, tensors, reference } = await readFixture("bamba");
    const bare: Record<string, unknown> = { ...config, rope_parameters: { rope_type: "default", rope_theta: 10000 }, attn_rotary_emb: 8 };
    delete bare.partial_rotary_factor;
    const logits = async (c: Record<string, unknown>) => {
      const m = createModel({ config: c, tensors }, cpuOps);
      return Array.from(await m.ops.read(m.forward(reference.input_ids, m.newState())));
    };
    expect(await logits(bare)).toEqual(await logits(config));
  });
});
