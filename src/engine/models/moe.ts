/**
 * Sparse mixture of SwiGLU experts (JambaSparseMoeBlock): softmax router, top-k experts per token, outputs
 * weighted by the (not renormalised) router probabilities.
 * https://github.com/huggingface/transformers/blob/main/src/transformers/models/jamba/modular_jamba.py
 *
 * Glossary:  n  tokens    D  d_model    F  intermediate_size    X  experts    k  experts per token    m  tokens routed to one expert
 */
import type { Ops } from "../ops.ts";
import type { Tensor } from "../tensor.ts";
import type { FeedForward } from "./decoder-layer.ts";
import type { WeightLoader } from "./weight-loader.ts";

/** Router and stacked experts of one MoE block. */
interface MoeWeights {
  router: Tensor; // [X, D]
  gate: Tensor; // [X, F, D]
  up: Tensor; // [X, F, D]
  down: Tensor; // [X, D, F]
  topK: number;
}

/**
 * Takes router.weight and experts.{i}.{gate,up,down}_proj under `prefix` (e.g. "model.layers.1.feed_forward.")
 * → the block, its experts stacked so the backend routes tokens to them on the device.
 */
export function loadMoe(
  ops: Ops,
  load: WeightLoader,
  prefix: string,
  dModel: number,
  ffn: number,
  experts: number,
  topK: number,
): FeedForward {
  const names = (proj: string) => Array.from({ length: experts }, (_, e) => `${prefix}experts.${e}.${proj}.weight`);
  const w: MoeWeights = {
    router: load.takeMatrix(`${prefix}router.weight`, [experts, dModel]),
    gate: load.takeStacked(names("gate_proj"), [ffn, dModel]),
    up: load.takeStacked(names("up_proj"), [ffn, dModel]),
    down: load.takeStacked(names("down_proj"), [dModel, ffn]),
    topK,
  };
  return (x) => moe(ops, w, x);
}

/** The block on x [n, D] → [n, D]: softmax router, top-k experts per token, their outputs weighted and summed. */
function moe(ops: Ops, w: MoeWeights, x: Tensor): Tensor {
  const probs = ops.softmax(ops.linear(x, w.router)); // [n, X]
  const { values, indices } = ops.topk(probs, w.topK); // [n, k], [n, k]
  return ops.experts(x, w.gate, w.up, w.down, indices, values); // [n, D]
}
