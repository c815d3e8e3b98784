/**
 * Grouped-query self-attention with an optional rotary embedding, shared by Llama, Bamba (RoPE) and Jamba (none).
 * Mirrors LlamaAttention + eager_attention_forward in HF transformers:
 * https://github.com/huggingface/transformers/blob/main/src/transformers/models/llama/modeling_llama.py
 *
 * Glossary:
 *   n  tokens in this call     t  tokens in the KV cache     D  d_model (hidden_size)
 *   Q  query heads             V  key/value heads (Q % V = 0) S  head dim
 */
import type { Ops } from "../ops.ts";
import { storedF32, type Tensor } from "../tensor.ts";
import type { AttentionLayerState } from "./causal-lm.ts";
import type { TokenMixer } from "./decoder-layer.ts";
import type { RopeTable } from "./rope.ts";
import type { WeightLoader } from "./weight-loader.ts";

/** Sizes and switches of one attention block. */
export interface AttentionConfig {
  dModel: number;
  heads: number;
  kvHeads: number;
  headDim: number;
  /** bias on q/k/v/o projections (Llama attention_bias) */
  bias: boolean;
  /** rotary embedding; undefined for none (Jamba) */
  rope?: RopeTable;
}

/** Projection weights of one attention block: q, k and v stacked by rows, so one linear computes all three. */
interface AttentionWeights {
  qkv: Tensor; // [Q·S + 2·V·S, D]
  o: Tensor; // [D, Q·S]
  qkvBias?: Tensor; // [Q·S + 2·V·S]
  oBias?: Tensor; // [D]
}

/** Takes q/k/v/o_proj under `prefix` (e.g. "model.layers.0.self_attn.") → the block; new state: an empty KV cache. */
export function loadAttention(ops: Ops, load: WeightLoader, prefix: string, c: AttentionConfig): TokenMixer {
  const qw = c.heads * c.headDim;
  const kvw = c.kvHeads * c.headDim;
  const rows = (what: string, shape: (w: number) => number[]) =>
    ([["q", qw], ["k", kvw], ["v", kvw]] as const).map(([p, w]) => [`${prefix}${p}_proj.${what}`, shape(w)] as const);
  const w: AttentionWeights = {
    qkv: load.takeRows(rows("weight", (r) => [r, c.dModel]), "matrix"),
    o: load.takeMatrix(`${prefix}o_proj.weight`, [c.dModel, qw]),
    qkvBias: c.bias ? load.takeRows(rows("bias", (r) => [r]), "vector") : undefined,
    oBias: load.takeIf(c.bias, `${prefix}o_proj.bias`, [c.dModel]),
  };
  const invFreq = c.rope ? ops.weight(storedF32(c.rope.invFreq), "vector") : undefined; // [r/2]
  return {
    kind: "attention",
    run: (x, state, pos) => attentionBlock(ops, w, c, invFreq, x, state, pos),
    newState: (capacity) => ({ kind: "attention", kv: ops.newKvCache(c.kvHeads, c.headDim, capacity, w.qkv) }),
  };
}

/** Attention on x [n, D] whose first token sits at position pos [1]; writes into the KV cache → [n, D]. */
function attentionBlock(
  ops: Ops,
  w: AttentionWeights,
  c: AttentionConfig,
  invFreq: Tensor | undefined,
  x: Tensor,
  state: AttentionLayerState,
  pos: Tensor,
): Tensor {
  const n = x.shape[0]!;
  const qw = c.heads * c.headDim;
  const kvw = c.kvHeads * c.headDim;
  const qkv = ops.linear(x, w.qkv, w.qkvBias); // [n, Q·S + 2·V·S]
  // q and k side by side as Q + V heads: one rope for both
  let qk = ops.sliceCols(qkv, 0, qw + kvw); // [n, (Q + V)·S]
  if (c.rope && invFreq) {
    const heads = ops.rope(ops.reshape(qk, [n, c.heads + c.kvHeads, c.headDim]), pos, invFreq, c.rope.attentionScaling);
    qk = ops.reshape(heads, [n, qw + kvw]);
  }
  const q = ops.reshape(ops.sliceCols(qk, 0, qw), [n, c.heads, c.headDim]); // [n, Q, S]
  const k = ops.sliceCols(qk, qw, kvw); // [n, V·S]
  const v = ops.sliceCols(qkv, qw + kvw, kvw); // [n, V·S]
  ops.kvAppend(state.kv, k, v, pos); // cache [t, V·S]
  const out = ops.attention(q, state.kv, pos, 1 / Math.sqrt(c.headDim)); // [n, Q·S]
  return ops.linear(out, w.o, w.oBias); // [n, D]
}
