import type { Ops } from "../../ops.ts";
import { numel, tensor, type HostTensor, type StoredTensor } from "../../tensor.ts";
import { widenBf16, widenF16 } from "../../checkpoint/half-float.ts";
import { attention, kvAppend, newKvCache, positionOf } from "./attention.ts";
import { conv1dCausal } from "./conv1d.ts";
import { copyRow } from "./copy-row.ts";
import { add, addBias, clamp, exp, mul, scale, silu, siluAndMul, siluMul, softmax, softplus, topk } from "./elementwise.ts";
import { experts } from "./experts.ts";
import { embedding, linear, sliceCols } from "./linear.ts";
import { tokenLogprobs } from "./logprobs.ts";
import { addRmsnorm, gatedRmsnorm, rmsnorm } from "./norm.ts";
import { rope } from "./rope.ts";
import { configureSampler, newSampler, sample } from "./sampler.ts";
import { selectiveScan } from "./selective-scan.ts";
import { BackendMismatchError, ShapeError } from "../../shape-check.ts";

export { BackendMismatchError };
import { ssdScan } from "./ssd-scan.ts";

/** f32 values of a stored weight (f16/bf16 widened). */
function widen(t: StoredTensor): Float32Array {
  if (t.dtype === "F32") return t.values as Float32Array;
  return t.dtype === "F16" ? widenF16(t.values as Uint16Array) : widenBf16(t.values as Uint16Array);
}

function reshape(x: HostTensor, shape: readonly number[]): HostTensor {
  if (numel(shape) !== x.data.length) throw new ShapeError(`reshape: [${x.shape}] cannot be viewed as [${shape}]`);
  return tensor(shape, x.data);
}

function rows(x: HostTensor, start: number, count: number): HostTensor {
  const [n, k] = [x.shape[0]!, x.data.length / Math.max(1, x.shape[0]!)];
  if (!Number.isInteger(start) || !Number.isInteger(count) || start < 0 || count < 0 || start + count > n) {
    throw new ShapeError(`rows: [${start}, ${start + count}) outside ${n} rows`);
  }
  return tensor([count, ...x.shape.slice(1)], x.data.subarray(start * k, (start + count) * k));
}

const plain = {
  name: "cpu" as const,
  weight: (t: StoredTensor) => tensor(t.shape, widen(t)),
  tokens(ids: readonly number[]): HostTensor {
    for (const id of ids) if (!Number.isInteger(id) || id < 0 || id >= 1 << 24) throw new RangeError(`token id ${id} is outside [0, 2^24)`);
    return tensor([ids.length], Float32Array.from(ids));
  },
  read: (t: HostTensor) => Promise.resolve(t.data.slice()),
  memory: () => null,
  stepsPerRead: 1,
  beginStep: () => {},
  replay: (_key: object, step: () => void) => step(),
  zeros: (shape: readonly number[]) => tensor(shape),
  newPosition: () => tensor([1]),
  advance(pos: HostTensor, n: number): void {
    pos.data[0] = positionOf("advance", pos) + n;
  },
  copyRow,
  reshape,
  rows,
  linear,
  embedding,
  sliceCols,
  rmsnorm,
  addRmsnorm,
  gatedRmsnorm,
  silu,
  softplus,
  exp,
  scale,
  addBias,
  clamp,
  add,
  mul,
  siluMul,
  siluAndMul,
  softmax,
  topk,
  experts,
  conv1dCausal,
  // the options as the ops they stand for, in order: the reference the fused GPU kernels are held to
  selectiveScan(u: HostTensor, delta: HostTensor, A: HostTensor, B: HostTensor, C: HostTensor, D: HostTensor, state: HostTensor, opts?: { deltaSoftplus?: boolean; z?: HostTensor }): HostTensor {
    const y = selectiveScan(u, opts?.deltaSoftplus ? softplus(delta) : delta, A, B, C, D, state);
    return opts?.z ? siluMul(opts.z, y) : y;
  },
  ssdScan(x: HostTensor, dt: HostTensor, A: HostTensor, B: HostTensor, C: HostTensor, D: HostTensor, state: HostTensor, opts?: { dtBias?: HostTensor; dtSoftplus?: boolean; dtLimit?: readonly [number, number] }): HostTensor {
    let d = opts?.dtBias ? addBias(dt, opts.dtBias) : dt;
    if (opts?.dtSoftplus) d = softplus(d);
    if (opts?.dtLimit) d = clamp(d, opts.dtLimit[0], opts.dtLimit[1]);
    return ssdScan(x, d, A, B, C, D, state);
  },
  rope,
  newKvCache,
  kvAppend,
  attention,
  newSampler,
  configureSampler,
  sample,
  tokenLogprobs,
} satisfies Ops;

/** Fails unless every tensor argument is a host tensor (the CPU backend's own). */
function checkHost(op: string, args: unknown[]): void {
  for (const a of args) {
    if (typeof a === "object" && a !== null && "shape" in a && !((a as { data?: unknown }).data instanceof Float32Array)) {
      const owner = (a as { backend?: string }).backend ?? "another backend";
      throw new BackendMismatchError(`${op}: got a tensor of ${owner}; the cpu backend computes on host tensors only`);
    }
  }
}

/**
 * The CPU backend: plain TypeScript, f32 storage, the reference every other backend is tested against. Typed
 * with host tensors, so tests and tools can read what its ops return.
 */
export const cpuOps: typeof plain = Object.fromEntries(
  Object.entries(plain).map(([op, fn]) => [
    op,
    // weight() takes a stored checkpoint tensor, the one host input that is not a host tensor
    typeof fn === "function" && op !== "weight"
      ? (...args: unknown[]) => {
          checkHost(op, args);
          return (fn as (...a: unknown[]) => unknown)(...args);
        }
      : fn,
  ]),
) as unknown as typeof plain;
