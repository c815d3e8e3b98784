/**
 * The backbone MambaForCausalLM and Mamba2ForCausalLM share: embedding → L × (x + mixer(rmsnorm(x))) → rmsnorm →
 * LM head. HF's Mamba2Model keeps MambaModel's layout and tensor names; only the mixer differs.
 * https://github.com/huggingface/transformers/blob/main/src/transformers/models/mamba/modeling_mamba.py (MambaModel)
 *
 * Glossary:  V  vocabulary    D  d_model (hidden_size)    L  layers
 */
import type { Ops } from "../ops.ts";
import type { CausalLM, WeightStore } from "./causal-lm.ts";
import type { TokenMixer } from "./decoder-layer.ts";
import { buildCausalLM } from "./decoder-stack.ts";
import type { StackSizes } from "./stack-config.ts";
import { loadStackWeights } from "./stack-weights.ts";
import type { WeightLoader } from "./weight-loader.ts";

/** SSMs have no positional limit; the card reports this many tokens. */
export const SSM_CONTEXT_LENGTH = 1 << 20;

/** One Mamba generation's settings around the backbone, and its mixer. */
export interface MambaBackboneSpec {
  architecture: string;
  sizes: StackSizes;
  tied: boolean;
  normEps: number;
  /** the mixer's inner width, for the card */
  dInner: number;
  /** the mixer's state size per channel, for the card */
  dState: number;
  /** takes one layer's mixer, whose tensor names start with `prefix` (e.g. "backbone.layers.0.mixer.") */
  loadMixer: (load: WeightLoader, prefix: string) => TokenMixer;
}

/**
 * Loads backbone.embeddings.weight [V, D], backbone.layers.{i}.norm.weight [D] and .mixer.*,
 * backbone.norm_f.weight [D] and lm_head.weight [V, D] (unless tied), and builds the model.
 */
export function buildMambaBackbone(store: WeightStore, ops: Ops, spec: MambaBackboneSpec): CausalLM {
  const { dModel: D, layers: L, vocab: V } = spec.sizes;
  const weights = loadStackWeights(store, ops, spec.architecture, { ...spec.sizes, tied: spec.tied }, {
    embed: "backbone.embeddings.weight",
    layers: "backbone.layers.",
    layer: (load, p) => ({ mixerNorm: load.take(`${p}norm.weight`, [D]), mixer: spec.loadMixer(load, `${p}mixer.`) }),
    finalNorm: "backbone.norm_f.weight",
  });
  return buildCausalLM({
    architecture: spec.architecture,
    family: "ssm",
    facts: {
      params: weights.params, layers: L, attentionLayers: 0, dModel: D, dInner: spec.dInner, dState: spec.dState,
      kvHeads: 0, headDim: 0, contextLength: SSM_CONTEXT_LENGTH, vocabSize: V,
    },
    ops,
    weights,
    normEps: spec.normEps,
  });
}
