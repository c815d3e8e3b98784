import type { Ops } from "../ops.ts";
import { tensor, type Tensor } from "../tensor.ts";
import type { CausalLM, ForwardOptions, ModelFacts, ModelState } from "./causal-lm.ts";
import { runDecoderLayer } from "./decoder-layer.ts";
import type { StackWeights } from "./stack-weights.ts";

/** What buildCausalLM runs: the loaded stack and the facts its card reports. */
export interface StackSpec {
  architecture: string;
  family: CausalLM["family"];
  facts: ModelFacts;
  ops: Ops;
  weights: StackWeights;
  /** epsilon of every RMSNorm around the layers */
  normEps: number;
}

/**
 * Tokens run through the layers together. Longer inputs go in slices of this size, carrying the state from one to
 * the next (the same result, tested): peak activation memory stays bounded for 16k-token prompts.
 */
export const PREFILL_SLICE = 1024;

/** Builds the CausalLM: embed, layers, final norm, then the LM head on the last (or every) position. */
export function buildCausalLM(spec: StackSpec): CausalLM {
  const { ops, facts, weights, normEps } = spec;
  const V = facts.vocabSize;
  const newLayerStates = () => weights.layers.map((layer) => layer.mixer.newState());

  /** Runs one slice through the stack, advancing `state`; logits only when asked for (last slice, or allLogits). */
  function runSlice(ids: readonly number[], state: ModelState, head: "none" | "last" | "all"): Tensor | undefined {
    const n = ids.length;
    const D = facts.dModel;
    let x = ops.embedding(weights.embed, ids); // [n, D]
    for (const [i, layer] of weights.layers.entries()) {
      x = runDecoderLayer(ops, layer, i, normEps, x, state, state.length); // [n, D]
    }
    state.length += n;
    if (head === "none") return undefined;
    if (head === "last" && n > 1) x = tensor([1, D], x.data.subarray((n - 1) * D)); // [1, D]
    return ops.linear(ops.rmsnorm(x, weights.finalNorm, normEps), weights.lmHead); // [n | 1, V]
  }

  return {
    architecture: spec.architecture,
    family: spec.family,
    facts,
    newState: () => ({ length: 0, layers: newLayerStates() }),
    forward(ids: readonly number[], state: ModelState, opts?: ForwardOptions): Tensor {
      if (ids.length === 0) throw new RangeError("forward: no tokens given");
      if (state.layers.length !== weights.layers.length) throw new RangeError("forward: state was made by another model");
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
