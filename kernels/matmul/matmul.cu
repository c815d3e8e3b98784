// Linear layer y = x·Wᵀ (+ b), the CPU op `linear` (src/engine/backends/cpu/linear.ts), PyTorch nn.Linear layout.
// Layouts (row-major f32, device pointers): x [n, k], w [m, k], b [m] or null, y [n, m].
// Versions (the launcher picks by n):
//   gemv (decode, n ≤ 4) — one warp per output feature o reads its weight row once (float4 when k % 4 == 0)
//     and dots it with all n input rows (template on n), so batched decode costs one pass over the weights.
//   gemm (prefill) — 128×128 output tile per block of 256 threads, 8×8 outputs per thread in registers,
//     K in slices of 8 staged k-major in shared memory (both operands are K-contiguous: a "TN" GEMM).
//     Guarded loads zero-fill the ragged edges, so any n, m, k works. Plain f32 FMA, no tensor cores: the
//     engine computes in f32 and the cuBLAS baseline in the bench is f32 (TF32 off) too.
// Launcher: linear_f32(x, w, b, y, n, k, m, stream) → cudaError_t of the launch.
#include <cuda_runtime.h>

namespace {

constexpr int kGemvWarps = 8;

template <int N, bool kVec4>
__global__ void __launch_bounds__(kGemvWarps * 32) gemv_kernel(const float* __restrict__ x, const float* __restrict__ w,
                                                               const float* __restrict__ b, float* __restrict__ y,
                                                               int k, int m) {
  const int o = blockIdx.x * kGemvWarps + threadIdx.x / 32;
  const int lane = threadIdx.x % 32;
  if (o >= m) return;
  const float* wr = w + static_cast<size_t>(o) * k;
  float acc[N] = {};
  if (kVec4) {
    const float4* w4 = reinterpret_cast<const float4*>(wr);
    for (int j = lane; j < k / 4; j += 32) {
      const float4 wv = __ldg(&w4[j]);
#pragma unroll
      for (int r = 0; r < N; ++r) {
        const float4 xv = reinterpret_cast<const float4*>(x + static_cast<size_t>(r) * k)[j];
        acc[r] += wv.x * xv.x + wv.y * xv.y + wv.z * xv.z + wv.w * xv.w;
      }
    }
  } else {
    for (int j = lane; j < k; j += 32) {
      const float wv = __ldg(&wr[j]);
#pragma unroll
      for (int r = 0; r < N; ++r) acc[r] += wv * x[static_cast<size_t>(r) * k + j];
    }
  }
#pragma unroll
  for (int r = 0; r < N; ++r) {
    float v = acc[r];
    for (int s = 16; s > 0; s >>= 1) v += __shfl_xor_sync(0xffffffffu, v, s);
    if (lane == 0) y[static_cast<size_t>(r) * m + o] = v + (b ? b[o] : 0.f);
  }
}

constexpr int kTile = 128, kSlice = 8, kPer = 8, kGemmThreads = 256;

__global__ void __launch_bounds__(kGemmThreads) gemm_kernel(const float* __restrict__ x, const float* __restrict__ w,
                                                            const float* __restrict__ b, float* __restrict__ y,
                                                            int n, int k, int m) {
  __shared__ __align__(16) float xs[kSlice][kTile];  // k-major: one k step reads a contiguous row of 128
  __shared__ __align__(16) float ws[kSlice][kTile];
  const int row0 = blockIdx.y * kTile, col0 = blockIdx.x * kTile;
  const int tx = threadIdx.x % 16, ty = threadIdx.x / 16;
  // Loader mapping: each thread fetches 4 consecutive k of one row, for x and for w.
  const int lr = threadIdx.x / 2, lk = (threadIdx.x % 2) * 4;
  float acc[kPer][kPer] = {};
  for (int k0 = 0; k0 < k; k0 += kSlice) {
#pragma unroll
    for (int q = 0; q < 4; ++q) {
      const int kg = k0 + lk + q;
      const int xr = row0 + lr, wr = col0 + lr;
      xs[lk + q][lr] = (xr < n && kg < k) ? x[static_cast<size_t>(xr) * k + kg] : 0.f;
      ws[lk + q][lr] = (wr < m && kg < k) ? __ldg(&w[static_cast<size_t>(wr) * k + kg]) : 0.f;
    }
    __syncthreads();
#pragma unroll
    for (int kk = 0; kk < kSlice; ++kk) {
      float a[kPer], c[kPer];
      // rows ty·4 + {0..3} and 64 + ty·4 + {0..3}; cols likewise: float4 shared reads without bank conflicts
      const float4 a0 = *reinterpret_cast<const float4*>(&xs[kk][ty * 4]);
      const float4 a1 = *reinterpret_cast<const float4*>(&xs[kk][64 + ty * 4]);
      const float4 c0 = *reinterpret_cast<const float4*>(&ws[kk][tx * 4]);
      const float4 c1 = *reinterpret_cast<const float4*>(&ws[kk][64 + tx * 4]);
      a[0] = a0.x; a[1] = a0.y; a[2] = a0.z; a[3] = a0.w; a[4] = a1.x; a[5] = a1.y; a[6] = a1.z; a[7] = a1.w;
      c[0] = c0.x; c[1] = c0.y; c[2] = c0.z; c[3] = c0.w; c[4] = c1.x; c[5] = c1.y; c[6] = c1.z; c[7] = c1.w;
#pragma unroll
      for (int i = 0; i < kPer; ++i)
#pragma unroll
        for (int j = 0; j < kPer; ++j) acc[i][j] += a[i] * c[j];
    }
    __syncthreads();
  }
#pragma unroll
  for (int i = 0; i < kPer; ++i) {
    const int r = row0 + (i < 4 ? ty * 4 + i : 64 + ty * 4 + i - 4);
    if (r >= n) continue;
#pragma unroll
    for (int j = 0; j < kPer; ++j) {
      const int c = col0 + (j < 4 ? tx * 4 + j : 64 + tx * 4 + j - 4);
      if (c < m) y[static_cast<size_t>(r) * m + c] = acc[i][j] + (b ? b[c] : 0.f);
    }
  }
}

template <int N>
void launch_gemv(const float* x, const float* w, const float* b, float* y, int k, int m, cudaStream_t s) {
  const dim3 grid((m + kGemvWarps - 1) / kGemvWarps);
  if (k % 4 == 0) gemv_kernel<N, true><<<grid, kGemvWarps * 32, 0, s>>>(x, w, b, y, k, m);
  else gemv_kernel<N, false><<<grid, kGemvWarps * 32, 0, s>>>(x, w, b, y, k, m);
}

}  // namespace

extern "C" int linear_f32(const float* x, const float* w, const float* b, float* y, int n, int k, int m,
                          cudaStream_t stream) {
  if (n <= 0 || m <= 0) return cudaSuccess;
  switch (n) {
    case 1: launch_gemv<1>(x, w, b, y, k, m, stream); break;
    case 2: launch_gemv<2>(x, w, b, y, k, m, stream); break;
    case 3: launch_gemv<3>(x, w, b, y, k, m, stream); break;
    case 4: launch_gemv<4>(x, w, b, y, k, m, stream); break;
    default: {
      const dim3 grid((m + kTile - 1) / kTile, (n + kTile - 1) / kTile);
      gemm_kernel<<<grid, kGemmThreads, 0, stream>>>(x, w, b, y, n, k, m);
    }
  }
  return cudaGetLastError();
}
