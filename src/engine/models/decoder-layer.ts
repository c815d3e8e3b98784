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

/** Runs layer `i` on x [n, D], its first token at state.position, with its entry in `state` → [n, D]. */
export function runDecoderLayer(ops: Ops, layer: DecoderLayer, i: number, eps: number, x: Tensor, state: ModelState): Tensor {
  const st = state.layers[i];
  const { mixer, ffn } = layer;
  const h = preNormResidual(ops, x, layer.mixerNorm, eps, (y) => {
    if (mixer.kind === "attention" && st?.kind === "attention") return mixer.run(y, st, state.position); // [n, D]
    if (mixer.kind === "ssm" && st?.kind === "ssm") return mixer.run(y, st); // [n, D]
    throw new RangeError(`forward: layer ${i} state does not match the layer kind`);
  }); // [n, D]
  return ffn ? preNormResidual(ops, h, ffn.norm, eps, ffn.block) : h; // [n, D]
}

/** x + f(rmsnorm(x)): the pre-norm residual both halves of a layer are. */
function preNormResidual(ops: Ops, x: Tensor, norm: Tensor, eps: number, f: (h: Tensor) => Tensor): Tensor {
  return ops.add(x, f(ops.rmsnorm(x, norm, eps)));
}
