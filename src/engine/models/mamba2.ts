/**
 * Mamba2ForCausalLM: embedding → L × (x + mixer(rmsnorm(x))) → rmsnorm → LM head.
 * Mirrors HF transformers modeling_mamba2.py (Mamba2ForCausalLM, Mamba2Block, Mamba2Mixer.torch_forward):
 * https://github.com/huggingface/transformers/blob/main/src/transformers/models/mamba2/modeling_mamba2.py
 * Checkpoint: Mamba's backbone names (mamba-backbone.ts: backbone.embeddings, backbone.layers.{i}.norm,
 * backbone.norm_f, lm_head unless tied), backbone.layers.{i}.mixer.* (mamba2-mixer.ts).
 *
 * Glossary (SSD paper symbols in brackets):
 *   n  tokens in this call    V  vocabulary      D  d_model (hidden_size)    L  layers
 *   H  SSM heads              P  head dim [P]    N  d_state [N]              G  B/C groups
 *   E  d_inner = H·P = expand·D
 */
import type { Ops } from "../ops.ts";
import type { CausalLM, WeightStore } from "./causal-lm.ts";
import { ConfigReader } from "./config-reader.ts";
import { buildMambaBackbone } from "./mamba-backbone.ts";
import { loadMamba2Mixer } from "./mamba2-mixer.ts";
import { readMamba2Mixer } from "./mamba2-config.ts";
import { readSiluAct, readStackSizes } from "./stack-config.ts";

/** A Mamba-2 model from its config.json object and weights. */
export function createMamba2(raw: Record<string, unknown>, store: WeightStore, ops: Ops): CausalLM {
  const arch = "Mamba2ForCausalLM";
  const cfg = new ConfigReader(raw, arch);
  const sizes = readStackSizes(cfg);
  const D = sizes.dModel;
  const eps = cfg.number("layer_norm_epsilon", { above: 0 });
  const mixer = readMamba2Mixer(cfg, D, eps, {
    heads: "num_heads", headDim: "head_dim", groups: "n_groups", state: "state_size", expand: "expand",
    conv: "conv_kernel", convBias: "use_conv_bias", projBias: "use_bias",
  });
  const tied = cfg.bool("tie_word_embeddings", false);
  readSiluAct(cfg);
  cfg.bool("residual_in_fp32", true); // residuals are f32 here whatever the setting
  cfg.expect("rms_norm", true);
  cfg.expect("norm_before_gate", false);
  cfg.ignore(
    "chunk_size", "time_step_rank", "time_step_floor", "time_step_max", "time_step_min", "rescale_prenorm_residual",
    "pad_vocab_size_multiple", "fused_add_norm", "time_step_init_scheme", "time_step_scale",
  );
  cfg.finish();

  return buildMambaBackbone(store, ops, {
    architecture: arch, sizes, tied, normEps: eps, dInner: mixer.nHeads * mixer.headDim, dState: mixer.dState,
    loadMixer: (load, prefix) => loadMamba2Mixer(ops, load, prefix, mixer),
  });
}
