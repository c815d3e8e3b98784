import { readFile } from "node:fs/promises";
import { type HostTensor, numel, type Tensor, tensor } from "../../tensor.ts";
import {
  BufferUsage,
  MAP_READ,
  type Gpu,
  type GpuBindGroupLayout,
  type GpuBuffer,
  type GpuCommandEncoder,
  type GpuComputePass,
  type GpuComputePipeline,
  type GpuDevice,
  type GpuQuerySet,
  type GpuShaderModule,
} from "./gpu-types.ts";

/** How a tensor's elements are stored: f32, or the raw 16-bit words of an f16 / bf16 checkpoint matrix. */
export type GpuDtype = "f32" | "f16" | "bf16";

/**
 * A tensor in a GPU storage buffer: row-major, `offset` bytes into `buffer` (a multiple of the device's storage
 * offset alignment, so it can be bound there). Its elements are f32 unless `dtype` says half words.
 */
export interface GpuTensor extends Tensor {
  readonly backend: "webgpu";
  readonly buffer: GpuBuffer;
  readonly offset: number;
  readonly dtype: GpuDtype;
  /** the context whose device holds the buffer */
  readonly owner: GpuContext;
}

/**
 * How a kernel reads a matrix of half (or f32) words: the kernel declares the matrix as `array<Word>` (two
 * elements per Word) and widens with `unpack_w(word) -> vec2<f32>`; the runtime prepends the one-line header
 * that defines both for the matrix's storage. f16 is native where the device has shader-f16, else packed in u32
 * and widened with unpack2x16float; bf16 widens by a 16-bit shift.
 */
export type WordType = "f32" | "f16" | "f16-packed" | "bf16";
const WORD_HEADERS: Record<WordType, string> = {
  f32: "alias Word = vec2<f32>; fn unpack_w(v: Word) -> vec2<f32> { return v; }",
  f16: "enable f16; alias Word = vec2<f16>; fn unpack_w(v: Word) -> vec2<f32> { return vec2<f32>(v); }",
  "f16-packed": "alias Word = u32; fn unpack_w(v: Word) -> vec2<f32> { return unpack2x16float(v); }",
  bf16: "alias Word = u32; fn unpack_w(v: Word) -> vec2<f32> { return vec2<f32>(bitcast<f32>(v << 16u), bitcast<f32>(v & 0xffff0000u)); }",
};

/** Reads a kernel source file; injected so the engine stays free of runtime-specific file APIs. */
export type KernelReader = (url: URL) => Promise<string>;

/** A uniform field: a plain number is packed as u32, `{ f32 }` as f32. */
export type ParamField = number | { readonly f32: number };

/** What a dispatch binds: a tensor (at its offset), a whole buffer, or nothing (a binding the entry point lacks). */
export type Binding = GpuTensor | GpuBuffer | null;

/** Where a context's op outputs and scratch come from when it serves a backend (see StepPool). */
export interface StepAllocator {
  take(bytes: number): GpuBuffer;
}

/** Every kernels/<op>/<op>.wgsl a context can run: read once at creation, so compiling later is synchronous. */
export const KERNEL_OPS = [
  "attention",
  "attention_decode",
  "conv1d",
  "elementwise",
  "embedding",
  "experts",
  "kv_append",
  "matmul",
  "rmsnorm",
  "rope",
  "sampling",
  "selective_state_update",
  "softmax_topk",
  "ssd_state_update",
] as const;
export type KernelOp = (typeof KERNEL_OPS)[number];

/** Where the kernels live: kernels/<op>/<op>.wgsl at the repository root — the files the tests and bench load. */
export function kernelUrl(op: string): URL {
  return new URL(`../../../../kernels/${op}/${op}.wgsl`, import.meta.url);
}

const TENSOR_USAGE = BufferUsage.STORAGE | BufferUsage.COPY_SRC | BufferUsage.COPY_DST;
/** One dispatch's uniforms: 256 bytes, the largest minUniformBufferOffsetAlignment a device may demand. */
const UNIFORM_SLOT = 256;
/** Dispatches per submit before the uniform ring is full and the batch is flushed (a decode step is a few hundred). */
const RING_SLOTS = 2048;

/** Buffer sizes are rounded up to 16 bytes: kernels may read a vec4 (or a Word pair) past an odd tail. */
export function bufferBytes(bytes: number): number {
  return Math.max(16, Math.ceil(bytes / 16) * 16);
}

/** Options of GpuContext.create. */
export interface GpuContextOptions {
  /** time every submitted pass on the GPU (see gpuNanoseconds), when the adapter can */
  timestamps?: boolean;
  /** false: do not use shader-f16 even where the adapter has it (f16 matrices then take the packed path) */
  f16?: boolean;
  /** dispatches per submit (tests shrink it to make the ring wrap) */
  ringSlots?: number;
}

/**
 * One WebGPU device plus the kernels compiled on it. Dispatches are recorded into one open compute pass
 * (WebGPU orders dispatches and makes each one's writes visible to the next), buffer copies between passes of
 * the same encoder, and all of it submitted on `flush`, `read`, `write` or a full uniform ring.
 */
export class GpuContext {
  private readonly pipelines = new Map<string, GpuComputePipeline>();
  private readonly modules = new Map<string, GpuShaderModule>();
  private readonly layouts = new WeakMap<GpuComputePipeline, GpuBindGroupLayout>();
  private encoder: GpuCommandEncoder | null = null;
  private pass: GpuComputePass | null = null;
  private transient: GpuBuffer[] = [];
  // Every dispatch of a batch takes a slot of one uniform buffer, written once per flush by queue.writeBuffer
  // (ordered after the work already submitted, so the next batch can reuse it). A buffer per dispatch made wgpu
  // run one staging copy each at submit.
  private readonly ring: GpuBuffer;
  private readonly ringSlots: number;
  private readonly ringData: ArrayBuffer;
  private ringUsed = 0;
  private errors: Promise<string | null>[] = [];
  private readonly timestamps: { set: GpuQuerySet; resolve: GpuBuffer } | null;
  /** One 16-byte (begin, end) readback per pass submitted since the last gpuNanoseconds call. */
  private passTimes: GpuBuffer[] = [];
  /** A 16-byte buffer bound where a kernel declares an optional input the call does not have (e.g. no bias). */
  readonly placeholder: GpuBuffer;
  /** Set by a backend: op outputs and scratch then come from its step pool instead of new buffers. */
  steps: StepAllocator | null = null;

  private constructor(
    readonly device: GpuDevice,
    /** The adapter's description (e.g. "llvmpipe …" or the GPU name), for logs and bench output. */
    readonly adapterName: string,
    private readonly sources: ReadonlyMap<string, string>,
    timed: boolean,
    ringSlots: number,
  ) {
    this.placeholder = device.createBuffer({ size: 16, usage: TENSOR_USAGE });
    this.ringSlots = ringSlots;
    this.ringData = new ArrayBuffer(UNIFORM_SLOT * ringSlots);
    this.ring = device.createBuffer({ size: UNIFORM_SLOT * ringSlots, usage: BufferUsage.UNIFORM | BufferUsage.COPY_DST });
    this.timestamps = timed
      ? {
          set: device.createQuerySet({ type: "timestamp", count: 2 }),
          resolve: device.createBuffer({ size: 16, usage: BufferUsage.QUERY_RESOLVE | BufferUsage.COPY_SRC }),
        }
      : null;
  }

  /**
   * Requests the high-performance adapter and a device with the adapter's own limits (the defaults cap storage
   * bindings at 128 MiB) and shader-f16 where it has it, and reads every kernel source. Fails with a clear
   * message when the runtime has no WebGPU or no adapter.
   */
  static async create(readKernel: KernelReader = (url) => readFile(url, "utf8"), options: GpuContextOptions = {}): Promise<GpuContext> {
    const gpu = (globalThis.navigator as unknown as { gpu?: Gpu } | undefined)?.gpu;
    if (!gpu) throw new Error("WebGPU is not available in this runtime (navigator.gpu is missing): run under Deno");
    const adapter = await gpu.requestAdapter({ powerPreference: "high-performance" });
    if (!adapter) {
      throw new Error(
        "No WebGPU adapter: install a Vulkan driver (Debian: apt-get install -y mesa-vulkan-drivers libvulkan1) " +
          "or run on a machine with a GPU",
      );
    }
    const l = adapter.limits;
    const timed = options.timestamps === true && adapter.features.has("timestamp-query");
    const f16 = options.f16 !== false && adapter.features.has("shader-f16");
    const device = await adapter.requestDevice({
      requiredFeatures: [...(timed ? ["timestamp-query"] : []), ...(f16 ? ["shader-f16"] : [])],
      requiredLimits: {
        maxStorageBufferBindingSize: l.maxStorageBufferBindingSize,
        maxBufferSize: l.maxBufferSize,
        maxComputeWorkgroupStorageSize: l.maxComputeWorkgroupStorageSize,
        maxStorageBuffersPerShaderStage: l.maxStorageBuffersPerShaderStage,
        minStorageBufferOffsetAlignment: l.minStorageBufferOffsetAlignment,
      },
    });
    const sources = new Map(await Promise.all(KERNEL_OPS.map(async (op) => [op, await readKernel(kernelUrl(op))] as const)));
    return new GpuContext(device, adapter.info?.description ?? "unknown adapter", sources, timed, options.ringSlots ?? RING_SLOTS);
  }

  /** Whether the device computes with native f16 (shader-f16). */
  get f16(): boolean {
    return this.device.features.has("shader-f16");
  }

  /** How kernels read a matrix stored as `dtype` on this device. */
  wordType(dtype: GpuDtype): WordType {
    return dtype === "f32" ? "f32" : dtype === "bf16" ? "bf16" : this.f16 ? "f16" : "f16-packed";
  }

  /**
   * The entry point `entry` of kernels/<op>/<op>.wgsl, with the `words` header (compiled once, then cached).
   * Synchronous: a compile error surfaces, naming the file and entry, at the next read or finish.
   */
  kernel(op: KernelOp, entry: string, words: WordType = "f32"): GpuComputePipeline {
    const key = `${op}:${entry}:${words}`;
    const cached = this.pipelines.get(key);
    if (cached) return cached;
    const source = this.sources.get(op);
    if (source === undefined) throw new Error(`kernels/${op}/${op}.wgsl was not loaded`);
    this.device.pushErrorScope("validation");
    let module = this.modules.get(`${op}:${words}`);
    if (!module) {
      // The header goes on the first line, so the compiler's line numbers are the file's.
      module = this.device.createShaderModule({ code: `${WORD_HEADERS[words]} ${source}`, label: `${op}.wgsl` });
      this.modules.set(`${op}:${words}`, module);
    }
    const pipeline = this.device.createComputePipeline({ layout: "auto", compute: { module, entryPoint: entry } });
    const error = this.device.popErrorScope().then((e) => (e ? `kernels/${op}/${op}.wgsl (${entry}, ${words} words) does not compile: ${e.message}` : null));
    this.errors.push(error);
    this.pipelines.set(key, pipeline);
    return pipeline;
  }

  private make(shape: readonly number[], buffer: GpuBuffer, dtype: GpuDtype = "f32", offset = 0): GpuTensor {
    return { shape: [...shape], backend: "webgpu", buffer, offset, dtype, owner: this };
  }

  /** A view of `t` (same buffer): another shape, or a byte offset further in (aligned: see canView). */
  view(t: GpuTensor, shape: readonly number[], byteOffset = 0): GpuTensor {
    return this.make(shape, t.buffer, t.dtype, t.offset + byteOffset);
  }

  /** Whether a tensor may start `bytes` into a buffer (the device's storage binding offset alignment). */
  canView(bytes: number): boolean {
    return bytes % this.device.limits.minStorageBufferOffsetAlignment === 0;
  }

  /** Copies a CPU tensor into a new storage buffer. */
  upload(t: HostTensor): GpuTensor {
    return this.uploadWords(t.shape, "f32", t.data);
  }

  /** A new long-lived buffer holding `values` as stored: f32 values, or raw f16 / bf16 words. */
  uploadWords(shape: readonly number[], dtype: GpuDtype, values: Float32Array | Uint16Array): GpuTensor {
    const buffer = this.device.createBuffer({ size: bufferBytes(values.byteLength), usage: TENSOR_USAGE, mappedAtCreation: true });
    const range = buffer.getMappedRange();
    if (values instanceof Float32Array) new Float32Array(range).set(values);
    else new Uint16Array(range).set(values);
    buffer.unmap();
    return this.make(shape, buffer, dtype);
  }

  /** A new long-lived f32 buffer for a tensor of this shape (zeros). */
  empty(shape: readonly number[]): GpuTensor {
    return this.make(shape, this.device.createBuffer({ size: bufferBytes(numel(shape) * 4), usage: TENSOR_USAGE }));
  }

  /** An op's f32 output: from the step pool when a backend set one, else a new buffer. */
  output(shape: readonly number[]): GpuTensor {
    return this.steps ? this.make(shape, this.steps.take(numel(shape) * 4)) : this.empty(shape);
  }

  /**
   * A scratch tensor for work being recorded: from the step pool when there is one, else a buffer released at
   * the next read or finish, once everything recorded has been submitted (a flush forced by a full uniform ring
   * can fall between two dispatches that share it).
   */
  scratch(shape: readonly number[]): GpuTensor {
    if (this.steps) return this.output(shape);
    const t = this.empty(shape);
    this.transient.push(t.buffer);
    return t;
  }

  /** Destroys `buffer` once the work recorded so far that may use it has been submitted. */
  retire(buffer: GpuBuffer): void {
    this.transient.push(buffer);
  }

  /**
   * Writes host bytes into a tensor. Recorded work is submitted first: queue writes run before any later
   * submit, so work still being recorded must not see the new bytes (e.g. a step pool slot reused by a step).
   */
  write(t: GpuTensor, data: ArrayBufferView): void {
    this.flush();
    this.device.queue.writeBuffer(t.buffer, t.offset, data);
  }

  /**
   * Copies the tensor back (f32 elements) once the work recorded so far has run: the copy rides in the same
   * submit as that work, so a decode step and the read of its token are one submit.
   */
  async read(t: GpuTensor): Promise<HostTensor> {
    const bytes = numel(t.shape) * 4;
    const staging = this.device.createBuffer({ size: bufferBytes(bytes), usage: BufferUsage.MAP_READ | BufferUsage.COPY_DST });
    this.flush((encoder) => {
      if (bytes > 0) encoder.copyBufferToBuffer(t.buffer, t.offset, staging, 0, bytes);
    });
    this.releaseScratch();
    await this.throwRecordedErrors();
    await staging.mapAsync(MAP_READ);
    const data = new Float32Array(staging.getMappedRange().slice(0, bytes));
    staging.unmap();
    staging.destroy();
    return tensor(t.shape, data);
  }

  /**
   * Records one dispatch: `buffers` bind to 0…k−1 in order and the packed `params` to binding k as a uniform.
   * A `null` slot is a binding the entry point never touches: with layout "auto" it is absent from the
   * pipeline's layout and must not be bound. `groups` is the workgroup grid, checked against the device limit.
   */
  dispatch(pipeline: GpuComputePipeline, buffers: readonly Binding[], params: readonly ParamField[], groups: readonly number[]): void {
    const max = this.device.limits.maxComputeWorkgroupsPerDimension;
    if (groups.some((g) => g > max)) throw new RangeError(`dispatch grid [${groups}] exceeds ${max} workgroups per dimension`);
    if (groups.some((g) => g === 0)) return;
    if (params.length * 4 > UNIFORM_SLOT) throw new RangeError(`${params.length} uniform fields exceed one ${UNIFORM_SLOT}-byte slot`);
    if (this.ringUsed === this.ringSlots) this.flush();
    const offset = this.ringUsed++ * UNIFORM_SLOT;
    const view = new DataView(this.ringData, offset, UNIFORM_SLOT);
    params.forEach((f, i) => (typeof f === "number" ? view.setUint32(i * 4, f, true) : view.setFloat32(i * 4, f.f32, true)));
    if (!this.pass) {
      const ts = this.timestamps;
      this.pass = this.openEncoder().beginComputePass(
        ts ? { timestampWrites: { querySet: ts.set, beginningOfPassWriteIndex: 0, endOfPassWriteIndex: 1 } } : undefined,
      );
    }
    const entries: { binding: number; resource: { buffer: GpuBuffer; offset?: number; size?: number } }[] = [];
    buffers.forEach((b, binding) => {
      if (b === null) return;
      entries.push({ binding, resource: "owner" in b ? { buffer: b.buffer, offset: b.offset } : { buffer: b } });
    });
    entries.push({ binding: buffers.length, resource: { buffer: this.ring, offset, size: Math.max(16, Math.ceil(params.length / 4) * 16) } });
    let layout = this.layouts.get(pipeline);
    if (!layout) {
      layout = pipeline.getBindGroupLayout(0);
      this.layouts.set(pipeline, layout);
    }
    const group = this.device.createBindGroup({ layout, entries });
    this.pass.setPipeline(pipeline);
    this.pass.setBindGroup(0, group);
    this.pass.dispatchWorkgroups(groups[0]!, groups[1] ?? 1, groups[2] ?? 1);
  }

  /** The command encoder of the batch being recorded, opened (with its error scope) by the first command. */
  private openEncoder(): GpuCommandEncoder {
    if (!this.encoder) {
      // validation errors (a bad binding, a grid too large) surface at the next read or finish, not as garbage
      this.device.pushErrorScope("validation");
      this.encoder = this.device.createCommandEncoder();
    }
    return this.encoder;
  }

  /**
   * Records a copy of `bytes` bytes from src to `dstByteOffset` bytes into dst, ordered after the dispatches
   * recorded so far, without submitting: the open compute pass ends here and the next dispatch opens another in
   * the same encoder (a copy cannot sit inside a compute pass). With timestamps on, the batch is submitted
   * instead, so that every pass keeps its own begin/end pair.
   */
  copy(src: GpuTensor, dst: GpuTensor, dstByteOffset: number, bytes: number): void {
    if (bytes <= 0) return;
    const record = (encoder: GpuCommandEncoder) => encoder.copyBufferToBuffer(src.buffer, src.offset, dst.buffer, dst.offset + dstByteOffset, bytes);
    if (this.timestamps) return this.flush(record);
    this.pass?.end();
    this.pass = null;
    record(this.openEncoder());
  }

  /** A 2-D grid covering `count` workgroups (x up to the per-dimension limit, then rows of y). */
  grid(count: number): [number, number] {
    const max = this.device.limits.maxComputeWorkgroupsPerDimension;
    return count <= max ? [count, 1] : [max, Math.ceil(count / max)];
  }

  /** Whether work has been recorded and not yet submitted. */
  get pending(): boolean {
    return this.encoder !== null;
  }

  /** Submits everything recorded so far, with the commands `after` appends behind it (always submitted). */
  flush(after?: (encoder: GpuCommandEncoder) => void): void {
    if (!this.encoder) {
      if (after) {
        const encoder = this.device.createCommandEncoder();
        after(encoder);
        this.device.queue.submit([encoder.finish()]);
      }
      return;
    }
    this.pass?.end();
    after?.(this.encoder);
    if (this.timestamps) {
      this.encoder.resolveQuerySet(this.timestamps.set, 0, 2, this.timestamps.resolve, 0);
      const read = this.device.createBuffer({ size: 16, usage: BufferUsage.MAP_READ | BufferUsage.COPY_DST });
      this.encoder.copyBufferToBuffer(this.timestamps.resolve, 0, read, 0, 16);
      this.passTimes.push(read);
    }
    if (this.ringUsed > 0) this.device.queue.writeBuffer(this.ring, 0, new Uint8Array(this.ringData, 0, this.ringUsed * UNIFORM_SLOT));
    this.ringUsed = 0;
    this.device.queue.submit([this.encoder.finish()]);
    this.errors.push(this.device.popErrorScope().then((e) => (e ? `WebGPU rejected a dispatch: ${e.message}` : null)));
    this.pass = null;
    this.encoder = null;
  }

  /** Destroys scratch and retired buffers; only called right after a flush, and destroy() waits for submitted work. */
  private releaseScratch(): void {
    for (const b of this.transient) b.destroy();
    this.transient = [];
  }

  /** Submits and waits until the GPU has finished everything submitted; throws the first validation error. */
  async finish(): Promise<void> {
    this.flush();
    this.releaseScratch();
    await this.device.queue.onSubmittedWorkDone();
    await this.throwRecordedErrors();
  }

  private async throwRecordedErrors(): Promise<void> {
    const found = (await Promise.all(this.errors)).find((e) => e !== null);
    this.errors = [];
    if (found) throw new Error(found);
  }

  /**
   * GPU time of the passes submitted since the last call, in nanoseconds (each pass's end minus begin
   * timestamp, summed: a full uniform ring splits a batch into several passes), or null when the context was
   * created without timestamps or the adapter lacks them. Call after finish().
   */
  async gpuNanoseconds(): Promise<number | null> {
    if (!this.timestamps) return null;
    let total = 0n;
    for (const read of this.passTimes) {
      await read.mapAsync(MAP_READ);
      const [begin, end] = new BigUint64Array(read.getMappedRange().slice(0, 16));
      read.destroy();
      total += end! - begin!;
    }
    this.passTimes = [];
    return Number(total);
  }

  /** Releases the device. */
  destroy(): void {
    this.flush();
    this.device.destroy();
  }
}
