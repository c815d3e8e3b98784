/**
 * One pre-norm decoder layer, the unit every architecture here stacks: x + mixer(rmsnorm(x)), then, where the
 * layer has one, x + ffn(rmsnorm(x)). The mixer is attention or an SSM mixer (HF's self_attn, mamba or mixer),
 * the feed-forward block an MLP or a mixture of experts.
 *
 * Glossary:  n  tokens in this call    D  d_model (hidden_size)
 */
import type { Ops } from "../ops.ts";
import type { Tensor } from "../tensor.ts";
import type { AttentionLayerState, ModelState, SsmLayerState } from "./causal-lm.ts";

/** A loaded sequence mixer bound to its config: attention with its KV cache, or an SSM mixer with its state. */
export type TokenMixer =
  | {
      kind: "attention";
      /** x [n, D] whose first token sits at position pos [1] → [n, D], writing into the KV cache */
      run(x: Tensor, state: AttentionLayerState, pos: Tensor): Tensor;
      /** an empty KV cache for `capacity` tokens */
      newState(capacity: number): AttentionLayerState;
    }
  | {
      kind: "ssm";
      /** x [n, D] → [n, D], continuing from `state` (updated in place) */
      run(x: Tensor, state: SsmLayerState): Tensor;
      newState(capacity: number): SsmLayerState;
    };

/** A loaded feed-forward block: x [n, D] → [n, D]. */
export type FeedForward = (x: Tensor) => Tensor;

/** The loaded parts of one layer. */
export interface DecoderLayer {
  mixerNorm: Tensor; // [D]
  mixer: TokenMixer;
  /** the feed-forward half; absent in the SSM-only stacks (Mamba, Mamba-2) */
  ffn?: { norm: Tensor; block: FeedForward }; // norm [D]
}

/**
 * The residual stream between layers, as mamba_ssm's Block passes it: the sum so far and the output of the last
 * block, not yet added to it (none before the first layer). The add then happens in the next norm's kernel.
 */
export interface Residual {
  stream: Tensor; // [n, D]
  pending?: Tensor; // [n, D]
}

/** stream + pending, and its RMSNorm (one op; only the norm when nothing is pending). */
export function addAndNorm(ops: Ops, x: Residual, norm: Tensor, eps: number): { stream: Tensor; normed: Tensor } {
  if (!x.pending) return { stream: x.stream, normed: ops.rmsnorm(x.stream, norm, eps) };
  const { sum, normed } = ops.addRmsnorm(x.stream, x.pending, norm, eps);
  return { stream: sum, normed };
}

/**
 * Runs layer `i` on x, its first token at state.position, with its entry in `state`: x + mixer(rmsnorm(x)), then,
 * where the layer has one, + ffn(rmsnorm(·)); the last block's output is left pending.
 */
export function runDecoderLayer(ops: Ops, layer: DecoderLayer, i: number, eps: number, x: Residual, state: ModelState): Residual {
  const st = state.layers[i];
  const { mixer, ffn } = layer;
  const a = addAndNorm(ops, x, layer.mixerNorm, eps);
  let out: Tensor; // [n, D]
  if (mixer.kind === "attention" && st?.kind === "attention") out = mixer.run(a.normed, st, state.position);
  else if (mixer.kind === "ssm" && st?.kind === "ssm") out = mixer.run(a.normed, st);
  else throw new RangeError(`forward: layer ${i} state does not match the layer kind`);
  if (!ffn) return { stream: a.stream, pending: out };
  const b = addAndNorm(ops, { stream: a.stream, pending: out }, ffn.norm, eps);
  return { stream: b.stream, pending: ffn.block(b.normed) };
}
