import type { Ops } from "../ops.ts";
import { tensor, type Tensor } from "../tensor.ts";
import type { CausalLM, ForwardOptions, ModelFacts, ModelState } from "./causal-lm.ts";
import type { ConfigReader } from "./config-reader.ts";
import type { WeightLoader } from "./weight-loader.ts";

/** One decoder layer: x [n, D] → [n, D], its first token at position `start`, updating its entry in `state`. */
export type LayerStep = (x: Tensor, state: ModelState, start: number) => Tensor;

/** The parts every architecture shares: embedding, a stack of layers, final RMSNorm, LM head. */
export interface StackSpec {
  architecture: string;
  family: CausalLM["family"];
  facts: ModelFacts;
  ops: Ops;
  embed: Tensor; // [V, D]
  finalNorm: Tensor; // [D]
  normEps: number;
  lmHead: Tensor; // [V, D]
  layers: LayerStep[];
  newLayerStates: () => ModelState["layers"];
}

/** x + f(rmsnorm(x)): the pre-norm residual block every architecture here is built from. */
export function preNormResidual(ops: Ops, x: Tensor, norm: Tensor, eps: number, f: (h: Tensor) => Tensor): Tensor {
  return ops.add(x, f(ops.rmsnorm(x, norm, eps)));
}

/**
 * The LM head: `lm_head.weight`, or the input embedding when tie_word_embeddings is set (a stored lm_head copy
 * is then allowed to stay unused, as HF ignores it too).
 */
export function loadLmHead(load: WeightLoader, tied: boolean, embed: Tensor, vocab: number, dModel: number): Tensor {
  if (!tied) return load.take("lm_head.weight", [vocab, dModel]);
  load.allowUnused("lm_head.weight");
  return embed;
}

/** Reads the SwiGLU activation every architecture here uses, failing on any other. */
export function readSiluAct(cfg: ConfigReader): void {
  cfg.oneOf("hidden_act", ["silu", "swish"], "silu");
}

/**
 * Tokens run through the layers together. Longer inputs go in slices of this size, carrying the state from one to
 * the next (the same result, tested): peak activation memory stays bounded for 16k-token prompts.
 */
export const PREFILL_SLICE = 1024;

/** Builds the CausalLM: embed, layers, final norm, then the LM head on the last (or every) position. */
export function buildCausalLM(spec: StackSpec): CausalLM {
  const { ops, facts } = spec;
  const V = facts.vocabSize;
  const stateLayers = spec.newLayerStates().length;

  /** Runs one slice through the stack, advancing `state`; logits only when asked for (last slice, or allLogits). */
  function runSlice(ids: readonly number[], state: ModelState, head: "none" | "last" | "all"): Tensor | undefined {
    const n = ids.length;
    const D = facts.dModel;
    let x = ops.embedding(spec.embed, ids); // [n, D]
    for (const layer of spec.layers) x = layer(x, state, state.length); // [n, D]
    state.length += n;
    if (head === "none") return undefined;
    if (head === "last" && n > 1) x = tensor([1, D], x.data.subarray((n - 1) * D)); // [1, D]
    return ops.linear(ops.rmsnorm(x, spec.finalNorm, spec.normEps), spec.lmHead); // [n | 1, V]
  }

  return {
    architecture: spec.architecture,
    family: spec.family,
    facts,
    newState: () => ({ length: 0, layers: spec.newLayerStates() }),
    forward(ids: readonly number[], state: ModelState, opts?: ForwardOptions): Tensor {
      if (ids.length === 0) throw new RangeError("forward: no tokens given");
      if (state.layers.length !== stateLayers) throw new RangeError("forward: state was made by another model");
      // every id is checked before any slice runs, so a bad id leaves the state untouched
      for (const id of ids) {
        if (!Number.isInteger(id) || id < 0 || id >= V) throw new RangeError(`forward: token id ${id} is outside [0, ${V})`);
      }
      const all = opts?.allLogits === true;
      const logits = all ? new Float32Array(ids.length * V) : undefined;
      let last: Tensor | undefined;
      for (let s = 0; s < ids.length; s += PREFILL_SLICE) {
        const slice = ids.slice(s, s + PREFILL_SLICE);
        const final = s + PREFILL_SLICE >= ids.length;
        const out = runSlice(slice, state, all ? "all" : final ? "last" : "none");
        if (logits && out) logits.set(out.data, s * V); // rows [s, s + slice) of [n, V]
        if (final) last = out;
      }
      return logits ? tensor([ids.length, V], logits) : tensor([V], last!.data);
    },
  };
}
