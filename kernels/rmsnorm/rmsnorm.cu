// RMSNorm over the last dim (LlamaRMSNorm), the CPU op `rmsnorm` (src/engine/backends/cpu/norm.ts):
//   y[i, j] = (x[i, j] · rsqrt(mean_j(x[i, :]²) + eps)) · w[j]
// Layouts (row-major f32, device pointers): x [n, d], w [d], y [n, d].
// With the residual add before it, the CPU op `addRmsnorm`: sum = x + r, y = rmsnorm(sum).
// Versions: v1 (current) — one block of 256 threads per row; float4 loads when d % 4 == 0 (rows then stay
//   16-byte aligned), scalar otherwise; warp shuffles then one shared slot per warp for the sum of squares.
// Launchers: rmsnorm_f32(x, w, y, n, d, eps, stream); sy_add_rmsnorm(x, r, w, sum, y, n, d, eps) → cudaError_t.
#include <cuda_runtime.h>

#include "../runtime/runtime.h"

namespace {

constexpr int kThreads = 256;

__device__ float block_sum(float v) {
  __shared__ float warp_sums[kThreads / 32];
  for (int o = 16; o > 0; o >>= 1) v += __shfl_xor_sync(0xffffffffu, v, o);
  const int warp = threadIdx.x / 32, lane = threadIdx.x % 32;
  if (lane == 0) warp_sums[warp] = v;
  __syncthreads();
  float total = 0.f;
  for (int i = 0; i < kThreads / 32; ++i) total += warp_sums[i];  // every thread reads the 8 sums: no 2nd barrier
  return total;
}

// kAdd: x + r is the row (written to sum, then normalised), the residual add of the layer before fused in
template <bool kVec4, bool kAdd>
__global__ void __launch_bounds__(kThreads) rmsnorm_kernel(const float* __restrict__ x, const float* __restrict__ r,
                                                           const float* __restrict__ w, float* __restrict__ sum,
                                                           float* __restrict__ y, int d, float eps) {
  const size_t o = static_cast<size_t>(blockIdx.x) * d;
  // with kAdd each thread normalises the sums it wrote itself: no barrier between the passes
  const float* src = kAdd ? sum : x;
  float ss = 0.f;
  if (kVec4) {
    const float4* xr = reinterpret_cast<const float4*>(x + o);
    for (int j = threadIdx.x; j < d / 4; j += kThreads) {
      float4 v = xr[j];
      if (kAdd) {
        const float4 a = reinterpret_cast<const float4*>(r + o)[j];
        v = make_float4(v.x + a.x, v.y + a.y, v.z + a.z, v.w + a.w);
        reinterpret_cast<float4*>(sum + o)[j] = v;
      }
      ss += v.x * v.x + v.y * v.y + v.z * v.z + v.w * v.w;
    }
  } else {
    for (int j = threadIdx.x; j < d; j += kThreads) {
      float v = x[o + j];
      if (kAdd) {
        v += r[o + j];
        sum[o + j] = v;
      }
      ss += v * v;
    }
  }
  const float inv = 1.f / sqrtf(block_sum(ss) / d + eps);
  if (kVec4) {
    const float4* xr = reinterpret_cast<const float4*>(src + o);
    const float4* wr = reinterpret_cast<const float4*>(w);
    float4* yr = reinterpret_cast<float4*>(y + o);
    for (int j = threadIdx.x; j < d / 4; j += kThreads) {
      const float4 v = xr[j], g = wr[j];
      yr[j] = make_float4(v.x * inv * g.x, v.y * inv * g.y, v.z * inv * g.z, v.w * inv * g.w);
    }
  } else {
    for (int j = threadIdx.x; j < d; j += kThreads) y[o + j] = (src[o + j] * inv) * w[j];
  }
}

}  // namespace

extern "C" int rmsnorm_f32(const float* x, const float* w, float* y, int n, int d, float eps, cudaStream_t stream) {
  if (n <= 0 || d <= 0) return cudaSuccess;
  if (d % 4 == 0) rmsnorm_kernel<true, false><<<n, kThreads, 0, stream>>>(x, nullptr, w, nullptr, y, d, eps);
  else rmsnorm_kernel<false, false><<<n, kThreads, 0, stream>>>(x, nullptr, w, nullptr, y, d, eps);
  return cudaGetLastError();
}

extern "C" int sy_add_rmsnorm(const float* x, const float* r, const float* w, float* sum, float* y, int n, int d, float eps) {
  if (n <= 0 || d <= 0) return cudaSuccess;
  cudaStream_t s = sy_stream_handle();
  if (d % 4 == 0) rmsnorm_kernel<true, true><<<n, kThreads, 0, s>>>(x, r, w, sum, y, d, eps);
  else rmsnorm_kernel<false, true><<<n, kThreads, 0, s>>>(x, r, w, sum, y, d, eps);
  return cudaGetLastError();
}

// Gated RMSNorm of Mamba-2 (norm_before_gate = false), the CPU op `gatedRmsnorm`: g = x · silu(z), then each
// contiguous group of `group` channels is normalised by its own mean square and scaled by w.
// x, z, y [n, d], w [d]. One block per (row, group), the gated values kept in y between the two passes.
namespace {

__global__ void __launch_bounds__(kThreads) gated_rmsnorm_kernel(const float* __restrict__ x, const float* __restrict__ z,
                                                                 const float* __restrict__ w, float* __restrict__ y,
                                                                 int d, int group, float eps) {
  __shared__ float warp_sums[kThreads / 32];
  const size_t row = static_cast<size_t>(blockIdx.x) * d + static_cast<size_t>(blockIdx.y) * group;
  const int w0 = blockIdx.y * group;
  float ss = 0.f;
  for (int j = threadIdx.x; j < group; j += kThreads) {
    const float g = z[row + j];
    const float v = x[row + j] * (g / (1.f + expf(-g)));
    y[row + j] = v;
    ss += v * v;
  }
  for (int o = 16; o > 0; o >>= 1) ss += __shfl_xor_sync(0xffffffffu, ss, o);
  if (threadIdx.x % 32 == 0) warp_sums[threadIdx.x / 32] = ss;
  __syncthreads();
  float total = 0.f;
  for (int i = 0; i < kThreads / 32; ++i) total += warp_sums[i];
  const float inv = rsqrtf(total / group + eps);
  for (int j = threadIdx.x; j < group; j += kThreads) y[row + j] = (y[row + j] * inv) * w[w0 + j];
}

}  // namespace

extern "C" int sy_gated_rmsnorm(const float* x, const float* z, const float* w, float* y, int n, int d, float eps, int group) {
  if (n <= 0 || d <= 0) return cudaSuccess;
  gated_rmsnorm_kernel<<<dim3(n, d / group), kThreads, 0, sy_stream_handle()>>>(x, z, w, y, d, group, eps);
  return cudaGetLastError();
}
