import { bufferBytes, type GpuContext, type StepAllocator } from "./gpu-context.ts";
import { BufferUsage, type GpuBuffer } from "./gpu-types.ts";

const USAGE = BufferUsage.STORAGE | BufferUsage.COPY_SRC | BufferUsage.COPY_DST;
/** Slots grow in steps of this many bytes, so a prompt a little longer than the last reuses the slot more often. */
const GRANULE = 4096;

/**
 * The step arena of the WebGPU backend: the i-th activation a step asks for gets buffer i of the pool, and
 * beginStep starts again at 0. A decode step asks for the same sizes in the same order every time, so it takes
 * the same buffers and allocates nothing; a larger request (a longer prefill) replaces that one slot, and the
 * old buffer is destroyed once the work recorded with it has been submitted.
 *
 * A buffer per activation rather than one arena buffer cut into ranges: WebGPU forbids one buffer bound both
 * read-only and writable in a dispatch, so ranges of one arena would force every kernel binding to read_write.
 */
export class StepPool implements StepAllocator {
  private readonly slots: GpuBuffer[] = [];
  private next = 0;

  constructor(private readonly gpu: GpuContext) {}

  take(bytes: number): GpuBuffer {
    const i = this.next++;
    const have = this.slots[i];
    if (have && have.size >= bytes) return have;
    if (have) this.gpu.retire(have);
    const size = Math.max(bufferBytes(bytes), Math.ceil(bytes / GRANULE) * GRANULE);
    const buffer = this.gpu.device.createBuffer({ size, usage: USAGE });
    this.slots[i] = buffer;
    return buffer;
  }

  /** Starts a new step: every activation handed out before is dead. */
  reset(): void {
    this.next = 0;
  }

  /** Bytes the pool holds. */
  bytes(): number {
    return this.slots.reduce((s, b) => s + b.size, 0);
  }
}
