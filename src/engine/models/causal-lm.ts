import type { TensorStore } from "../checkpoint/tensor-store.ts";
import type { KvCache } from "../ops.ts";
import type { Tensor } from "../tensor.ts";

/** Named weights of a checkpoint (the checkpoint loader's TensorStore): what model factories read from. */
export type WeightStore = TensorStore;

/** What the router's architecture card needs from a loaded model. */
export interface ModelFacts {
  /** parameters actually held (a tied lm_head counted once) */
  params: number;
  /** parameters one token runs, set only for a mixture of experts (shared weights + the top-k experts) */
  activeParams?: number;
  layers: number;
  attentionLayers: number;
  dModel: number;
  /** SSM inner width; 0 without SSM layers */
  dInner: number;
  /** SSM state size per channel; 0 without SSM layers */
  dState: number;
  /** 0 without attention layers */
  kvHeads: number;
  /** 0 without attention layers */
  headDim: number;
  contextLength: number;
  vocabSize: number;
}

/** Recurrent state of one SSM layer: constant size whatever the sequence length. */
export interface SsmLayerState {
  kind: "ssm";
  /** last kernel−1 conv inputs [channels, kernel−1] */
  conv: Tensor;
  /** SSM hidden state: [d, s] (Mamba-1) or [h, p, s] (Mamba-2) */
  ssm: Tensor;
}

/** State of one attention layer: a KV cache that grows with the sequence. */
export interface AttentionLayerState {
  kind: "attention";
  kv: KvCache;
}

/** Everything a model remembers about the tokens it has processed. forward() updates it in place. */
export interface ModelState {
  /** tokens processed so far (the position of the next token) */
  length: number;
  /** one entry per layer that keeps state (SSM and attention layers; MLP-only layers keep none) */
  layers: (SsmLayerState | AttentionLayerState)[];
}

/** Options of one forward call. */
export interface ForwardOptions {
  /** return logits for every input position ([n, vocab]) instead of the last one ([vocab]) */
  allLogits?: boolean;
}

/** A causal language model over one op backend: prefill, then incremental decode through the same call. */
export interface CausalLM {
  /** HF `architectures[0]` */
  readonly architecture: string;
  readonly family: "ssm" | "hybrid" | "transformer";
  readonly facts: ModelFacts;
  /** An empty state (no tokens seen). */
  newState(): ModelState;
  /**
   * Processes `ids`, the tokens after those already in `state` (first call = prefill, later calls = decode of
   * one or more tokens), updating `state` in place. Returns logits [vocab] for the last position, or [n, vocab]
   * with allLogits.
   */
  forward(ids: readonly number[], state: ModelState, opts?: ForwardOptions): Tensor;
}
