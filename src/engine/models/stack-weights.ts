import type { Ops } from "../ops.ts";
import type { Tensor } from "../tensor.ts";
import type { WeightStore } from "./causal-lm.ts";
import type { DecoderLayer } from "./decoder-layer.ts";
import type { StackSizes } from "./stack-config.ts";
import { WeightLoader } from "./weight-loader.ts";

/** Where one architecture's checkpoint keeps its tensors: the stack's own by name, each layer's by a loader. */
export interface StackLayout {
  /** the input embedding [V, D] */
  embed: string;
  /** what layer i's tensor names start with, before i (e.g. "model.layers.") */
  layers: string;
  /** takes the tensors of layer i, whose names start with `prefix` (e.g. "model.layers.3.") */
  layer: (load: WeightLoader, prefix: string, i: number) => DecoderLayer;
  /** the RMSNorm [D] before the LM head */
  finalNorm: string;
}

/** A stack's loaded weights. */
export interface StackWeights {
  embed: Tensor; // [V, D]
  layers: DecoderLayer[];
  finalNorm: Tensor; // [D]
  lmHead: Tensor; // [V, D]
  /** parameters held (a tied lm_head counted once) */
  params: number;
}

/**
 * Takes the embedding, layers 0…L−1, the final norm and the LM head in that order, then fails on any checkpoint
 * tensor left over. The LM head is `lm_head.weight`, or the embedding when `tied` (a stored lm_head copy may then
 * stay unused, as HF ignores it too).
 */
export function loadStackWeights(
  store: WeightStore,
  ops: Ops,
  architecture: string,
  sizes: StackSizes & { tied: boolean },
  layout: StackLayout,
): StackWeights {
  const { dModel: D, layers: L, vocab: V } = sizes;
  const load = new WeightLoader(store, ops);
  const embed = load.takeMatrix(layout.embed, [V, D]);
  const layers = Array.from({ length: L }, (_, i) => layout.layer(load, `${layout.layers}${i}.`, i));
  const finalNorm = load.take(layout.finalNorm, [D]);
  if (sizes.tied) load.allowUnused("lm_head.weight");
  const lmHead = sizes.tied ? embed : load.takeMatrix("lm_head.weight", [V, D]);
  load.finish(architecture);
  return { embed, layers, finalNorm, lmHead, params: load.params };
}
