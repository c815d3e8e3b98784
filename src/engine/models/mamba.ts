/**
 * MambaForCausalLM (Mamba-1): embedding → L × (x + mixer(rmsnorm(x))) → rmsnorm → LM head (tied by default).
 * Mirrors HF transformers modeling_mamba.py (MambaForCausalLM, MambaBlock, MambaMixer.slow_forward):
 * https://github.com/huggingface/transformers/blob/main/src/transformers/models/mamba/modeling_mamba.py
 *
 * Glossary (Mamba paper symbols in brackets):
 *   n  tokens in this call    V  vocabulary        D  d_model (hidden_size)     L  layers
 *   E  d_inner                N  d_state [N]       R  dt_rank                   K  conv kernel width
 */
import type { Ops } from "../ops.ts";
import type { CausalLM, WeightStore } from "./causal-lm.ts";
import { ConfigReader } from "./config-reader.ts";
import { buildCausalLM, loadLmHead, preNormResidual, readSiluAct } from "./decoder-stack.ts";
import { loadMambaMixer, mambaMixer, newMambaMixerState, type MambaMixerConfig } from "./mamba-mixer.ts";
import { WeightLoader } from "./weight-loader.ts";

/** SSMs have no positional limit; the card reports this many tokens. */
export const SSM_CONTEXT_LENGTH = 1 << 20;

/** A Mamba-1 model from its config.json object and weights. */
export function createMamba(raw: Record<string, unknown>, store: WeightStore, ops: Ops): CausalLM {
  const arch = "MambaForCausalLM";
  const cfg = new ConfigReader(raw, arch);
  const D = cfg.int("hidden_size");
  const L = cfg.int("num_hidden_layers");
  const V = cfg.int("vocab_size");
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

  const load = new WeightLoader(store);
  const embed = load.take("backbone.embeddings.weight", [V, D]);
  const layers = Array.from({ length: L }, (_, i) => ({
    norm: load.take(`backbone.layers.${i}.norm.weight`, [D]),
    mixer: loadMambaMixer(ops, load, `backbone.layers.${i}.mixer.`, mixer),
  }));
  const finalNorm = load.take("backbone.norm_f.weight", [D]);
  const lmHead = loadLmHead(load, tied, embed, V, D);
  load.finish(arch);

  return buildCausalLM({
    architecture: arch,
    family: "ssm",
    facts: {
      params: load.params, layers: L, attentionLayers: 0, dModel: D, dInner: E, dState: mixer.dState,
      kvHeads: 0, headDim: 0, contextLength: SSM_CONTEXT_LENGTH, vocabSize: V,
    },
    ops,
    embed,
    finalNorm,
    normEps: eps,
    lmHead,
    layers: layers.map((w, i) => (x, state) => {
      const st = state.layers[i];
      if (st?.kind !== "ssm") throw new RangeError(`forward: layer ${i} state is not an SSM state`);
      return preNormResidual(ops, x, w.norm, eps, (h) => mambaMixer(ops, w.mixer, mixer, h, st)); // [n, D]
    }),
    newLayerStates: () => layers.map(() => newMambaMixerState(mixer)),
  });
}
