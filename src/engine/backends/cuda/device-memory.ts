import { CudaError, type CudaLibrary } from "./cuda-library.ts";

/** Every device allocation starts on this boundary (cuBLAS and 16-byte vector loads want it). */
const ALIGN = 256;
/** The arena grows by chunks of at least this many bytes. */
const CHUNK_BYTES = 256 * 1024 * 1024;

function roundUp(bytes: number): number {
  return Math.ceil(Math.max(bytes, 1) / ALIGN) * ALIGN;
}

/**
 * Device memory of one backend: long-lived buffers (weights, states, caches), each its own cudaMalloc, and a
 * step arena for activations: a chain of chunks handed out by bumping an offset and reset at every step, so a
 * decode step allocates nothing from the driver and takes the same addresses each time it runs (what a recorded
 * CUDA graph replays). Chunks are never freed while the backend lives: graphs keep pointing into them.
 */
export class DeviceMemory {
  private readonly chunks: { ptr: number; bytes: number }[] = [];
  private chunk = 0;
  private offset = 0;
  /** set while a CUDA graph is being captured: the driver cannot allocate then */
  capturing = false;
  /** bytes held by long-lived buffers */
  longLivedBytes = 0;
  private readonly released = new FinalizationRegistry<{ ptr: number; bytes: number }>((b) => this.free(b.ptr, b.bytes));

  constructor(private readonly lib: CudaLibrary) {}

  private malloc(bytes: number, what: string): number {
    if (this.capturing) throw new CudaError(`${what}: cannot allocate ${bytes} bytes while a decode step is being recorded`);
    const out = new BigUint64Array(1);
    this.lib.check(`cudaMalloc(${bytes}) for ${what}`, this.lib.call.sy_malloc(bytes, out));
    return Number(out[0]);
  }

  private free(ptr: number, bytes: number): void {
    this.longLivedBytes -= bytes;
    this.lib.call.sy_free(ptr);
  }

  /** A zeroed long-lived buffer; freed when `owner` is collected (or never, without one). */
  longLived(bytes: number, what: string, owner?: object): number {
    const size = roundUp(bytes);
    const ptr = this.malloc(size, what);
    this.lib.check(`cudaMemsetAsync for ${what}`, this.lib.call.sy_memset(ptr, size));
    this.longLivedBytes += size;
    if (owner) this.releaseWith(owner, ptr, bytes);
    return ptr;
  }

  /** Frees a long-lived buffer once `owner` is collected (a state's tensor, a cache, a sampler slot). */
  releaseWith(owner: object, ptr: number, bytes: number): void {
    this.released.register(owner, { ptr, bytes: roundUp(bytes) });
  }

  /** Step memory, valid until the next reset. */
  step(bytes: number, what: string): number {
    const size = roundUp(bytes);
    for (;;) {
      const c = this.chunks[this.chunk];
      if (!c) break;
      if (this.offset + size <= c.bytes) {
        const ptr = c.ptr + this.offset;
        this.offset += size;
        return ptr;
      }
      this.chunk += 1;
      this.offset = 0;
    }
    const bytesNew = Math.max(CHUNK_BYTES, size);
    this.chunks.push({ ptr: this.malloc(bytesNew, `the step arena (${what})`), bytes: bytesNew });
    this.chunk = this.chunks.length - 1;
    this.offset = size;
    return this.chunks[this.chunk]!.ptr;
  }

  /** Starts a new step: every step allocation before is dead. */
  reset(): void {
    this.chunk = 0;
    this.offset = 0;
  }

  /** Bytes the arena holds. */
  arenaBytes(): number {
    return this.chunks.reduce((s, c) => s + c.bytes, 0);
  }
}
