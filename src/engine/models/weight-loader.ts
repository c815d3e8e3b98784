import { numel, tensor, type Tensor } from "../tensor.ts";
import type { WeightStore } from "./causal-lm.ts";

/** A checkpoint whose tensors do not match the model graph: the message names the tensors. */
export class ModelWeightsError extends Error {
  override name = "ModelWeightsError";
}

/**
 * Loads weights through an explicit name map: every tensor is taken by its HF name and shape, and finish()
 * fails on checkpoint tensors nobody took (a wrong architecture or config, or a feature we would silently drop).
 */
export class WeightLoader {
  private readonly taken = new Set<string>();
  private readonly skipped = new Set<string>();
  /** parameters taken so far */
  params = 0;

  constructor(private readonly store: WeightStore) {}

  /** The tensor `name`, which must exist with exactly `shape`. */
  take(name: string, shape: readonly number[]): Tensor {
    if (!this.store.has(name)) throw new ModelWeightsError(`checkpoint is missing tensor "${name}" (expected shape [${shape}])`);
    const t = this.store.get(name, shape);
    if (t.shape.length !== shape.length || t.shape.some((d, i) => d !== shape[i])) {
      throw new ModelWeightsError(`tensor "${name}" has shape [${t.shape}], expected [${shape}]`);
    }
    this.taken.add(name);
    this.params += numel(shape);
    return t;
  }

  /** The tensor `name` viewed with another shape of the same size (e.g. conv1d [d, 1, k] as [d, k]). */
  takeAs(name: string, stored: readonly number[], view: readonly number[]): Tensor {
    return tensor(view, this.take(name, stored).data);
  }

  /** `take` when `present`, else undefined — for weights a config flag turns on (biases). */
  takeIf(present: boolean, name: string, shape: readonly number[]): Tensor | undefined {
    return present ? this.take(name, shape) : undefined;
  }

  /** Allows a tensor to stay unused (HF's tied lm_head copy); a no-op when the checkpoint lacks it. */
  allowUnused(name: string): void {
    this.skipped.add(name);
  }

  /** Fails listing every checkpoint tensor that was neither taken nor allowed unused. */
  finish(architecture: string): void {
    const left = this.store.names().filter((n) => !this.taken.has(n) && !this.skipped.has(n));
    if (left.length > 0) {
      const shown = left.slice(0, 20).map((n) => `"${n}"`).join(", ");
      throw new ModelWeightsError(
        `checkpoint has ${left.length} tensor${left.length > 1 ? "s" : ""} the ${architecture} graph does not use: ${shown}${left.length > 20 ? ", …" : ""}`,
      );
    }
  }
}
