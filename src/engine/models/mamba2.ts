/**
 * Mamba2ForCausalLM: embedding → L × (x + mixer(rmsnorm(x))) → rmsnorm → LM head.
 * Mirrors HF transformers modeling_mamba2.py (Mamba2ForCausalLM, Mamba2Block, Mamba2Mixer.torch_forward):
 * https://github.com/huggingface/transformers/blob/main/src/transformers/models/mamba2/modeling_mamba2.py
 *
 * Glossary (SSD paper symbols in brackets):
 *   n  tokens in this call    V  vocabulary      D  d_model (hidden_size)    L  layers
 *   H  SSM heads              P  head dim [P]    N  d_state [N]              G  B/C groups
 *   E  d_inner = H·P = expand·D
 */
import type { Ops } from "../ops.ts";
import type { CausalLM, WeightStore } from "./causal-lm.ts";
import { ConfigReader } from "./config-reader.ts";
import { buildCausalLM, loadLmHead, preNormResidual, readSiluAct } from "./decoder-stack.ts";
import { SSM_CONTEXT_LENGTH } from "./mamba.ts";
import { loadMamba2Mixer, mamba2Mixer, newMamba2MixerState } from "./mamba2-mixer.ts";
import { readMamba2Mixer } from "./mamba2-config.ts";
import { WeightLoader } from "./weight-loader.ts";

/** A Mamba-2 model from its config.json object and weights. */
export function createMamba2(raw: Record<string, unknown>, store: WeightStore, ops: Ops): CausalLM {
  const arch = "Mamba2ForCausalLM";
  const cfg = new ConfigReader(raw, arch);
  const D = cfg.int("hidden_size");
  const L = cfg.int("num_hidden_layers");
  const V = cfg.int("vocab_size");
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

  const load = new WeightLoader(store);
  const embed = load.take("backbone.embeddings.weight", [V, D]);
  const layers = Array.from({ length: L }, (_, i) => ({
    norm: load.take(`backbone.layers.${i}.norm.weight`, [D]),
    mixer: loadMamba2Mixer(ops, load, `backbone.layers.${i}.mixer.`, mixer),
  }));
  const finalNorm = load.take("backbone.norm_f.weight", [D]);
  const lmHead = loadLmHead(load, tied, embed, V, D);
  load.finish(arch);

  return buildCausalLM({
    architecture: arch,
    family: "ssm",
    facts: {
      params: load.params, layers: L, attentionLayers: 0, dModel: D, dInner: mixer.nHeads * mixer.headDim,
      dState: mixer.dState, kvHeads: 0, headDim: 0, contextLength: SSM_CONTEXT_LENGTH, vocabSize: V,
    },
    ops,
    embed,
    finalNorm,
    normEps: eps,
    lmHead,
    layers: layers.map((w, i) => (x, state) => {
      const st = state.layers[i];
      if (st?.kind !== "ssm") throw new RangeError(`forward: layer ${i} state is not an SSM state`);
      return preNormResidual(ops, x, w.norm, eps, (h) => mamba2Mixer(ops, w.mixer, mixer, h, st)); // [n, D]
    }),
    newLayerStates: () => layers.map(() => newMamba2MixerState(mixer)),
  });
}
