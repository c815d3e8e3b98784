import type { Ops } from "../ops.ts";
import { widenBf16, widenF16 } from "../checkpoint/half-float.ts";
import { numel, type StoredTensor, type Tensor } from "../tensor.ts";
import type { WeightStore } from "./causal-lm.ts";

/** f32 values of a stored tensor (f16/bf16 widened; f32 copied). */
function widenStored(t: StoredTensor): Float32Array {
  if (t.dtype === "F32") return Float32Array.from(t.values);
  return t.dtype === "F16" ? widenF16(t.values as Uint16Array) : widenBf16(t.values as Uint16Array);
}

/** A checkpoint whose tensors do not match the model graph: the message names the tensors. */
export class ModelWeightsError extends Error {
  override name = "ModelWeightsError";
}

/**
 * Loads weights through an explicit name map: every tensor is taken by its HF name and shape and handed to the
 * backend once (Ops.weight), and finish() fails on checkpoint tensors nobody took (a wrong architecture or
 * config, or a feature we would silently drop).
 */
export class WeightLoader {
  private readonly taken = new Set<string>();
  private readonly skipped = new Set<string>();
  /** parameters taken so far */
  params = 0;

  constructor(
    private readonly store: WeightStore,
    readonly ops: Ops,
  ) {}

  /** The stored tensor `name`, which must exist with exactly `shape`, counted as taken. */
  stored(name: string, shape: readonly number[]): StoredTensor {
    if (!this.store.has(name)) throw new ModelWeightsError(`checkpoint is missing tensor "${name}" (expected shape [${shape}])`);
    const t = this.store.getStored(name, shape);
    if (t.shape.length !== shape.length || t.shape.some((d, i) => d !== shape[i])) {
      throw new ModelWeightsError(`tensor "${name}" has shape [${t.shape}], expected [${shape}]`);
    }
    this.taken.add(name);
    this.params += numel(shape);
    return t;
  }

  /** A vector-like weight (norms, biases, conv taps, A, D): f32 on every backend. */
  take(name: string, shape: readonly number[]): Tensor {
    return this.ops.weight(this.stored(name, shape), "vector");
  }

  /** A matrix linear or embedding reads: kept in its stored dtype on GPU backends. */
  takeMatrix(name: string, shape: readonly number[]): Tensor {
    return this.ops.weight(this.stored(name, shape), "matrix");
  }

  /** A vector-like weight mapped elementwise on the host at load (e.g. A = −exp(A_log)), then f32 on the backend. */
  takeMapped(name: string, shape: readonly number[], f: (v: number) => number): Tensor {
    const t = this.stored(name, shape);
    const values = widenStored(t).map(f);
    return this.ops.weight({ shape, dtype: "F32", values }, "vector");
  }

  /**
   * Several same-shaped matrices stacked on a new leading dim, in their stored dtype (the experts of a MoE
   * block: [e, rows, cols]). They must share one dtype.
   */
  takeStacked(names: readonly string[], shape: readonly number[]): Tensor {
    const parts = names.map((n) => this.stored(n, shape));
    const dtype = parts[0]!.dtype;
    const mixed = parts.find((p) => p.dtype !== dtype);
    if (mixed) throw new ModelWeightsError(`tensors "${names[0]}" and "${names[parts.indexOf(mixed)]}" differ in dtype (${dtype}, ${mixed.dtype})`);
    const each = numel(shape);
    const values = dtype === "F32" ? new Float32Array(each * parts.length) : new Uint16Array(each * parts.length);
    parts.forEach((p, i) => values.set(p.values, i * each));
    return this.ops.weight({ shape: [parts.length, ...shape], dtype, values }, "matrix");
  }

  /**
   * Matrices (or biases) that read the same input, concatenated along their rows at load, in their stored dtype:
   * one linear then computes them all (q‖k‖v, gate‖up), one kernel where there were several. They must share one
   * dtype and their trailing dims.
   */
  takeRows(parts: readonly (readonly [name: string, shape: readonly number[]])[], use: "matrix" | "vector"): Tensor {
    const stored = parts.map(([name, shape]) => this.stored(name, shape));
    const first = stored[0]!;
    const trailing = first.shape.slice(1).join(",");
    for (const [i, t] of stored.entries()) {
      if (t.dtype !== first.dtype) throw new ModelWeightsError(`tensors "${parts[0]![0]}" and "${parts[i]![0]}" differ in dtype (${first.dtype}, ${t.dtype})`);
      if (t.shape.slice(1).join(",") !== trailing) throw new ModelWeightsError(`tensors "${parts[0]![0]}" and "${parts[i]![0]}" cannot be stacked by rows`);
    }
    const total = stored.reduce((a, t) => a + t.values.length, 0);
    const values = first.dtype === "F32" ? new Float32Array(total) : new Uint16Array(total);
    let at = 0;
    for (const t of stored) {
      values.set(t.values, at);
      at += t.values.length;
    }
    const rows = stored.reduce((a, t) => a + t.shape[0]!, 0);
    return this.ops.weight({ shape: [rows, ...first.shape.slice(1)], dtype: first.dtype, values }, use);
  }

  /** A vector-like weight viewed with another shape of the same size (e.g. conv1d [d, 1, k] as [d, k]). */
  takeAs(name: string, stored: readonly number[], view: readonly number[]): Tensor {
    return this.ops.weight({ ...this.stored(name, stored), shape: view }, "vector");
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
