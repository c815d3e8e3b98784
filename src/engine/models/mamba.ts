/**
 * MambaForCausalLM (Mamba-1): embedding → L × (x + mixer(rmsnorm(x))) → rmsnorm → LM head (tied by default).
 * Mirrors HF transformers modeling_mamba.py (MambaForCausalLM, MambaBlock, MambaMixer.slow_forward):
 * https://github.com/huggingface/transformers/blob/main/src/transformers/models/mamba/modeling_mamba.py
 * Checkpoint: backbone.embeddings, backbone.layers.{i}.norm, backbone.norm_f and lm_head unless tied
 * (mamba-backbone.ts), backbone.layers.{i}.mixer.* (mamba-mixer.ts).
 *
 * Glossary (Mamba paper symbols in brackets):
 *   n  tokens in this call    V  vocabulary        D  d_model (hidden_size)     L  layers
 *   E  d_inner                N  d_state [N]       R  dt_rank                   K  conv kernel width
 */
import type { Ops } from "../ops.ts";
import type { CausalLM, WeightStore } from "./causal-lm.ts";
import { ConfigReader } from "./config-reader.ts";
import { buildMambaBackbone } from "./mamba-backbone.ts";
import { loadMambaMixer, type MambaMixerConfig } from "./mamba-mixer.ts";
import { readSiluAct, readStackSizes } from "./stack-config.ts";

/** A Mamba-1 model from its config.json object and weights. */
export function createMamba(raw: Record<string, unknown>, store: WeightStore, ops: Ops): CausalLM {
  const arch = "MambaForCausalLM";
  const cfg = new ConfigReader(raw, arch);
  const sizes = readStackSizes(cfg);
  const D = sizes.dModel;
  const expand = cfg.number("expand", { above: 0, default: 2 });
  const E = cfg.has("intermediate_size") ? cfg.int("intermediate_size") : Math.round(expand * D);
  const mixer: MambaMixerConfig = {
    dModel: D,
    dInner: E,
    dState: cfg.int("state_size"),
    dtRank: cfg.int("time_step_rank"),
    convKernel: cfg.int("conv_kernel"),
    convBias: cfg.bool("use_conv_bias", true),
    projBias: cfg.bool("use_bias", false),
  };
  const eps = cfg.number("layer_norm_epsilon", { above: 0 });
  const tied = cfg.bool("tie_word_embeddings", true);
  readSiluAct(cfg);
  cfg.bool("residual_in_fp32", true); // residuals are f32 here whatever the setting
  cfg.expect("rms_norm", true);
  cfg.ignore(
    "n_layer", "fused_add_norm", "pad_vocab_size_multiple", "rescale_prenorm_residual", "time_step_floor",
    "time_step_init_scheme", "time_step_max", "time_step_min", "time_step_scale", "use_associative_scan", "use_mambapy",
  );
  cfg.finish();

  return buildMambaBackbone(store, ops, {
    architecture: arch, sizes, tied, normEps: eps, dInner: E, dState: mixer.dState,
    loadMixer: (load, prefix) => loadMambaMixer(ops, load, prefix, mixer),
  });
}
