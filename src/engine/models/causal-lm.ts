import type { TensorStore } from "../checkpoint/tensor-store.ts";
import type { KvCache, Ops, SamplerSlot } from "../ops.ts";
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

/** The decode loop's device-resident buffers: the next token [1], its logprob [1], and the sampler that draws it. */
export interface NextToken {
  token: Tensor;
  logprob: Tensor;
  sampler: SamplerSlot;
}

/** Everything a model remembers about the tokens it has processed. forward() and step() update it in place. */
export interface ModelState {
  /** tokens processed so far (the position of the next token), as the host knows it */
  length: number;
  /** the most tokens this state holds (its KV caches' capacity) */
  readonly capacity: number;
  /** the same position [1] on the backend, which the kernels read */
  readonly position: Tensor;
  /** one entry per layer that keeps state (SSM and attention layers; MLP-only layers keep none) */
  layers: (SsmLayerState | AttentionLayerState)[];
  readonly next: NextToken;
}

/** Options of one forward call. */
export interface ForwardOptions {
  /** return logits for every input position ([n, vocab]; n ≤ PREFILL_SLICE) instead of the last one ([1, vocab]) */
  allLogits?: boolean;
}

/**
 * A causal language model over one op backend: prefill through forward(), then decode steps that stay on the
 * device (step(): the sampled token feeds the next step without a round trip through the host).
 */
export interface CausalLM {
  /** HF `architectures[0]` */
  readonly architecture: string;
  readonly family: "ssm" | "hybrid" | "transformer";
  readonly facts: ModelFacts;
  /** the backend the model's weights live on */
  readonly ops: Ops;
  /** An empty state (no tokens seen) holding at most `capacity` tokens (default: the context length). */
  newState(capacity?: number): ModelState;
  /**
   * Processes `ids`, the tokens after those already in `state`, updating `state` in place. Returns the
   * backend's logits [1, vocab] for the last position, or [n, vocab] with allLogits; they live until the next
   * forward or step on this backend.
   */
  forward(ids: readonly number[], state: ModelState, opts?: ForwardOptions): Tensor;
  /** Draws the next token from logits [1, vocab] into state.next with the state's sampler (on the device). */
  sample(logits: Tensor, state: ModelState): void;
  /**
   * One decode step on the device: feeds state.next.token, advances the state by one, and draws the following
   * token into state.next. GPU backends record it once per state and replay it.
   */
  step(state: ModelState): void;
}
