/**
 * LlamaForCausalLM: embedding → L × (x + attn(rmsnorm(x)); x + mlp(rmsnorm(x))) → rmsnorm → LM head.
 * Grouped-query attention, RoPE (default / linear / llama3 scaling; partial_rotary_factor has no effect, as in HF).
 * Mirrors HF transformers modeling_llama.py and modeling_rope_utils.py:
 * https://github.com/huggingface/transformers/blob/main/src/transformers/models/llama/modeling_llama.py
 *
 * Glossary:
 *   n  tokens in this call    V  vocabulary      D  d_model (hidden_size)    L  layers
 *   Q  query heads            K  key/value heads S  head dim                 F  intermediate_size
 */
import type { Ops } from "../ops.ts";
import { loadAttention, type AttentionConfig } from "./attention.ts";
import { readAttentionShape } from "./attention-config.ts";
import type { CausalLM, WeightStore } from "./causal-lm.ts";
import { ConfigReader } from "./config-reader.ts";
import { buildCausalLM } from "./decoder-stack.ts";
import { loadMlp } from "./mlp.ts";
import { readRope } from "./rope.ts";
import { readSiluAct, readStackSizes } from "./stack-config.ts";
import { loadStackWeights } from "./stack-weights.ts";

/** A Llama model from its config.json object and weights. */
export function createLlama(raw: Record<string, unknown>, store: WeightStore, ops: Ops): CausalLM {
  const arch = "LlamaForCausalLM";
  const cfg = new ConfigReader(raw, arch);
  const sizes = readStackSizes(cfg);
  const { dModel: D, layers: L } = sizes;
  const F = cfg.int("intermediate_size");
  const shape = readAttentionShape(cfg, D);
  const attn: AttentionConfig = {
    dModel: D,
    ...shape,
    bias: cfg.bool("attention_bias", false),
    // HF's Llama rotates the whole head even when config.json sets partial_rotary_factor (checked against
    // transformers 5.17 reference logits), so the factor is accepted and left without effect here.
    rope: readRope(cfg, shape.headDim, null),
  };
  const mlpBias = cfg.bool("mlp_bias", false);
  const eps = cfg.number("rms_norm_eps", { above: 0 });
  const context = cfg.int("max_position_embeddings");
  const tied = cfg.bool("tie_word_embeddings", false);
  readSiluAct(cfg);
  cfg.expect("rope_interleaved", false);
  cfg.ignore("attention_dropout", "is_llama_config");
  cfg.finish();

  const weights = loadStackWeights(store, ops, arch, { ...sizes, tied }, {
    embed: "model.embed_tokens.weight",
    layers: "model.layers.",
    layer: (load, p) => ({
      mixerNorm: load.take(`${p}input_layernorm.weight`, [D]),
      mixer: loadAttention(ops, load, `${p}self_attn.`, attn),
      ffn: {
        norm: load.take(`${p}post_attention_layernorm.weight`, [D]),
        block: loadMlp(ops, load, `${p}mlp.`, D, F, mlpBias),
      },
    }),
    finalNorm: "model.norm.weight",
  });

  return buildCausalLM({
    architecture: arch,
    family: "transformer",
    facts: {
      params: weights.params, layers: L, attentionLayers: L, dModel: D, dInner: 0, dState: 0,
      kvHeads: shape.kvHeads, headDim: shape.headDim, contextLength: context, vocabSize: sizes.vocab,
    },
    ops,
    weights,
    normEps: eps,
  });
}
