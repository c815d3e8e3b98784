/**
 * The CUDA backend: every op a kernel of kernels/ (one shared library, loaded through Deno's FFI), tensors in
 * device memory, weights in their stored dtype, activations in a step arena, and decode steps recorded once per
 * model state as a CUDA graph and replayed. The CPU backend is the reference it is tested against.
 */
import type { BackendName, KvCache, Ops, SamplerSlot, SelectiveScanOptions, SsdScanOptions } from "../../ops.ts";
import { createSampler, type SamplerOptions } from "../../sampling.ts";
import { BackendMismatchError, dims2, dims3, expectShape, ShapeError } from "../../shape-check.ts";
import { conv1dDims, copyRowSpan, expertsDims, linearDims, selectiveScanDims, ssdScanDims } from "../../op-shapes.ts";
import { numel, type StoredTensor, type Tensor } from "../../tensor.ts";
import { widenBf16, widenF16 } from "../../checkpoint/half-float.ts";
import { CUDA_SYMBOLS, type CudaCall, CudaError, type CudaLibrary, type CudaSymbol, openCudaLibrary } from "./cuda-library.ts";
import { DeviceMemory } from "./device-memory.ts";

/** Element storage on the device: the codes kernels/runtime/runtime.h names. */
const F32 = 0;
const F16 = 1;
const BF16 = 2;
type Dtype = typeof F32 | typeof F16 | typeof BF16;
const DTYPE_BYTES: Record<Dtype, number> = { [F32]: 4, [F16]: 2, [BF16]: 2 };
const DTYPE_NAME: Record<Dtype, string> = { [F32]: "f32", [F16]: "f16", [BF16]: "bf16" };

/** A tensor in device memory: row-major, `ptr` its first element. */
export interface CudaTensor extends Tensor {
  readonly backend: "cuda";
  readonly ptr: number;
  readonly dtype: Dtype;
}

interface CudaKvCache extends KvCache {
  readonly keys: number;
  readonly values: number;
  /** f32, or bf16 for a layer computed in half precision (kernels/attention, sy_kv_dtype) */
  readonly dtype: Dtype;
}

interface CudaSamplerSlot extends SamplerSlot {
  /** [temperature, top-k, top-p, mulberry32 state] on the device */
  readonly ptr: number;
}

/** What the backend reports about itself (cards, /metrics, logs). */
export interface CudaInfo {
  device: string;
  gemm: "cuBLAS" | "own kernel";
  library: string;
}

/** The CUDA backend's Ops, plus what it can tell about the device. */
export interface CudaOps extends Ops {
  readonly info: CudaInfo;
  /** the dtype matrices of a checkpoint stored as `stored` are kept in here */
  matrixDtype(stored: StoredTensor["dtype"]): string;
}

/** Unary and binary op codes of kernels/elementwise. */
const UNARY = { silu: 0, softplus: 1, exp: 2, scale: 3, clamp: 4 } as const;
const BINARY = { add: 0, mul: 1, siluMul: 2 } as const;

/**
 * Opens the library and the device. Throws a CudaError saying why when there is no Deno FFI, no library, no
 * driver or no device, which `--backend auto` reports before falling back.
 */
export function createCudaOps(options: { library?: string; device?: number } = {}): CudaOps {
  const lib: CudaLibrary = openCudaLibrary(options.library);
  const raw = lib.call;
  // A one-row addRmsnorm waiting for the linear that reads its output: that GEMV runs it in its prologue
  // (sy_linear_norm), so the norm costs a decode step no launch of its own. Any other call into the library
  // launches it first, so nothing can observe it late.
  let pendingNorm: { x: number; r: number; w: number; eps: number; sum: number; normed: CudaTensor; d: number } | null = null;
  const flushNorm = (): void => {
    const p = pendingNorm;
    if (!p) return;
    pendingNorm = null;
    lib.check("addRmsnorm", raw.sy_add_rmsnorm(p.x, p.r, p.w, p.sum, p.normed.ptr, 1, p.d, p.eps));
  };
  // each entry point wrapped once, not per call: prefill makes hundreds of calls a slice
  const call = Object.fromEntries(
    (Object.keys(CUDA_SYMBOLS) as CudaSymbol[]).map((name) => [name, (...args: Parameters<CudaCall>) => (flushNorm(), raw[name](...args))]),
  ) as Record<CudaSymbol, CudaCall>;
  const count = new Int32Array(1);
  lib.check("cudaGetDeviceCount", call.sy_device_count(count));
  if (count[0] === 0) throw new CudaError("no CUDA device is visible");
  lib.check("cudaSetDevice / stream", call.sy_init(options.device ?? 0));
  const stream = lib.stream();
  const nameBuf = new Uint8Array(256);
  lib.check("cudaGetDeviceProperties", call.sy_device_name(nameBuf, nameBuf.length));
  const info: CudaInfo = {
    device: new TextDecoder().decode(nameBuf.subarray(0, nameBuf.indexOf(0))),
    gemm: call.sy_blas_available() === 1 ? "cuBLAS" : "own kernel",
    library: lib.path,
  };
  const mem = new DeviceMemory(lib);
  const graphs = new WeakMap<object, { runs: number; exec: number }>();
  const graphRelease = new FinalizationRegistry<number>((exec) => call.sy_graph_destroy(exec));

  const check = (what: string, code: number) => lib.check(what, code);
  const make = (shape: readonly number[], ptr: number, dtype: Dtype = F32): CudaTensor => ({ shape: [...shape], backend: "cuda", ptr, dtype });
  const stepTensor = (shape: readonly number[], what: string): CudaTensor => make(shape, mem.step(numel(shape) * 4, what));

  /** The device pointer of a tensor this backend owns; another backend's tensor is an error naming both. */
  function dev(op: string, t: Tensor, dtypes: readonly Dtype[] = [F32]): CudaTensor {
    const c = t as Partial<CudaTensor>;
    if (c.backend !== "cuda" || c.ptr === undefined) {
      const owner = (t as { backend?: BackendName }).backend ?? ("data" in t ? "cpu" : "another backend");
      throw new BackendMismatchError(`${op}: got a tensor of the ${owner} backend; the cuda backend computes on its own tensors only`);
    }
    if (!dtypes.includes(c.dtype as Dtype)) throw new ShapeError(`${op}: a ${DTYPE_NAME[c.dtype as Dtype]} tensor where ${dtypes.map((d) => DTYPE_NAME[d]).join(" or ")} is needed`);
    return c as CudaTensor;
  }

  function upload(values: ArrayBufferView, ptr: number, what: string): void {
    check(`upload ${what}`, call.sy_upload(ptr, values, values.byteLength));
  }

  function unary(op: keyof typeof UNARY, x: Tensor, a = 0, b = 0): Tensor {
    const xt = dev(op, x);
    const y = stepTensor(x.shape, op);
    check(op, call.sy_unary(xt.ptr, y.ptr, numel(x.shape), UNARY[op], a, b));
    return y;
  }

  function binary(op: keyof typeof BINARY, a: Tensor, b: Tensor): Tensor {
    const at = dev(op, a);
    const bt = dev(op, b);
    if (numel(a.shape) !== numel(b.shape) || a.shape.length !== b.shape.length || a.shape.some((d, i) => d !== b.shape[i])) {
      throw new ShapeError(`${op}: shapes [${a.shape}] and [${b.shape}] differ`);
    }
    const y = stepTensor(a.shape, op);
    check(op, call.sy_binary(at.ptr, bt.ptr, y.ptr, numel(a.shape), BINARY[op]));
    return y;
  }

  function position(op: string, pos: Tensor): CudaTensor {
    const p = dev(op, pos);
    expectShape(op, "pos", p, [1]);
    return p;
  }

  const ops: CudaOps = {
    name: "cuda",
    info,
    memory(): { free: number; total: number } {
      const free = new BigUint64Array(1);
      const total = new BigUint64Array(1);
      check("cudaMemGetInfo", call.sy_mem_info(free, total));
      return { free: Number(free[0]), total: Number(total[0]) };
    },
    matrixDtype: (stored) => (stored === "F32" ? "f32" : stored === "F16" ? "f16" : "bf16"),

    weight(t: StoredTensor, use: "matrix" | "vector"): Tensor {
      const n = numel(t.shape);
      if (t.values.length !== n) throw new ShapeError(`weight: ${t.values.length} values for shape [${t.shape}]`);
      let values: Float32Array | Uint16Array = t.values;
      let dtype: Dtype = t.dtype === "F32" ? F32 : t.dtype === "F16" ? F16 : BF16;
      if (use === "vector" && dtype !== F32) {
        values = dtype === F16 ? widenF16(t.values as Uint16Array) : widenBf16(t.values as Uint16Array);
        dtype = F32;
      }
      const ptr = mem.longLived(n * DTYPE_BYTES[dtype], "a weight");
      upload(values, ptr, "a weight");
      return make(t.shape, ptr, dtype);
    },
    tokens(ids: readonly number[]): Tensor {
      for (const id of ids) if (!Number.isInteger(id) || id < 0 || id >= 1 << 24) throw new RangeError(`token id ${id} is outside [0, 2^24)`);
      const t = stepTensor([ids.length], "token ids");
      upload(Float32Array.from(ids), t.ptr, "token ids");
      return t;
    },
    read(t: Tensor): Promise<Float32Array> {
      const c = dev("read", t);
      const out = new Float32Array(numel(t.shape));
      check("read", call.sy_download(out, c.ptr, out.byteLength));
      return Promise.resolve(out);
    },
    // a read is a synchronous copy of microseconds: the decode loop reads every token
    stepsPerRead: 1,

    beginStep(): void {
      flushNorm(); // its buffers are about to be reused
      mem.reset();
    },
    replay(key: object, step: () => void): void {
      const g = graphs.get(key) ?? { runs: 0, exec: 0 };
      graphs.set(key, g);
      g.runs += 1;
      // the first run is eager: it sizes the arena, so the recording allocates nothing from the driver
      if (g.runs === 1) return step();
      if (g.exec === 0) {
        check("cudaStreamBeginCapture", call.sy_capture_begin());
        mem.capturing = true;
        const out = new BigUint64Array(1);
        try {
          step();
        } finally {
          mem.capturing = false;
          const code = call.sy_capture_end(out);
          if (code !== 0 && g.exec === 0) check("cudaStreamEndCapture", code);
        }
        g.exec = Number(out[0]);
        graphRelease.register(key, g.exec);
      }
      check("cudaGraphLaunch", call.sy_graph_launch(g.exec));
    },
    zeros(shape: readonly number[]): Tensor {
      // a state's tensors go with the state: freed once it is collected (its recorded graph goes with it too)
      const bytes = numel(shape) * 4;
      const t = make(shape, mem.longLived(bytes, "a state tensor"));
      mem.releaseWith(t, t.ptr, bytes);
      return t;
    },
    newPosition(): Tensor {
      return ops.zeros([1]);
    },
    advance(pos: Tensor, n: number): void {
      check("advance", call.sy_advance(position("advance", pos).ptr, n));
    },
    copyRow(dst: Tensor, src: Tensor, row: number): void {
      const { start, length } = copyRowSpan(dst, src, row);
      const bytes = length * 4;
      // one row of `bytes` as a 2-D copy of height 1: a device-to-device copy on the stream, capturable
      check("copyRow", call.sy_copy2d(dev("copyRow", dst).ptr + start * 4, bytes, dev("copyRow", src).ptr, bytes, bytes, 1));
    },

    reshape(x: Tensor, shape: readonly number[]): Tensor {
      const c = dev("reshape", x, [F32, F16, BF16]);
      if (numel(shape) !== numel(x.shape)) throw new ShapeError(`reshape: [${x.shape}] cannot be viewed as [${shape}]`);
      return make(shape, c.ptr, c.dtype);
    },
    rows(x: Tensor, start: number, count: number): Tensor {
      const c = dev("rows", x);
      const n = x.shape[0]!;
      if (!Number.isInteger(start) || !Number.isInteger(count) || start < 0 || count < 0 || start + count > n) {
        throw new ShapeError(`rows: [${start}, ${start + count}) outside ${n} rows`);
      }
      const row = numel(x.shape) / Math.max(1, n);
      return make([count, ...x.shape.slice(1)], c.ptr + start * row * 4);
    },

    linear(x: Tensor, w: Tensor, b?: Tensor): Tensor {
      const { n, k, m } = linearDims(x, w, b);
      const xt = dev("linear", x);
      const wt = dev("linear", w, [F32, F16, BF16]);
      const y = stepTensor([n, m], "linear");
      const p = pendingNorm;
      if (p && x === p.normed) {
        pendingNorm = null;
        check("linear", raw.sy_linear_norm(p.x, p.r, p.w, p.eps, p.sum, p.normed.ptr, wt.ptr, wt.dtype, b ? dev("linear", b).ptr : 0, y.ptr, k, m));
        return y;
      }
      const xh = n > 8 && wt.dtype !== F32 ? mem.step(n * k * 2, "linear's half input") : 0;
      check("linear", call.sy_linear(xt.ptr, wt.ptr, wt.dtype, b ? dev("linear", b).ptr : 0, y.ptr, n, k, m, xh));
      return y;
    },
    embedding(table: Tensor, ids: Tensor): Tensor {
      const [v, d] = dims2("embedding", "table", table);
      if (ids.shape.length !== 1) throw new ShapeError(`embedding: ids must be rank 1, got [${ids.shape}]`);
      const tt = dev("embedding", table, [F32, F16, BF16]);
      const n = ids.shape[0]!;
      const y = stepTensor([n, d], "embedding");
      check("embedding", call.sy_embedding(tt.ptr, tt.dtype, dev("embedding", ids).ptr, y.ptr, n, d, v));
      return y;
    },
    sliceCols(x: Tensor, start: number, width: number): Tensor {
      const [n, k] = dims2("sliceCols", "x", x);
      if (start < 0 || width < 0 || start + width > k) throw new ShapeError(`sliceCols: [${start}, ${start + width}) outside ${k} columns`);
      const xt = dev("sliceCols", x);
      // one row (a decode step), or every column: the slice is contiguous, so a view — no kernel in the step —
      // where it starts on 16 bytes, as the kernels' vector loads need
      if ((n === 1 || width === k) && start % 4 === 0) return make([n, width], xt.ptr + start * 4);
      const y = stepTensor([n, width], "sliceCols");
      check("sliceCols", call.sy_copy2d(y.ptr, width * 4, xt.ptr + start * 4, k * 4, width * 4, n));
      return y;
    },

    rmsnorm(x: Tensor, w: Tensor, eps: number): Tensor {
      const [n, d] = dims2("rmsnorm", "x", x);
      expectShape("rmsnorm", "w", w, [d]);
      const y = stepTensor([n, d], "rmsnorm");
      check("rmsnorm", call.rmsnorm_f32(dev("rmsnorm", x).ptr, dev("rmsnorm", w).ptr, y.ptr, n, d, eps, stream));
      return y;
    },
    addRmsnorm(x: Tensor, r: Tensor, w: Tensor, eps: number): { sum: Tensor; normed: Tensor } {
      const [n, d] = dims2("addRmsnorm", "x", x);
      expectShape("addRmsnorm", "r", r, [n, d]);
      expectShape("addRmsnorm", "w", w, [d]);
      const sum = stepTensor([n, d], "addRmsnorm");
      const normed = stepTensor([n, d], "addRmsnorm");
      const [xp, rp, wp] = [dev("addRmsnorm", x).ptr, dev("addRmsnorm", r).ptr, dev("addRmsnorm", w).ptr];
      if (n === 1 && d % 4 === 0 && d <= 8192) {
        flushNorm();
        pendingNorm = { x: xp, r: rp, w: wp, eps, sum: sum.ptr, normed, d };
      } else {
        check("addRmsnorm", call.sy_add_rmsnorm(xp, rp, wp, sum.ptr, normed.ptr, n, d, eps));
      }
      return { sum, normed };
    },
    gatedRmsnorm(x: Tensor, z: Tensor, w: Tensor, eps: number, groupSize: number): Tensor {
      const [n, d] = dims2("gatedRmsnorm", "x", x);
      expectShape("gatedRmsnorm", "z", z, [n, d]);
      expectShape("gatedRmsnorm", "w", w, [d]);
      if (!Number.isInteger(groupSize) || groupSize < 1 || d % groupSize !== 0) throw new ShapeError(`gatedRmsnorm: group size ${groupSize} does not divide ${d}`);
      const y = stepTensor([n, d], "gatedRmsnorm");
      check("gatedRmsnorm", call.sy_gated_rmsnorm(dev("gatedRmsnorm", x).ptr, dev("gatedRmsnorm", z).ptr, dev("gatedRmsnorm", w).ptr, y.ptr, n, d, eps, groupSize));
      return y;
    },

    silu: (x) => unary("silu", x),
    softplus: (x) => unary("softplus", x),
    exp: (x) => unary("exp", x),
    scale: (x, c) => unary("scale", x, c),
    clamp: (x, lo, hi) => unary("clamp", x, lo, hi),
    add: (a, b) => binary("add", a, b),
    mul: (a, b) => binary("mul", a, b),
    siluMul: (a, b) => binary("siluMul", a, b),
    siluAndMul(x: Tensor): Tensor {
      const [n, k] = dims2("siluAndMul", "x", x);
      if (k % 2 !== 0) throw new ShapeError(`siluAndMul: x [${x.shape}] has an odd number of columns`);
      const y = stepTensor([n, k / 2], "siluAndMul");
      check("siluAndMul", call.sy_silu_and_mul(dev("siluAndMul", x).ptr, y.ptr, n, k / 2));
      return y;
    },
    addBias(x: Tensor, b: Tensor): Tensor {
      const [n, k] = dims2("addBias", "x", x);
      expectShape("addBias", "b", b, [k]);
      const y = stepTensor([n, k], "addBias");
      check("addBias", call.sy_add_bias(dev("addBias", x).ptr, dev("addBias", b).ptr, y.ptr, n, k));
      return y;
    },
    softmax(x: Tensor): Tensor {
      const [n, c] = dims2("softmax", "x", x);
      const y = stepTensor([n, c], "softmax");
      check("softmax", call.sy_softmax(dev("softmax", x).ptr, y.ptr, n, c));
      return y;
    },
    topk(x: Tensor, k: number): { values: Tensor; indices: Tensor } {
      const [n, c] = dims2("topk", "x", x);
      if (!Number.isInteger(k) || k < 1 || k > c) throw new ShapeError(`topk: k = ${k} outside [1, ${c}]`);
      const values = stepTensor([n, k], "topk");
      const indices = stepTensor([n, k], "topk");
      check("topk", call.sy_topk(dev("topk", x).ptr, values.ptr, indices.ptr, n, c, k));
      return { values, indices };
    },
    experts(x: Tensor, gate: Tensor, up: Tensor, down: Tensor, indices: Tensor, weights: Tensor): Tensor {
      const { n, d, experts: count, f, k } = expertsDims(x, gate, up, down, indices, weights);
      const all = [F32, F16, BF16] as const;
      const g = dev("experts", gate, all);
      if (dev("experts", up, all).dtype !== g.dtype || dev("experts", down, all).dtype !== g.dtype) throw new ShapeError("experts: gate, up and down differ in dtype");
      const hidden = mem.step(n * k * f * 4, "experts' hidden rows");
      const parts = mem.step(n * k * d * 4, "experts' outputs");
      const y = stepTensor([n, d], "experts");
      check(
        "experts",
        call.sy_experts(dev("experts", x).ptr, g.ptr, (up as CudaTensor).ptr, (down as CudaTensor).ptr, g.dtype, dev("experts", indices).ptr, dev("experts", weights).ptr, hidden, parts, y.ptr, n, k, d, f, count),
      );
      return y;
    },

    conv1dCausal(x: Tensor, w: Tensor, b: Tensor | undefined, state: Tensor, activation?: "silu"): Tensor {
      const { n, d, kw } = conv1dDims(x, w, b, state);
      const y = stepTensor([n, d], "conv1dCausal");
      const bias = b ? dev("conv1dCausal", b).ptr : 0;
      check("conv1dCausal", call.conv1d_causal_f32(dev("conv1dCausal", x).ptr, dev("conv1dCausal", w).ptr, bias, dev("conv1dCausal", state).ptr, y.ptr, n, d, kw, activation === "silu" ? 1 : 0, stream));
      return y;
    },
    selectiveScan(u: Tensor, delta: Tensor, A: Tensor, B: Tensor, C: Tensor, D: Tensor, state: Tensor, opts?: SelectiveScanOptions): Tensor {
      const { n, d, s } = selectiveScanDims(u, delta, A, B, C, D, state, opts);
      const y = stepTensor([n, d], "selectiveScan");
      const p = (t: Tensor) => dev("selectiveScan", t).ptr;
      // chunk 0: the launcher plans by n (sequential for the decode step and short prompts: no scratch then);
      // softplus(Δ) and the z gate run inside the scan's kernels
      const floats = call.sy_selective_scan_scratch_floats(n, d, s, 0);
      const scratch = floats > 0 ? mem.step(floats * 4, "selectiveScan's chunk states") : 0;
      const z = opts?.z ? p(opts.z) : 0;
      check("selectiveScan", call.sy_selective_scan(p(u), p(delta), p(A), p(B), p(C), p(D), p(state), y.ptr, scratch, n, d, s, 0, opts?.deltaSoftplus ? 1 : 0, z));
      return y;
    },
    ssdScan(x: Tensor, dt: Tensor, A: Tensor, B: Tensor, C: Tensor, D: Tensor, state: Tensor, opts?: SsdScanOptions): Tensor {
      const { n, h, p: pd, g, s } = ssdScanDims(x, dt, A, B, C, D, state, opts);
      const y = stepTensor([n, h * pd], "ssdScan");
      const p = (t: Tensor) => dev("ssdScan", t).ptr;
      const floats = call.sy_ssd_scan_scratch_floats(n, h, pd, s, g, 0);
      const scratch = floats > 0 ? mem.step(floats * 4, "ssdScan's chunk states") : 0;
      // dt + bias, softplus and the limit run inside the scan's kernels
      const [lo, hi] = opts?.dtLimit ?? [-Infinity, Infinity];
      const bias = opts?.dtBias ? p(opts.dtBias) : 0;
      check("ssdScan", call.sy_ssd_scan(p(x), p(dt), p(A), p(B), p(C), p(D), p(state), y.ptr, scratch, n, h, pd, s, g, 0, bias, opts?.dtSoftplus ? 1 : 0, lo, hi));
      return y;
    },

    rope(x: Tensor, pos: Tensor, invFreq: Tensor, attentionScaling: number): Tensor {
      const [n, h, hd] = dims3("rope", "x", x);
      const half = numel(invFreq.shape);
      if (2 * half > hd) throw new ShapeError(`rope: rotary dim ${2 * half} exceeds head dim ${hd}`);
      const y = stepTensor([n, h, hd], "rope");
      check("rope", call.sy_rope(dev("rope", x).ptr, y.ptr, position("rope", pos).ptr, dev("rope", invFreq).ptr, n, h, hd, half, attentionScaling));
      return y;
    },
    newKvCache(kvHeads: number, headDim: number, capacity: number, projection?: Tensor): KvCache {
      if (!Number.isSafeInteger(capacity) || capacity < 1) throw new RangeError(`KV cache capacity must be an integer ≥ 1, got ${capacity}`);
      const half = projection !== undefined && dev("newKvCache", projection, [F32, F16, BF16]).dtype !== F32;
      const dtype = call.sy_kv_dtype(headDim, half ? 1 : 0) as Dtype;
      const cache = { kvHeads, headDim, capacity, dtype, keys: 0, values: 0 };
      const bytes = capacity * kvHeads * headDim * DTYPE_BYTES[dtype];
      cache.keys = mem.longLived(bytes, `a KV cache of ${capacity} tokens`, cache);
      cache.values = mem.longLived(bytes, `a KV cache of ${capacity} tokens`, cache);
      return cache;
    },
    kvAppend(cache: KvCache, k: Tensor, v: Tensor, pos: Tensor): void {
      const c = cache as CudaKvCache;
      const width = c.kvHeads * c.headDim;
      const [n, kw] = dims2("kvAppend", "k", k);
      const [nv, vw] = dims2("kvAppend", "v", v);
      if (kw !== width || vw !== width || nv !== n) throw new ShapeError(`kvAppend: k [${k.shape}] / v [${v.shape}] do not fit rows of ${width}`);
      check("kvAppend", call.sy_kv_append(c.keys, c.values, dev("kvAppend", k).ptr, dev("kvAppend", v).ptr, position("kvAppend", pos).ptr, n, width, c.capacity, c.dtype));
    },
    attention(q: Tensor, cache: KvCache, pos: Tensor, scale: number): Tensor {
      const c = cache as CudaKvCache;
      const [n, h, hd] = dims3("attention", "q", q);
      if (hd !== c.headDim || h % c.kvHeads !== 0) throw new ShapeError(`attention: q [${q.shape}] does not fit ${c.kvHeads} kv heads of dim ${c.headDim}`);
      const scratchFloats = call.sy_attention_scratch_floats(n, h, hd, c.capacity);
      const scratch = scratchFloats > 0 ? mem.step(scratchFloats * 4, "attention's splits") : 0;
      const y = stepTensor([n, h * hd], "attention");
      check("attention", call.sy_attention(dev("attention", q).ptr, c.keys, c.values, position("attention", pos).ptr, scratch, y.ptr, n, h, c.kvHeads, hd, c.capacity, scale, c.dtype));
      return y;
    },

    newSampler(): SamplerSlot {
      const slot = { backend: "cuda" as const, ptr: 0 };
      slot.ptr = mem.longLived(16, "a sampler slot", slot);
      return slot;
    },
    configureSampler(slot: SamplerSlot, opts: SamplerOptions): void {
      createSampler(opts); // validates, with the CPU sampler's messages
      const seed = opts.seed ?? crypto.getRandomValues(new Uint32Array(1))[0]!;
      const words = new ArrayBuffer(16);
      new Float32Array(words, 0, 3).set([opts.temperature, opts.topK ?? 0, opts.topP ?? 0]);
      new Uint32Array(words, 12, 1)[0] = (seed % 2 ** 32 ^ Math.floor(seed / 2 ** 32)) >>> 0;
      upload(new Uint8Array(words), (slot as CudaSamplerSlot).ptr, "sampler settings");
    },
    sample(logits: Tensor, slot: SamplerSlot, token: Tensor, logprob: Tensor): void {
      const [rows, v] = dims2("sample", "logits", logits);
      if (rows !== 1) throw new ShapeError(`sample: logits must be one row, got [${logits.shape}]`);
      const s = slot as Partial<CudaSamplerSlot>;
      if (s.backend !== "cuda" || s.ptr === undefined) throw new ShapeError("sample: the sampler slot belongs to another backend");
      const scratch = mem.step(call.sy_sample_scratch_floats(v) * 4, "the sampler's partials");
      check("sample", call.sy_sample(dev("sample", logits).ptr, v, s.ptr, dev("sample", token).ptr, dev("sample", logprob).ptr, scratch));
    },
    tokenLogprobs(logits: Tensor, targets: Tensor): Tensor {
      const [n, v] = dims2("tokenLogprobs", "logits", logits);
      expectShape("tokenLogprobs", "targets", targets, [n]);
      const y = stepTensor([n], "tokenLogprobs");
      check("tokenLogprobs", call.sy_token_logprobs(dev("tokenLogprobs", logits).ptr, dev("tokenLogprobs", targets).ptr, y.ptr, n, v));
      return y;
    },
  };
  return ops;
}
