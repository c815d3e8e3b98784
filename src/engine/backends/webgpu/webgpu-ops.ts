/**
 * The WebGPU backend: every op a WGSL kernel of kernels/ (one dispatch function per op in this folder), tensors
 * in storage buffers, matrices in their stored dtype (f16 natively where the device has shader-f16, f16 and
 * bf16 words widened in the kernels otherwise), activations from a step pool reset at every beginStep, and the
 * work of a step recorded into one compute pass that is submitted when something is read (or the uniform ring
 * fills). Positions, token ids, sampling and scoring stay on the device. The CPU backend is the reference it is
 * tested against (tests/kernels/webgpu).
 */
import { widenBf16, widenF16 } from "../../checkpoint/half-float.ts";
import type { BackendName, KvCache, Ops, SamplerSlot } from "../../ops.ts";
import { createSampler, type SamplerOptions } from "../../sampling.ts";
import { copyRowSpan } from "../../op-shapes.ts";
import { BackendMismatchError, ShapeError } from "../../shape-check.ts";
import { numel, type StoredTensor, type Tensor } from "../../tensor.ts";
import { attention, type GpuKvCache, kvAppend, newKvCache } from "./attention.ts";
import { conv1dCausal } from "./conv1d.ts";
import { addBias, advance, binary, copyRows, sliceCols, unary } from "./elementwise.ts";
import { embedding } from "./embedding.ts";
import { experts } from "./experts.ts";
import { type GpuContextOptions, type GpuDtype, type GpuTensor, GpuContext } from "./gpu-context.ts";
import { linear } from "./linear.ts";
import { gatedRmsnorm, rmsnorm } from "./rmsnorm.ts";
import { rope } from "./rope.ts";
import { type GpuSamplerSlot, sample, samplerWords, tokenLogprobs } from "./sampling.ts";
import { selectiveStateUpdate } from "./selective-state-update.ts";
import { softmax, topk } from "./softmax-topk.ts";
import { ssdStateUpdate } from "./ssd-state-update.ts";
import { StepPool } from "./step-pool.ts";

/** The WebGPU backend's Ops, plus what it can tell about the device. */
export interface WebGpuOps extends Ops {
  /** the adapter's description (e.g. "llvmpipe (LLVM 15.0.6, 256 bits)" or the GPU's name) */
  readonly adapterName: string;
  /** whether f16 matrices are read natively (shader-f16) rather than as packed words */
  readonly nativeF16: boolean;
  /** the device context the ops record into (kernel checks and benchmarks time through it) */
  readonly context: GpuContext;
  /** bytes the step pool holds (the largest step's activations so far) */
  stepBytes(): number;
}

/**
 * Decode steps between two token reads. Every wait for the device costs ~11 ms in Deno's WebGPU, on the H200
 * and on lavapipe alike (shared/STACK.md), so a read per token caps decode near 88 tokens/s; 8 steps per wait
 * leave ~1.4 ms of it a token. On lavapipe (bench/webgpu-lookahead.ts, docs/benchmarks.md) 8 takes nearly all
 * of the gain — 16 read 2–10% faster across runs, about the noise of a shared 2-core machine — while text still
 * streams in bursts of 8 and a generation that ends inside a batch runs at most 7 steps it does not use.
 */
const STEPS_PER_READ = 8;

const F32: readonly GpuDtype[] = ["f32"];
const ANY: readonly GpuDtype[] = ["f32", "f16", "bf16"];

interface Slot extends GpuSamplerSlot {
  configured: boolean;
}

/** The owner of a tensor that is not this backend's, in words. */
function ownerOf(t: unknown): string {
  const backend = (t as { backend?: BackendName } | null)?.backend;
  if (backend === "webgpu") return "another webgpu device";
  if (backend) return `the ${backend} backend`;
  return typeof t === "object" && t !== null && "data" in t ? "the cpu backend" : "another backend";
}

/**
 * Opens the WebGPU device and returns the backend. Throws saying why when the runtime has no WebGPU (run under
 * Deno) or no adapter, which `--backend auto` reports before falling back.
 * @example
 *   const ops = await createWebGpuOps();
 *   const model = createModel(await loadCheckpoint(dir), ops);
 */
export async function createWebGpuOps(options: GpuContextOptions = {}): Promise<WebGpuOps> {
  const gpu = await GpuContext.create(undefined, options);
  const pool = new StepPool(gpu);
  gpu.steps = pool;

  /** A tensor this backend owns, of one of `dtypes`; another backend's tensor is an error naming both. */
  function dev(op: string, t: Tensor, dtypes: readonly GpuDtype[] = F32): GpuTensor {
    const g = t as Partial<GpuTensor>;
    if (g.backend !== "webgpu" || g.owner !== gpu) {
      throw new BackendMismatchError(`${op}: got a tensor of ${ownerOf(t)}; the webgpu backend computes on its own tensors only`);
    }
    if (!dtypes.includes(g.dtype!)) throw new ShapeError(`${op}: a ${g.dtype} tensor where ${dtypes.join(" or ")} is needed`);
    return t as GpuTensor;
  }

  function cacheOf(op: string, cache: KvCache): GpuKvCache {
    const c = cache as Partial<GpuKvCache>;
    if (c.backend !== "webgpu" || c.keys?.owner !== gpu) throw new BackendMismatchError(`${op}: the KV cache belongs to ${ownerOf(cache)}`);
    return c as GpuKvCache;
  }

  function slotOf(op: string, slot: SamplerSlot): Slot {
    const s = slot as Partial<Slot>;
    if (s.backend !== "webgpu" || s.words?.owner !== gpu) throw new BackendMismatchError(`${op}: the sampler slot belongs to ${ownerOf(slot)}`);
    return s as Slot;
  }

  const maxBinding = gpu.device.limits.maxStorageBufferBindingSize;

  const ops: WebGpuOps = {
    name: "webgpu",
    adapterName: gpu.adapterName,
    nativeF16: gpu.f16,
    context: gpu,
    stepBytes: () => pool.bytes(),

    weight(t: StoredTensor, use: "matrix" | "vector"): Tensor {
      const n = numel(t.shape);
      if (t.values.length !== n) throw new RangeError(`weight: ${t.values.length} values for shape [${t.shape}]`);
      const half = t.dtype !== "F32";
      const bytes = n * (half && use === "matrix" ? 2 : 4);
      if (bytes > maxBinding) throw new RangeError(`weight: [${t.shape}] needs ${bytes} bytes; the device binds at most ${maxBinding} per buffer`);
      if (half && use === "matrix") return gpu.uploadWords(t.shape, t.dtype === "F16" ? "f16" : "bf16", t.values as Uint16Array);
      const values = !half ? (t.values as Float32Array) : t.dtype === "F16" ? widenF16(t.values as Uint16Array) : widenBf16(t.values as Uint16Array);
      return gpu.uploadWords(t.shape, "f32", values);
    },
    tokens(ids: readonly number[]): Tensor {
      for (const id of ids) if (!Number.isInteger(id) || id < 0 || id >= 1 << 24) throw new RangeError(`token id ${id} is outside [0, 2^24)`);
      const t = gpu.output([ids.length]);
      gpu.write(t, Float32Array.from(ids));
      return t;
    },
    async read(t: Tensor): Promise<Float32Array> {
      return (await gpu.read(dev("read", t))).data;
    },
    /** WebGPU does not report device memory: null, as for the CPU (no up-front fit check). */
    memory: () => null,
    stepsPerRead: STEPS_PER_READ,

    beginStep: () => pool.reset(),
    // WebGPU has no command replay for compute: the step records again, into the same open pass and pool slots.
    replay: (_key: object, step: () => void) => step(),
    zeros: (shape: readonly number[]) => gpu.empty(shape),
    newPosition: () => gpu.empty([1]),
    advance: (pos: Tensor, n: number) => advance(gpu, dev("advance", pos), n),
    copyRow(dst: Tensor, src: Tensor, row: number): void {
      const { start, length } = copyRowSpan(dst, src, row);
      gpu.copy(dev("copyRow", src), dev("copyRow", dst), start * 4, length * 4);
    },

    reshape(x: Tensor, shape: readonly number[]): Tensor {
      const g = dev("reshape", x, ANY);
      if (numel(shape) !== numel(x.shape)) throw new ShapeError(`reshape: [${x.shape}] cannot be viewed as [${shape}]`);
      return gpu.view(g, shape);
    },
    rows(x: Tensor, start: number, count: number): Tensor {
      const g = dev("rows", x);
      const n = x.shape[0]!;
      if (x.shape.length < 1 || !Number.isInteger(start) || !Number.isInteger(count) || start < 0 || count < 0 || start + count > n) {
        throw new ShapeError(`rows: [${start}, ${start + count}) outside ${n} rows`);
      }
      const row = numel(x.shape) / Math.max(1, n);
      const shape = [count, ...x.shape.slice(1)];
      // a view where the offset can be bound; otherwise (an odd row size) a copy of the rows
      if (gpu.canView(g.offset + start * row * 4)) return gpu.view(g, shape, start * row * 4);
      return copyRows(gpu, g, shape, 1, count * row, 0, start * row);
    },

    linear: (x, w, b) => linear(gpu, dev("linear", x), dev("linear", w, ANY), b && dev("linear", b)),
    embedding: (table, ids) => embedding(gpu, dev("embedding", table, ANY), dev("embedding", ids)),
    sliceCols: (x, start, width) => sliceCols(gpu, dev("sliceCols", x), start, width),

    rmsnorm: (x, w, eps) => rmsnorm(gpu, dev("rmsnorm", x), dev("rmsnorm", w), eps),
    // two dispatches here: a step's dispatches cost far less than its waits in Deno's WebGPU (shared/STACK.md)
    addRmsnorm(x, r, w, eps) {
      const sum = binary(gpu, "add", dev("addRmsnorm", x), dev("addRmsnorm", r));
      return { sum, normed: rmsnorm(gpu, sum, dev("addRmsnorm", w), eps) };
    },
    gatedRmsnorm: (x, z, w, eps, groupSize) =>
      gatedRmsnorm(gpu, dev("gatedRmsnorm", x), dev("gatedRmsnorm", z), dev("gatedRmsnorm", w), eps, groupSize),

    silu: (x) => unary(gpu, "silu", dev("silu", x)),
    softplus: (x) => unary(gpu, "softplus", dev("softplus", x)),
    exp: (x) => unary(gpu, "exp", dev("exp", x)),
    scale: (x, c) => unary(gpu, "scale", dev("scale", x), c),
    clamp: (x, lo, hi) => unary(gpu, "clamp", dev("clamp", x), lo, hi),
    addBias: (x, b) => addBias(gpu, dev("addBias", x), dev("addBias", b)),
    add: (a, b) => binary(gpu, "add", dev("add", a), dev("add", b)),
    mul: (a, b) => binary(gpu, "mul", dev("mul", a), dev("mul", b)),
    siluMul: (a, b) => binary(gpu, "siluMul", dev("siluMul", a), dev("siluMul", b)),
    siluAndMul(x) {
      const g = dev("siluAndMul", x);
      const f = (x.shape[1] ?? 0) / 2;
      if (x.shape.length !== 2 || !Number.isInteger(f)) throw new ShapeError(`siluAndMul: x [${x.shape}] is not [n, 2f]`);
      return binary(gpu, "siluMul", sliceCols(gpu, g, 0, f), sliceCols(gpu, g, f, f));
    },
    softmax: (x) => softmax(gpu, dev("softmax", x)),
    topk: (x, k) => topk(gpu, dev("topk", x), k),
    experts: (x, gate, up, down, indices, weights) =>
      experts(gpu, dev("experts", x), dev("experts", gate, ANY), dev("experts", up, ANY), dev("experts", down, ANY), dev("experts", indices), dev("experts", weights)),

    conv1dCausal(x, w, b, state, activation) {
      const y = conv1dCausal(gpu, dev("conv1dCausal", x), dev("conv1dCausal", w), b && dev("conv1dCausal", b), dev("conv1dCausal", state));
      return activation === "silu" ? unary(gpu, "silu", y) : y;
    },
    // the options as separate dispatches (cheap next to a step's waits in Deno's WebGPU)
    selectiveScan(u, delta, A, B, C, D, state, opts) {
      const t = (x: Tensor) => dev("selectiveScan", x);
      const d = opts?.deltaSoftplus ? unary(gpu, "softplus", t(delta)) : t(delta);
      const y = selectiveStateUpdate(gpu, t(u), d, t(A), t(B), t(C), t(D), t(state));
      return opts?.z ? binary(gpu, "siluMul", t(opts.z), y) : y;
    },
    ssdScan(x, dt, A, B, C, D, state, opts) {
      const t = (v: Tensor) => dev("ssdScan", v);
      let d = opts?.dtBias ? addBias(gpu, t(dt), t(opts.dtBias)) : t(dt);
      if (opts?.dtSoftplus) d = unary(gpu, "softplus", d);
      if (opts?.dtLimit) d = unary(gpu, "clamp", d, opts.dtLimit[0], opts.dtLimit[1]);
      return ssdStateUpdate(gpu, t(x), d, t(A), t(B), t(C), t(D), t(state));
    },

    rope: (x, pos, invFreq, scaling) => rope(gpu, dev("rope", x), dev("rope", pos), dev("rope", invFreq), scaling),
    newKvCache: (kvHeads, headDim, capacity) => newKvCache(gpu, kvHeads, headDim, capacity),
    kvAppend: (cache, k, v, pos) => kvAppend(gpu, cacheOf("kvAppend", cache), dev("kvAppend", k), dev("kvAppend", v), dev("kvAppend", pos)),
    attention: (q, cache, pos, scale) => attention(gpu, dev("attention", q), cacheOf("attention", cache), dev("attention", pos), scale),

    newSampler(): SamplerSlot {
      const slot: Slot = { backend: "webgpu", words: gpu.empty([4]), configured: false };
      return slot;
    },
    configureSampler(slot: SamplerSlot, opts: SamplerOptions): void {
      const s = slotOf("configureSampler", slot);
      createSampler(opts); // validates, with the CPU sampler's messages
      const seed = opts.seed ?? crypto.getRandomValues(new Uint32Array(1))[0]!;
      gpu.write(s.words, samplerWords(opts.temperature, opts.topK ?? 0, opts.topP ?? 0, seed));
      s.configured = true;
    },
    sample(logits: Tensor, slot: SamplerSlot, token: Tensor, logprob: Tensor): void {
      const s = slotOf("sample", slot);
      const l = dev("sample", logits);
      if (!s.configured) throw new RangeError("sample: the sampler slot is not configured");
      sample(gpu, l, s, dev("sample", token), dev("sample", logprob));
    },
    tokenLogprobs: (logits, targets) => tokenLogprobs(gpu, dev("tokenLogprobs", logits), dev("tokenLogprobs", targets)),
  };
  return ops;
}
