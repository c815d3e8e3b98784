/**
 * JambaForCausalLM: Mamba-1 layers (with RMSNorm on Δ, B, C) and attention layers without positional encoding,
 * each followed by an MLP or a sparse MoE; every sub-block is x + f(rmsnorm(x)); final rmsnorm → LM head.
 * Layer i is attention when i % attn_layer_period = attn_layer_offset, and MoE when
 * i % expert_layer_period = expert_layer_offset (and num_experts > 1).
 * Mirrors HF transformers modular_jamba.py (JambaMambaMixer.slow_forward, JambaSparseMoeBlock, decoder layers):
 * https://github.com/huggingface/transformers/blob/main/src/transformers/models/jamba/modular_jamba.py
 *
 * Glossary:
 *   n  tokens in this call    V  vocabulary          D  d_model (hidden_size)     L  layers
 *   E  d_inner                N  d_state             R  dt_rank                   X  experts
 *   Q  query heads            K  key/value heads     S  attention head dim        F  intermediate_size
 */
import type { Ops } from "../ops.ts";
import { loadAttention, type AttentionConfig } from "./attention.ts";
import { readAttentionShape } from "./attention-config.ts";
import type { CausalLM, WeightStore } from "./causal-lm.ts";
import { ConfigReader } from "./config-reader.ts";
import { buildCausalLM } from "./decoder-stack.ts";
import { loadMambaMixer, type MambaMixerConfig } from "./mamba-mixer.ts";
import { loadMlp } from "./mlp.ts";
import { loadMoe } from "./moe.ts";
import { readSiluAct, readStackSizes } from "./stack-config.ts";
import { loadStackWeights } from "./stack-weights.ts";

/** A Jamba model from its config.json object and weights. */
export function createJamba(raw: Record<string, unknown>, store: WeightStore, ops: Ops): CausalLM {
  const arch = "JambaForCausalLM";
  const cfg = new ConfigReader(raw, arch);
  const sizes = readStackSizes(cfg);
  const { dModel: D, layers: L } = sizes;
  const F = cfg.int("intermediate_size");
  const eps = cfg.number("rms_norm_eps", { above: 0 });
  const attnPeriod = cfg.int("attn_layer_period");
  const attnOffset = cfg.int("attn_layer_offset", { min: 0 });
  const expertPeriod = cfg.int("expert_layer_period");
  const expertOffset = cfg.int("expert_layer_offset", { min: 0 });
  if (attnOffset >= attnPeriod) cfg.fail("attn_layer_offset", `(${attnOffset}) must be below attn_layer_period (${attnPeriod})`);
  if (expertOffset >= expertPeriod) cfg.fail("expert_layer_offset", `(${expertOffset}) must be below expert_layer_period (${expertPeriod})`);
  const experts = cfg.int("num_experts");
  const topK = cfg.int("num_experts_per_tok");
  if (topK > experts) cfg.fail("num_experts_per_tok", `(${topK}) exceeds num_experts (${experts})`);
  const expand = cfg.int("mamba_expand");
  const mixer: MambaMixerConfig = {
    dModel: D,
    dInner: expand * D,
    dState: cfg.int("mamba_d_state"),
    dtRank: cfg.int("mamba_dt_rank"),
    convKernel: cfg.int("mamba_d_conv"),
    convBias: cfg.bool("mamba_conv_bias", true),
    projBias: cfg.bool("mamba_proj_bias", false),
    innerNormEps: eps,
  };
  const shape = readAttentionShape(cfg, D);
  const attn: AttentionConfig = { dModel: D, ...shape, bias: false };
  const context = cfg.int("max_position_embeddings");
  const tied = cfg.bool("tie_word_embeddings", false);
  readSiluAct(cfg);
  cfg.expect("sliding_window", null);
  cfg.ignore(
    "attention_dropout", "output_router_logits", "router_aux_loss_coef", "use_mamba_kernels", "use_associative_scan",
    "use_mambapy",
  );
  cfg.finish();

  const isAttn = (i: number) => i % attnPeriod === attnOffset;
  const isMoe = (i: number) => experts > 1 && i % expertPeriod === expertOffset;
  const weights = loadStackWeights(store, ops, arch, { ...sizes, tied }, {
    embed: "model.embed_tokens.weight",
    layers: "model.layers.",
    layer: (load, p, i) => ({
      mixerNorm: load.take(`${p}input_layernorm.weight`, [D]),
      mixer: isAttn(i)
        ? loadAttention(ops, load, `${p}self_attn.`, attn)
        : loadMambaMixer(ops, load, `${p}mamba.`, mixer),
      ffn: {
        norm: load.take(`${p}pre_ff_layernorm.weight`, [D]),
        block: isMoe(i)
          ? loadMoe(ops, load, `${p}feed_forward.`, D, F, experts, topK)
          : loadMlp(ops, load, `${p}feed_forward.`, D, F),
      },
    }),
    finalNorm: "model.final_layernorm.weight",
  });
  const layerIds = Array.from({ length: L }, (_, i) => i);
  const attentionLayers = layerIds.filter(isAttn).length;
  // A token runs the router and topK of the X SwiGLU experts (gate, up, down: 3·D·F each) of an MoE layer.
  const moeLayers = layerIds.filter(isMoe).length;
  const idleExpertParams = moeLayers * (experts - topK) * 3 * D * F;

  return buildCausalLM({
    architecture: arch,
    family: attentionLayers === 0 ? "ssm" : attentionLayers === L ? "transformer" : "hybrid",
    facts: {
      params: weights.params, ...(moeLayers > 0 ? { activeParams: weights.params - idleExpertParams } : {}),
      layers: L, attentionLayers, dModel: D,
      dInner: attentionLayers === L ? 0 : mixer.dInner, dState: attentionLayers === L ? 0 : mixer.dState,
      kvHeads: attentionLayers ? shape.kvHeads : 0, headDim: attentionLayers ? shape.headDim : 0,
      contextLength: context, vocabSize: sizes.vocab,
    },
    ops,
    weights,
    normEps: eps,
  });
}
