/**
 * The slice of the WebGPU API this backend uses, typed structurally. TypeScript's DOM lib ships no WebGPU types
 * and the project adds no @webgpu/types package; Deno's own GPU objects satisfy these shapes at runtime.
 */

export interface GpuBuffer {
  readonly size: number;
  mapAsync(mode: number): Promise<void>;
  getMappedRange(): ArrayBuffer;
  unmap(): void;
  destroy(): void;
}

export interface GpuBindGroupLayout {
  readonly label: string;
}

export interface GpuComputePipeline {
  getBindGroupLayout(index: number): GpuBindGroupLayout;
}

export interface GpuBindGroup {
  readonly label: string;
}

export interface GpuShaderModule {
  getCompilationInfo(): Promise<{ messages: readonly { type: string; message: string; lineNum: number }[] }>;
}

export interface GpuComputePass {
  setPipeline(pipeline: GpuComputePipeline): void;
  setBindGroup(index: number, group: GpuBindGroup): void;
  dispatchWorkgroups(x: number, y?: number, z?: number): void;
  end(): void;
}

export interface GpuCommandBuffer {
  readonly label: string;
}

export interface GpuQuerySet {
  destroy(): void;
}

export interface GpuCommandEncoder {
  beginComputePass(desc?: {
    timestampWrites?: { querySet: GpuQuerySet; beginningOfPassWriteIndex: number; endOfPassWriteIndex: number };
  }): GpuComputePass;
  resolveQuerySet(set: GpuQuerySet, first: number, count: number, dst: GpuBuffer, dstOffset: number): void;
  copyBufferToBuffer(src: GpuBuffer, srcOffset: number, dst: GpuBuffer, dstOffset: number, size: number): void;
  finish(): GpuCommandBuffer;
}

export interface GpuQueue {
  writeBuffer(buffer: GpuBuffer, offset: number, data: ArrayBufferView): void;
  submit(buffers: GpuCommandBuffer[]): void;
  onSubmittedWorkDone(): Promise<void>;
}

/** The adapter limits this backend asks for (the spec's defaults are far below what GPUs offer). */
export interface GpuLimits {
  readonly maxStorageBufferBindingSize: number;
  readonly maxBufferSize: number;
  readonly maxComputeWorkgroupsPerDimension: number;
  readonly maxComputeWorkgroupStorageSize: number;
  readonly maxStorageBuffersPerShaderStage: number;
  readonly minStorageBufferOffsetAlignment: number;
}

export interface GpuDevice {
  readonly limits: GpuLimits;
  readonly features: ReadonlySet<string>;
  readonly queue: GpuQueue;
  createBuffer(desc: { size: number; usage: number; mappedAtCreation?: boolean }): GpuBuffer;
  createShaderModule(desc: { code: string; label?: string }): GpuShaderModule;
  createComputePipelineAsync(desc: {
    layout: "auto";
    compute: { module: GpuShaderModule; entryPoint: string };
  }): Promise<GpuComputePipeline>;
  createComputePipeline(desc: { layout: "auto"; compute: { module: GpuShaderModule; entryPoint: string } }): GpuComputePipeline;
  createBindGroup(desc: {
    layout: GpuBindGroupLayout;
    entries: { binding: number; resource: { buffer: GpuBuffer; offset?: number; size?: number } }[];
  }): GpuBindGroup;
  createCommandEncoder(): GpuCommandEncoder;
  createQuerySet(desc: { type: "timestamp"; count: number }): GpuQuerySet;
  pushErrorScope(filter: "validation" | "out-of-memory" | "internal"): void;
  popErrorScope(): Promise<{ readonly message: string } | null>;
  destroy(): void;
}

export interface GpuAdapter {
  readonly limits: GpuLimits;
  readonly features: ReadonlySet<string>;
  readonly info?: { readonly description?: string; readonly vendor?: string };
  requestDevice(desc: { requiredLimits: Record<string, number>; requiredFeatures?: string[] }): Promise<GpuDevice>;
}

export interface Gpu {
  requestAdapter(options?: { powerPreference?: "high-performance" | "low-power" }): Promise<GpuAdapter | null>;
}

/** GPUBufferUsage flags (numeric, as the spec fixes them, so no runtime global is needed). */
export const BufferUsage = {
  MAP_READ: 0x0001,
  COPY_SRC: 0x0004,
  COPY_DST: 0x0008,
  QUERY_RESOLVE: 0x0200,
  UNIFORM: 0x0040,
  STORAGE: 0x0080,
} as const;

/** GPUMapMode.READ */
export const MAP_READ = 0x0001;
