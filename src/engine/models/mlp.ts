/**
 * SwiGLU feed-forward block (LlamaMLP / MistralMLP / Bamba and Jamba feed_forward): down(silu(gate(x)) · up(x)).
 * https://github.com/huggingface/transformers/blob/main/src/transformers/models/llama/modeling_llama.py
 *
 * Glossary:  n  tokens    D  d_model (hidden_size)    F  intermediate_size
 */
import type { Ops } from "../ops.ts";
import type { Tensor } from "../tensor.ts";
import type { FeedForward } from "./decoder-layer.ts";
import type { WeightLoader } from "./weight-loader.ts";

/** gate and up stacked by rows (one linear for both), and down; biases only with mlp_bias. */
interface MlpWeights {
  gateUp: Tensor; // [2F, D]
  down: Tensor; // [D, F]
  gateUpBias?: Tensor; // [2F]
  downBias?: Tensor; // [D]
}

/** Takes gate_proj/up_proj/down_proj under `prefix` (e.g. "model.layers.0.mlp.") → the block. */
export function loadMlp(
  ops: Ops,
  load: WeightLoader,
  prefix: string,
  dModel: number,
  ffn: number,
  bias = false,
): FeedForward {
  const w: MlpWeights = {
    gateUp: load.takeRows([[`${prefix}gate_proj.weight`, [ffn, dModel]], [`${prefix}up_proj.weight`, [ffn, dModel]]], "matrix"),
    down: load.takeMatrix(`${prefix}down_proj.weight`, [dModel, ffn]),
    gateUpBias: bias ? load.takeRows([[`${prefix}gate_proj.bias`, [ffn]], [`${prefix}up_proj.bias`, [ffn]]], "vector") : undefined,
    downBias: load.takeIf(bias, `${prefix}down_proj.bias`, [dModel]),
  };
  return (x) => mlp(ops, w, x);
}

/** The block on x [n, D] → [n, D]. */
function mlp(ops: Ops, w: MlpWeights, x: Tensor): Tensor {
  const hidden = ops.siluAndMul(ops.linear(x, w.gateUp, w.gateUpBias)); // [n, F]
  return ops.linear(hidden, w.down, w.downBias); // [n, D]
}
