/**
 * The engine's CUDA library (kernels/ built by `npm run build:cuda` into .build/cuda/libswitchyard_cuda.so),
 * opened through Deno's FFI. Device pointers cross as u64; every call returns a cudaError_t that `check` turns
 * into a CudaError naming the call.
 */

/** The part of Deno's FFI this backend uses (the engine type-checks under Node too, where Deno is absent). */
interface DenoFfi {
  dlopen(path: string, symbols: Record<string, { parameters: string[]; result: string }>): { symbols: Record<string, (...a: unknown[]) => unknown> };
  UnsafePointerView: { getCString(pointer: unknown): string };
  env: { get(name: string): string | undefined };
}

/** A CUDA call that failed: the call and CUDA's own words. */
export class CudaError extends Error {
  override name = "CudaError";
}

const P = "u64";
const I = "i32";
const F = "f32";
const B = "buffer";

/** Every entry point, with its C parameters. */
export const CUDA_SYMBOLS = {
  sy_init: [I],
  sy_device_count: [B],
  sy_device_name: [B, I],
  sy_mem_info: [B, B],
  sy_malloc: [P, B],
  sy_free: [P],
  sy_upload: [P, B, P],
  sy_download: [B, P, P],
  sy_memset: [P, P],
  sy_copy2d: [P, P, P, P, P, P],
  sy_synchronize: [],
  sy_capture_begin: [],
  sy_capture_end: [B],
  sy_graph_launch: [P],
  sy_graph_destroy: [P],
  sy_blas_available: [],
  sy_linear: [P, P, I, P, P, I, I, I, P],
  sy_linear_norm: [P, P, P, F, P, P, P, I, P, P, I, I],
  sy_embedding: [P, I, P, P, I, I, I],
  sy_unary: [P, P, P, I, F, F],
  sy_binary: [P, P, P, P, I],
  sy_silu_and_mul: [P, P, I, I],
  sy_add_bias: [P, P, P, I, I],
  sy_advance: [P, I],
  sy_softmax: [P, P, I, I],
  sy_topk: [P, P, P, I, I, I],
  sy_experts: [P, P, P, P, I, P, P, P, P, P, I, I, I, I, I],
  rmsnorm_f32: [P, P, P, I, I, F, P],
  sy_add_rmsnorm: [P, P, P, P, P, I, I, F],
  sy_gated_rmsnorm: [P, P, P, P, I, I, F, I],
  conv1d_causal_f32: [P, P, P, P, P, I, I, I, I, P],
  selective_state_update_f32: [P, P, P, P, P, P, P, P, I, I, I, P],
  ssd_state_update_f32: [P, P, P, P, P, P, P, P, I, I, I, I, I, P],
  sy_selective_scan_scratch_floats: [I, I, I, I],
  sy_selective_scan: [P, P, P, P, P, P, P, P, P, I, I, I, I, I, P],
  sy_ssd_scan_scratch_floats: [I, I, I, I, I, I],
  sy_ssd_scan: [P, P, P, P, P, P, P, P, P, I, I, I, I, I, I, P, I, F, F],
  sy_rope: [P, P, P, P, I, I, I, I, F],
  sy_kv_dtype: [I, I],
  sy_kv_append: [P, P, P, P, P, I, I, I, I],
  sy_attention_scratch_floats: [I, I, I, I],
  sy_attention: [P, P, P, P, P, P, I, I, I, I, I, F, I],
  sy_sample_scratch_floats: [I],
  sy_sample: [P, I, P, P, P, P],
  sy_token_logprobs: [P, P, P, I, I],
} as const;

export type CudaSymbol = keyof typeof CUDA_SYMBOLS;
export type CudaCall = (...args: (number | bigint | ArrayBufferView | null)[]) => number;

/** The opened library: its entry points, and what the process needs around them. */
export interface CudaLibrary {
  readonly path: string;
  readonly call: Record<CudaSymbol, CudaCall>;
  /** the engine's stream, for the launchers that take one as their last argument (valid after sy_init) */
  stream(): number | bigint;
  check(what: string, code: number): void;
}

/** Deno's FFI, or null under another runtime. */
export function denoFfi(): DenoFfi | null {
  return ((globalThis as { Deno?: DenoFfi }).Deno ?? null) as DenoFfi | null;
}

/** Where the library is: SWITCHYARD_CUDA_LIB, else .build/cuda/libswitchyard_cuda.so in the repository. */
export function defaultLibraryPath(): string {
  const named = denoFfi()?.env.get("SWITCHYARD_CUDA_LIB");
  return named && named !== "" ? named : new URL("../../../../.build/cuda/libswitchyard_cuda.so", import.meta.url).pathname;
}

/** Opens the library; throws with the reason when there is no Deno FFI, no file, or no loadable library. */
export function openCudaLibrary(path = defaultLibraryPath()): CudaLibrary {
  const ffi = denoFfi();
  if (!ffi) throw new CudaError("the CUDA backend needs Deno's FFI (run the tier under Deno)");
  let lib: ReturnType<DenoFfi["dlopen"]>;
  try {
    lib = ffi.dlopen(path, {
      ...Object.fromEntries(Object.entries(CUDA_SYMBOLS).map(([name, parameters]) => [name, { parameters: [...parameters], result: I }])),
      sy_error_string: { parameters: [I], result: "pointer" },
      sy_stream: { parameters: [], result: P },
    });
  } catch (err) {
    throw new CudaError(`cannot open the CUDA library ${path} (${err instanceof Error ? err.message : String(err)}); build it with npm run build:cuda`);
  }
  const errorString = lib.symbols.sy_error_string as (code: number) => unknown;
  return {
    path,
    call: lib.symbols as unknown as Record<CudaSymbol, CudaCall>,
    stream: () => (lib.symbols.sy_stream as () => number | bigint)(),
    check(what: string, code: number): void {
      if (code !== 0) throw new CudaError(`${what}: ${ffi.UnsafePointerView.getCString(errorString(code))} (CUDA error ${code})`);
    },
  };
}
