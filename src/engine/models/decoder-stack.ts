import type { Ops } from "../ops.ts";
import type { Tensor } from "../tensor.ts";
import type { CausalLM, ForwardOptions, ModelFacts, ModelState } from "./causal-lm.ts";
import { addAndNorm, type Residual, runDecoderLayer } from "./decoder-layer.ts";
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
 * T/**
 * Tokens run through the layers together. Longer inputs go in slices of this size, carrying the state from one to
 * the next (the same result, tested): peak activation memory stays bounded for 32k-token prompts.
 */
export const PREFILL_SLICE = 1024;

/** Builds the CausalLM: embed, layers, final norm, then the LM head on the last (or every) position. */
export function buildCausalLM(spec: StackSpec): CausalLM {
  const { ops, facts, weights, normEps } = spec;
  const V = facts.vocabSize;

  /**
   * Runs ids [n] through the stack on the device, advancing state.position; logits [1 | n, V] when asked for.
   * Host bookkeeping (state.length) is the caller's: this is what a recorded decode step replays.
   */
  function run(ids: Tensor, state: ModelState, head: "none" | "last" | "all"): Tensor | undefined {
    const n = ids.shape[0]!;
    let x: Residual = { stream: ops.embedding(weights.embed, ids) }; // [n, D]
    for (const [i, layer] of weights.layers.entries()) {
      x = runDecoderLayer(ops, layer, i, normEps, x, state); // [n, D]
    }
    ops.advance(state.position, n);
    if (head === "none") return undefined;
    if (head === "last" && n > 1) x = { stream: ops.rows(x.stream, n - 1, 1), pending: x.pending && ops.rows(x.pending, n - 1, 1) }; // [1, D]
    return ops.linear(addAndNorm(ops, x, weights.finalNorm, normEps).normed, weights.lmHead); // [n | 1, V]
  }

  function checkState(state: ModelState, n: number): void {
    if (state.layers.length !== weights.layers.length) throw new RangeError("forward: state was made by another model");
    if (state.length + n > state.capacity) {
      throw new RangeError(`forward: ${state.length + n} tokens exceed the state's capacity of ${state.capacity}`);
    }
  }

  return {
    architecture: spec.architecture,
    family: spec.family,
    facts,
    ops,
    newState(capacity = facts.contextLength): ModelState {
      if (!Number.isSafeInteger(capacity) || capacity < 1) throw new RangeError(`state capacity must be an integer ≥ 1, got ${capacity}`);
      return {
        length: 0,
        capacity,
        position: ops.newPosition(),
        layers: weights.layers.map((layer) => layer.mixer.newState(capacity)),
        next: { token: ops.zeros([1]), logprob: ops.zeros([1]), sampler: ops.newSampler() },
      };
    },
    forward(ids: readonly number[], state: ModelState, opts?: ForwardOptions): Tensor {
      if (ids.length === 0) throw new RangeError("forward: no tokens given");
      checkState(state, ids.length);
      // every id is checked before any slice runs, so a bad id leaves the state untouched
      for (const id of ids) {
        if (!Number.isInteger(id) || id < 0 || id >= V) throw new RangeError(`forward: token id ${id} is outside [0, ${V})`);
      }
      const all = opts?.allLogits === true;
      if (all && ids.length > PREFILL_SLICE) throw new RangeError(`forward: allLogits takes at most ${PREFILL_SLICE} tokens a call, got ${ids.length}`);
      let logits: Tensor | undefined;
      for (let s = 0; s < ids.length; s += PREFILL_SLICE) {
        const slice = ids.slice(s, s + PREFILL_SLICE);
        const final = s + PREFILL_SLICE >= ids.length;
        ops.beginStep();
        logits = run(ops.tokens(slice), state, all ? "all" : final ? "last" : "none");
        state.length += slice.length;
      }
      return logits!;
    },
    sample(logits: Tensor, state: ModelState): void {
      const { token, logprob, sampler } = state.next;
      ops.sample(logits, sampler, token, logprob);
    },
    step(state: ModelState): void {
      checkState(state, 1);
      ops.replay(state, () => {
        ops.beginStep();
        const { token, logprob, sampler } = state.next;
        ops.sample(run(token, state, "last")!, sampler, token, logprob);
      });
      state.length += 1;
    },
  };
}
