/**
 * Sparse mixture of SwiGLU experts (JambaSparseMoeBlock): softmax router, top-k experts per token, outputs
 * weighted by the (not renormalised) router probabilities.
 * https://github.com/huggingface/transformers/blob/main/src/transformers/models/jamba/modular_jamba.py
 *
 * Glossary:  n  tokens    D  d_model    F  intermediate_size    X  experts    k  experts per token    m  tokens routed to one expert
 */
import type { Ops } from "../ops.ts";
import { tensor, type Tensor } from "../tensor.ts";
import type { FeedForward } from "./decoder-layer.ts";
import { loadMlp } from "./mlp.ts";
import type { WeightLoader } from "./weight-loader.ts";

/** Router and experts of one MoE block. */
interface MoeWeights {
  router: Tensor; // [X, D]
  experts: FeedForward[];
  topK: number;
}

/**
 * Takes router.weight and experts.{i}.{gate,up,down}_proj under `prefix` (e.g. "model.layers.1.feed_forward.")
 * → the block.
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
  const w: MoeWeights = {
    router: load.take(`${prefix}router.weight`, [experts, dModel]),
    experts: Array.from({ length: experts }, (_, e) => loadMlp(ops, load, `${prefix}experts.${e}.`, dModel, ffn)),
    topK,
  };
  return (x) => moe(ops, w, x);
}

/** The block on x [n, D] → [n, D]: each expert runs once on the rows routed to it. */
function moe(ops: Ops, w: MoeWeights, x: Tensor): Tensor {
  const [n, d] = [x.shape[0]!, x.shape[1]!];
  const probs = ops.softmax(ops.linear(x, w.router)); // [n, X]
  const { values, indices } = ops.topk(probs, w.topK); // [n, k], [n·k]
  const out = tensor([n, d]); // [n, D]
  w.experts.forEach((expert, e) => {
    const rows: number[] = [];
    const weights: number[] = [];
    indices.forEach((idx, slot) => {
      if (idx === e) {
        rows.push(Math.floor(slot / w.topK));
        weights.push(values.data[slot]!);
      }
    });
    if (rows.length === 0) return;
    const routed = Int32Array.from(rows);
    const y = expert(ops.gatherRows(x, routed)); // [m, D]
    ops.scatterAddRows(out, y, routed, Float32Array.from(weights));
  });
  return out;
}
