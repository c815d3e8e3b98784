// What the kernel files share: the engine's stream and cuBLAS handle (kernels/runtime/runtime.cu), and the
// storage dtypes weights may keep on the device.
#pragma once
#include <cstdint>

#include <cuda_bf16.h>
#include <cuda_fp16.h>
#include <cuda_runtime.h>

cudaStream_t sy_stream_handle();

// y [n, m] (f32, row-major) = x [n, k] · w [m, k]ᵀ through cuBLAS, when the library could be loaded
// (kernels/runtime/blas.cu): x and w both f32 (no TF32), or both f16/bf16 (tensor cores, f32 accumulation).
// Returns false when cuBLAS is not there or refused the call; the caller then runs its own kernel.
bool sy_blas_gemm(const void* x, const void* w, int dtype, float* y, int n, int k, int m);

// Storage dtype codes, as src/engine/backends/cuda passes them.
enum SyDtype { kF32 = 0, kF16 = 1, kBF16 = 2 };

__device__ __forceinline__ float sy_load(const float* p, size_t i) { return __ldg(p + i); }
__device__ __forceinline__ float sy_load(const __half* p, size_t i) { return __half2float(p[i]); }
__device__ __forceinline__ float sy_load(const __nv_bfloat16* p, size_t i) { return __bfloat162float(p[i]); }

// The activations the elementwise kernels and the fused scans share, so a fused op gives the composed one's bits.
__device__ __forceinline__ float sy_silu(float v) { return v / (1.f + expf(-v)); }
// log(1 + eˣ), and x itself above 20, as torch.nn.functional.softplus (threshold 20) and the CPU op
__device__ __forceinline__ float sy_softplus(float v) { return v > 20.f ? v : log1pf(expf(v)); }

// What a scan does to its Δ on the way in, as the models ask for it (the CPU ops' SelectiveScanOptions and
// SsdScanOptions): Δ' = clamp(softplus(Δ + bias[head]), lo, hi); bias may be null, lo/hi ±inf for no limit.
struct SyDeltaOptions {
  const float* bias;
  int softplus;
  float lo, hi;
};
__device__ __forceinline__ float sy_delta(float v, const SyDeltaOptions& o, int head) {
  if (o.bias) v += o.bias[head];
  if (o.softplus) v = sy_softplus(v);
  return fminf(fmaxf(v, o.lo), o.hi);
}
