import { DEMO_VOCAB_SIZE, type DemoTokenizer } from "./demo-tokenizer.ts";

/** One demo checkpoint: its directory name, the seed of its weights, and its config.json. */
export interface DemoSpec {
  name: "demo-mamba" | "demo-bamba" | "demo-llama";
  seed: number;
  config: Record<string, unknown>;
}

/**
 * The config format we write: every key transformers 5.17 writes for each config class (the release our reference
 * fixtures come from: tests/fixtures/reference/<arch>/config.json), with the values the demo picks. Sizes keep CPU
 * decoding fast: d_model 256, 4–6 layers, 512 tokens. Llama and Bamba allow 32k positions so benchmarks can run
 * 16k-token prompts; Mamba has no position limit.
 */
const TRANSFORMERS_VERSION = "5.17.0";

/** Config keys whose values transformers holds as Python floats (written 1.0, 1e-05, …). */
export const CONFIG_FLOAT_KEYS: ReadonlySet<string> = new Set([
  "attention_dropout", "initializer_range", "layer_norm_epsilon", "partial_rotary_factor", "rms_norm_eps", "rope_theta",
  "time_step_floor", "time_step_limit", "time_step_max", "time_step_min", "time_step_scale", "z_loss_coefficient",
]);
const CONTEXT = 32768;

function tokens(tok: DemoTokenizer) {
  return { bos_token_id: tok.bosId, eos_token_id: tok.eosId, pad_token_id: tok.eosId, vocab_size: DEMO_VOCAB_SIZE };
}

/** MambaForCausalLM (Mamba-1): 4 layers, d_inner 512, d_state 16, dt_rank 16, tied embeddings. */
function mamba(tok: DemoTokenizer): Record<string, unknown> {
  return {
    architectures: ["MambaForCausalLM"],
    ...tokens(tok),
    conv_kernel: 4,
    dtype: "float32",
    expand: 2,
    hidden_act: "silu",
    hidden_size: 256,
    initializer_range: 0.1,
    intermediate_size: 512,
    layer_norm_epsilon: 1e-5,
    model_type: "mamba",
    num_hidden_layers: 4,
    rescale_prenorm_residual: false,
    residual_in_fp32: true,
    state_size: 16,
    tie_word_embeddings: true,
    time_step_floor: 1e-4,
    time_step_init_scheme: "random",
    time_step_max: 0.1,
    time_step_min: 0.001,
    time_step_rank: 16,
    time_step_scale: 1.0,
    transformers_version: TRANSFORMERS_VERSION,
    use_associative_scan: true,
    use_bias: false,
    use_cache: true,
    use_conv_bias: true,
    use_mambapy: false,
  };
}

/** BambaForCausalLM: 6 layers, Mamba-2 mixers except attention at layers 2 and 5 (GQA 8/2, half rotary). */
function bamba(tok: DemoTokenizer): Record<string, unknown> {
  return {
    architectures: ["BambaForCausalLM"],
    ...tokens(tok),
    attention_bias: false,
    attention_dropout: 0.0,
    attn_layer_indices: [2, 5],
    dtype: "float32",
    hidden_act: "silu",
    hidden_size: 256,
    initializer_range: 0.02,
    intermediate_size: 512,
    mamba_chunk_size: 64,
    mamba_conv_bias: true,
    mamba_d_conv: 4,
    mamba_d_head: 64,
    mamba_d_state: 32,
    mamba_expand: 2,
    mamba_n_groups: 1,
    mamba_n_heads: 8,
    mamba_proj_bias: false,
    max_position_embeddings: CONTEXT,
    mlp_bias: false,
    model_type: "bamba",
    num_attention_heads: 8,
    num_hidden_layers: 6,
    num_key_value_heads: 2,
    num_logits_to_keep: 1,
    partial_rotary_factor: 0.5,
    rms_norm_eps: 1e-5,
    rope_parameters: { partial_rotary_factor: 0.5, rope_theta: 10000.0, rope_type: "default" },
    tie_word_embeddings: false,
    time_step_limit: [0.0, { __float__: "Infinity" }],
    transformers_version: TRANSFORMERS_VERSION,
    use_cache: true,
    z_loss_coefficient: 0.0,
  };
}

/** LlamaForCausalLM: 4 layers, GQA with 8 query and 2 key/value heads of 32, SwiGLU 704. */
function llama(tok: DemoTokenizer): Record<string, unknown> {
  return {
    architectures: ["LlamaForCausalLM"],
    ...tokens(tok),
    attention_bias: false,
    attention_dropout: 0.0,
    dtype: "float32",
    head_dim: 32,
    hidden_act: "silu",
    hidden_size: 256,
    initializer_range: 0.02,
    intermediate_size: 704,
    max_position_embeddings: CONTEXT,
    mlp_bias: false,
    model_type: "llama",
    num_attention_heads: 8,
    num_hidden_layers: 4,
    num_key_value_heads: 2,
    pretraining_tp: 1,
    rms_norm_eps: 1e-5,
    rope_parameters: { rope_theta: 10000.0, rope_type: "default" },
    tie_word_embeddings: false,
    transformers_version: TRANSFORMERS_VERSION,
    use_cache: true,
  };
}

/** The three demo checkpoints: an SSM, a hybrid and a Transformer. */
export function demoSpecs(tok: DemoTokenizer): DemoSpec[] {
  return [
    { name: "demo-mamba", seed: 1, config: mamba(tok) },
    { name: "demo-bamba", seed: 2, config: bamba(tok) },
    { name: "demo-llama", seed: 3, config: llama(tok) },
  ];
}

/** generation_config.json: stop at <|eos|> and at the end of a chat turn. */
export function demoGenerationConfig(tok: DemoTokenizer): Record<string, unknown> {
  return { bos_token_id: tok.bosId, eos_token_id: [tok.eosId, tok.imEndId], pad_token_id: tok.eosId, transformers_version: TRANSFORMERS_VERSION };
}
