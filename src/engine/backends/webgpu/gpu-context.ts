import { readFile } from "node:fs/promises";
import { numel, tensor, type Tensor } from "../../tensor.ts";
import {
  BufferUsage,
  MAP_READ,
  type Gpu,
  type GpuBuffer,
  type GpuCommandEncoder,
  type GpuComputePass,
  type GpuComputePipeline,
  type GpuDevice,
  type GpuQuerySet,
} from "./gpu-types.ts";

/** An f32 tensor living in a GPU storage buffer: row-major, same shape rules as the CPU `Tensor`. */
export interface GpuTensor {
  readonly shape: readonly number[];
  readonly buffer: GpuBuffer;
}

/** Reads a kernel source file; injected so the engine stays free of runtime-specific file APIs. */
export type KernelReader = (url: URL) => Promise<string>;

/** A uniform field: a plain number is packed as u32, `{ f32 }` as f32. */
export type ParamField = number | { readonly f32: number };

/** Where the kernels live: kernels/<op>/<op>.wgsl at the repository root — the files the tests and bench load. */
export function kernelUrl(op: string): URL {
  return new URL(`../../../../kernels/${op}/${op}.wgsl`, import.meta.url);
}

const TENSOR_USAGE = BufferUsage.STORAGE | BufferUsage.COPY_SRC | BufferUsage.COPY_DST;
/** One dispatch's uniforms: 256 bytes, the largest minUniformBufferOffsetAlignment a device may demand. */
const UNIFORM_SLOT = 256;
/** Dispatches per submit before the uniform ring is full and the batch is flushed. */
const RING_SLOTS = 256;

/**
 * One WebGPU device plus the kernels compiled on it. Dispatches are recorded into one open compute pass
 * (WebGPU orders dispatches and makes each one's writes visible to the next) and submitted on `flush` or `read`.
 */
export class GpuContext {
  private readonly pipelines = new Map<string, Promise<GpuComputePipeline>>();
  private encoder: GpuCommandEncoder | null = null;
  private pass: GpuComputePass | null = null;
  private transient: GpuBuffer[] = [];
  // Every dispatch of a batch takes a slot of one uniform buffer, written once per flush by queue.writeBuffer
  // (ordered after the work already submitted, so the next batch can reuse it). A buffer per dispatch made wgpu
  // run one staging copy each at submit.
  private readonly ring: GpuBuffer;
  private readonly ringData = new ArrayBuffer(UNIFORM_SLOT * RING_SLOTS);
  private ringUsed = 0;
  private errors: Promise<{ readonly message: string } | null>[] = [];
  private readonly timestamps: { set: GpuQuerySet; resolve: GpuBuffer } | null;
  /** One 16-byte (begin, end) readback per pass submitted since the last gpuNanoseconds call. */
  private passTimes: GpuBuffer[] = [];
  /** A 4-byte buffer bound where a kernel declares an optional input the call does not have (e.g. no bias). */
  readonly placeholder: GpuBuffer;

  private constructor(
    readonly device: GpuDevice,
    /** The adapter's description (e.g. "llvmpipe …" or the GPU name), for logs and bench output. */
    readonly adapterName: string,
    private readonly readKernel: KernelReader,
    timed: boolean,
  ) {
    this.placeholder = device.createBuffer({ size: 4, usage: TENSOR_USAGE });
    this.ring = device.createBuffer({ size: UNIFORM_SLOT * RING_SLOTS, usage: BufferUsage.UNIFORM | BufferUsage.COPY_DST });
    this.timestamps = timed
      ? {
          set: device.createQuerySet({ type: "timestamp", count: 2 }),
          resolve: device.createBuffer({ size: 16, usage: BufferUsage.QUERY_RESOLVE | BufferUsage.COPY_SRC }),
        }
      : null;
  }

  /**
   * Requests the high-performance adapter and a device with the adapter's own limits (the defaults cap storage
   * bindings at 128 MiB). Fails with a clear message when the runtime has no WebGPU or no adapter. With
   * `timestamps`, every submitted pass is timed on the GPU (see gpuNanoseconds), when the adapter can.
   */
  static async create(
    readKernel: KernelReader = (url) => readFile(url, "utf8"),
    options: { timestamps?: boolean } = {},
  ): Promise<GpuContext> {
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
    const device = await adapter.requestDevice({
      requiredFeatures: timed ? ["timestamp-query"] : [],
      requiredLimits: {
        maxStorageBufferBindingSize: l.maxStorageBufferBindingSize,
        maxBufferSize: l.maxBufferSize,
        maxComputeWorkgroupStorageSize: l.maxComputeWorkgroupStorageSize,
        maxStorageBuffersPerShaderStage: l.maxStorageBuffersPerShaderStage,
      },
    });
    return new GpuContext(device, adapter.info?.description ?? "unknown adapter", readKernel, timed);
  }

  /** The compiled entry point `entry` of kernels/<op>/<op>.wgsl (compiled once, then cached). */
  pipeline(op: string, entry: string): Promise<GpuComputePipeline> {
    const key = `${op}:${entry}`;
    let p = this.pipelines.get(key);
    if (!p) {
      p = this.compile(op, entry);
      this.pipelines.set(key, p);
    }
    return p;
  }

  private async compile(op: string, entry: string): Promise<GpuComputePipeline> {
    const code = await this.readKernel(kernelUrl(op));
    this.device.pushErrorScope("validation");
    const module = this.device.createShaderModule({ code, label: op });
    const pipeline = await this.device.createComputePipelineAsync({ layout: "auto", compute: { module, entryPoint: entry } });
    const error = await this.device.popErrorScope();
    if (error) throw new Error(`kernels/${op}/${op}.wgsl (${entry}) does not compile: ${error.message}`);
    return pipeline;
  }

  /** Copies a CPU tensor into a new storage buffer. */
  upload(t: Tensor): GpuTensor {
    const buffer = this.device.createBuffer({ size: Math.max(4, t.data.byteLength), usage: TENSOR_USAGE, mappedAtCreation: true });
    new Float32Array(buffer.getMappedRange()).set(t.data);
    buffer.unmap();
    return { shape: [...t.shape], buffer };
  }

  /** A new storage buffer for a tensor of this shape (zeros). */
  empty(shape: readonly number[]): GpuTensor {
    return { shape: [...shape], buffer: this.device.createBuffer({ size: Math.max(4, numel(shape) * 4), usage: TENSOR_USAGE }) };
  }

  /**
   * A scratch tensor for work being recorded; released at the next read or finish, once everything recorded
   * has been submitted (a flush forced by a full uniform ring can fall between two dispatches that share it).
   */
  scratch(shape: readonly number[]): GpuTensor {
    const t = this.empty(shape);
    this.transient.push(t.buffer);
    return t;
  }

  /** Submits pending work and copies the tensor back. */
  async read(t: GpuTensor): Promise<Tensor> {
    this.flush();
    this.releaseScratch();
    const bytes = numel(t.shape) * 4;
    const staging = this.device.createBuffer({ size: Math.max(4, bytes), usage: BufferUsage.MAP_READ | BufferUsage.COPY_DST });
    const encoder = this.device.createCommandEncoder();
    if (bytes > 0) encoder.copyBufferToBuffer(t.buffer, 0, staging, 0, bytes);
    this.device.queue.submit([encoder.finish()]);
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
  dispatch(
    pipeline: GpuComputePipeline,
    buffers: readonly (GpuBuffer | null)[],
    params: readonly ParamField[],
    groups: readonly number[],
  ): void {
    const max = this.device.limits.maxComputeWorkgroupsPerDimension;
    if (groups.some((g) => g > max)) throw new RangeError(`dispatch grid [${groups}] exceeds ${max} workgroups per dimension`);
    if (groups.some((g) => g === 0)) return;
    if (params.length * 4 > UNIFORM_SLOT) throw new RangeError(`${params.length} uniform fields exceed one ${UNIFORM_SLOT}-byte slot`);
    if (this.ringUsed === RING_SLOTS) this.flush();
    const offset = this.ringUsed++ * UNIFORM_SLOT;
    const view = new DataView(this.ringData, offset, UNIFORM_SLOT);
    params.forEach((f, i) => (typeof f === "number" ? view.setUint32(i * 4, f, true) : view.setFloat32(i * 4, f.f32, true)));
    if (!this.pass) {
      // validation errors (a bad binding, a grid too large) surface at the next read or finish, not as garbage
      this.device.pushErrorScope("validation");
      this.encoder = this.device.createCommandEncoder();
      const ts = this.timestamps;
      this.pass = this.encoder.beginComputePass(
        ts ? { timestampWrites: { querySet: ts.set, beginningOfPassWriteIndex: 0, endOfPassWriteIndex: 1 } } : undefined,
      );
    }
    const entries: { binding: number; resource: { buffer: GpuBuffer; offset?: number; size?: number } }[] = buffers.flatMap(
      (buffer, binding) => (buffer ? [{ binding, resource: { buffer } }] : []),
    );
    entries.push({ binding: buffers.length, resource: { buffer: this.ring, offset, size: Math.ceil(params.length / 4) * 16 } });
    const group = this.device.createBindGroup({ layout: pipeline.getBindGroupLayout(0), entries });
    this.pass.setPipeline(pipeline);
    this.pass.setBindGroup(0, group);
    this.pass.dispatchWorkgroups(groups[0]!, groups[1] ?? 1, groups[2] ?? 1);
  }

  /** A 2-D grid covering `count` workgroups (x up to the per-dimension limit, then rows of y). */
  grid(count: number): [number, number] {
    const max = this.device.limits.maxComputeWorkgroupsPerDimension;
    return count <= max ? [count, 1] : [max, Math.ceil(count / max)];
  }

  /** Submits everything recorded so far. */
  flush(): void {
    if (!this.pass || !this.encoder) return;
    this.pass.end();
    if (this.timestamps) {
      this.encoder.resolveQuerySet(this.timestamps.set, 0, 2, this.timestamps.resolve, 0);
      const read = this.device.createBuffer({ size: 16, usage: BufferUsage.MAP_READ | BufferUsage.COPY_DST });
      this.encoder.copyBufferToBuffer(this.timestamps.resolve, 0, read, 0, 16);
      this.passTimes.push(read);
    }
    this.device.queue.writeBuffer(this.ring, 0, new Uint8Array(this.ringData, 0, this.ringUsed * UNIFORM_SLOT));
    this.ringUsed = 0;
    this.device.queue.submit([this.encoder.finish()]);
    this.errors.push(this.device.popErrorScope());
    this.pass = null;
    this.encoder = null;
  }

  /** Destroys scratch buffers; only called right after a flush, and destroy() waits for submitted work. */
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
    if (found) throw new Error(`WebGPU rejected a dispatch: ${found.message}`);
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
