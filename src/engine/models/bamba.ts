/**
 * BambaForCausalLM: Mamba-2 layers with attention layers at attn_layer_indices; every layer is
 * x + mixer(rmsnorm(x)), then x + mlp(rmsnorm(x)); final rmsnorm → LM head. Attention uses (partial) RoPE.
 * Mirrors HF transformers modeling_bamba.py (BambaDecoderLayer, BambaMixer.torch_forward, BambaAttention):
 * https://github.com/huggingface/transformers/blob/main/src/transformers/models/bamba/modeling_bamba.py
 *
 * Glossary:
 *   n  tokens in this call    V  vocabulary          D  d_model (hidden_size)     L  layers
 *   H  SSM heads              P  SSM head dim        N  d_state                   G  B/C groups
 *   Q  query heads            K  key/value heads     S  attention head dim        F  intermediate_size
 */
import type { Ops } from "../ops.ts";
import { loadAttention, type AttentionConfig } from "./attention.ts";
import { readAttentionShape } from "./attention-config.ts";
import type { CausalLM, WeightStore } from "./causal-lm.ts";
import { ConfigReader } from "./config-reader.ts";
import { buildCausalLM } from "./decoder-stack.ts";
import { readMamba2Mixer } from "./mamba2-config.ts";
import { loadMamba2Mixer } from "./mamba2-mixer.ts";
import { loadMlp } from "./mlp.ts";
import { readRope } from "./rope.ts";
import { readSiluAct, readStackSizes } from "./stack-config.ts";
import { loadStackWeights } from "./stack-weights.ts";

/** A Bamba model from its config.json object and weights. */
export function createBamba(raw: Record<string, unknown>, store: WeightStore, ops: Ops): CausalLM {
  const arch = "BambaForCausalLM";
  const cfg = new ConfigReader(raw, arch);
  const sizes = readStackSizes(cfg);
  const { dModel: D, layers: L } = sizes;
  const F = cfg.int("intermediate_size");
  const eps = cfg.number("rms_norm_eps", { above: 0 });
  const attnLayers = new Set(cfg.numberList("attn_layer_indices", []));
  for (const i of attnLayers) {
    if (!Number.isInteger(i) || i < 0 || i >= L) cfg.fail("attn_layer_indices", `holds ${i}, outside layers 0…${L - 1}`);
  }
  const mixer = readMamba2Mixer(cfg, D, eps, {
    heads: "mamba_n_heads", headDim: "mamba_d_head", groups: "mamba_n_groups", state: "mamba_d_state",
    expand: "mamba_expand", conv: "mamba_d_conv", convBias: "mamba_conv_bias", projBias: "mamba_proj_bias",
  });
  const shape = readAttentionShape(cfg, D);
  // HF's BambaConfig fixes partial_rotary_factor at 0.5 when config.json does not state it
  const rope = readRope(cfg, shape.headDim, 0.5);
  const attn: AttentionConfig = { dModel: D, ...shape, bias: cfg.bool("attention_bias", false), rope };
  const rotaryDim = 2 * rope.invFreq.shape[0]!;
  if (cfg.has("attn_rotary_emb") && cfg.int("attn_rotary_emb") !== rotaryDim) {
    cfg.fail("attn_rotary_emb", `(${cfg.int("attn_rotary_emb")}) disagrees with the rotary dim ${rotaryDim} from partial_rotary_factor`);
  }
  cfg.ignore("attn_rotary_emb");
  const mlpBias = cfg.bool("mlp_bias", false);
  const context = cfg.int("max_position_embeddings");
  const tied = cfg.bool("tie_word_embeddings", false);
  readSiluAct(cfg);
  cfg.ignore("mamba_chunk_size", "attention_dropout", "z_loss_coefficient");
  cfg.finish();

  const weights = loadStackWeights(store, ops, arch, { ...sizes, tied }, {
    embed: "model.embed_tokens.weight",
    layers: "model.layers.",
    layer: (load, p, i) => ({
      mixerNorm: load.take(`${p}input_layernorm.weight`, [D]),
      mixer: attnLayers.has(i)
        ? loadAttention(ops, load, `${p}self_attn.`, attn)
        : loadMamba2Mixer(ops, load, `${p}mamba.`, mixer),
      ffn: {
        norm: load.take(`${p}pre_ff_layernorm.weight`, [D]),
        block: loadMlp(ops, load, `${p}feed_forward.`, D, F, mlpBias),
      },
    }),
    finalNorm: "model.final_layernorm.weight",
  });

  return buildCausalLM({
    architecture: arch,
    family: attnLayers.size === 0 ? "ssm" : "hybrid",
    facts: {
      params: weights.params, layers: L, attentionLayers: attnLayers.size, dModel: D,
      dInner: mixer.nHeads * mixer.headDim, dState: mixer.dState,
      kvHeads: attnLayers.size ? shape.kvHeads : 0, headDim: attnLayers.size ? shape.headDim : 0,
      contextLength: context, vocabSize: sizes.vocab,
    },
    ops,
    weights,
    normEps: eps,
  });
}
