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
import { attentionBlock, loadAttention, newAttentionState, type AttentionConfig } from "./attention.ts";
import { readAttentionShape } from "./attention-config.ts";
import type { CausalLM, WeightStore } from "./causal-lm.ts";
import { ConfigReader } from "./config-reader.ts";
import { buildCausalLM, loadLmHead, preNormResidual, readSiluAct } from "./decoder-stack.ts";
import { loadMambaMixer, mambaMixer, newMambaMixerState, type MambaMixerConfig } from "./mamba-mixer.ts";
import { loadMlp, mlp } from "./mlp.ts";
import { loadMoe, moe } from "./moe.ts";
import { WeightLoader } from "./weight-loader.ts";

/** A Jamba model from its config.json object and weights. */
export function createJamba(raw: Record<string, unknown>, store: WeightStore, ops: Ops): CausalLM {
  const arch = "JambaForCausalLM";
  const cfg = new ConfigReader(raw, arch);
  const D = cfg.int("hidden_size");
  const L = cfg.int("num_hidden_layers");
  const V = cfg.int("vocab_size");
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

  const load = new WeightLoader(store);
  const embed = load.take("model.embed_tokens.weight", [V, D]);
  const layers = Array.from({ length: L }, (_, i) => {
    const p = `model.layers.${i}.`;
    const isAttn = i % attnPeriod === attnOffset;
    const isMoe = experts > 1 && i % expertPeriod === expertOffset;
    return {
      norm: load.take(`${p}input_layernorm.weight`, [D]),
      attn: isAttn ? loadAttention(load, `${p}self_attn.`, attn) : undefined,
      mamba: isAttn ? undefined : loadMambaMixer(ops, load, `${p}mamba.`, mixer),
      ffnNorm: load.take(`${p}pre_ff_layernorm.weight`, [D]),
      ffn: isMoe ? undefined : loadMlp(load, `${p}feed_forward.`, D, F),
      moe: isMoe ? loadMoe(load, `${p}feed_forward.`, D, F, experts, topK) : undefined,
    };
  });
  const finalNorm = load.take("model.final_layernorm.weight", [D]);
  const lmHead = loadLmHead(load, tied, embed, V, D);
  load.finish(arch);
  const attentionLayers = layers.filter((w) => w.attn).length;
  // A token runs the router and topK of the X SwiGLU experts (gate, up, down: 3·D·F each) of an MoE layer.
  const moeLayers = layers.filter((w) => w.moe).length;
  const idleExpertParams = moeLayers * (experts - topK) * 3 * D * F;

  return buildCausalLM({
    architecture: arch,
    family: attentionLayers === 0 ? "ssm" : attentionLayers === L ? "transformer" : "hybrid",
    facts: {
      params: load.params, ...(moeLayers > 0 ? { activeParams: load.params - idleExpertParams } : {}),
      layers: L, attentionLayers, dModel: D,
      dInner: attentionLayers === L ? 0 : mixer.dInner, dState: attentionLayers === L ? 0 : mixer.dState,
      kvHeads: attentionLayers ? shape.kvHeads : 0, headDim: attentionLayers ? shape.headDim : 0,
      contextLength: context, vocabSize: V,
    },
    ops,
    embed,
    finalNorm,
    normEps: eps,
    lmHead,
    layers: layers.map((w, i) => (x, state, start) => {
      const st = state.layers[i];
      const h = preNormResidual(ops, x, w.norm, eps, (y) => {
        if (w.attn && st?.kind === "attention") return attentionBlock(ops, w.attn, attn, y, st, start); // [n, D]
        if (w.mamba && st?.kind === "ssm") return mambaMixer(ops, w.mamba, mixer, y, st); // [n, D]
        throw new RangeError(`forward: layer ${i} state does not match the layer kind`);
      }); // [n, D]
      return preNormResidual(ops, h, w.ffnNorm, eps, (y) => (w.moe ? moe(ops, w.moe, y) : mlp(ops, w.ffn!, y))); // [n, D]
    }),
    newLayerStates: () => layers.map((w) => (w.attn ? newAttentionState(ops, attn) : newMambaMixerState(mixer))),
  });
}
