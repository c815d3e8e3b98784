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
// The engine's launcher, sy_linear(x, w, wdtype, b, y, n, k, m, xh): weights f32, f16 or bf16 as stored, x and y
// f32, f32 accumulation.
//   gemv_t (n ≤ 8) — gemv with the weight row read 16 bytes a lane (8 halves or 4 floats), 4 loads in flight,
//     widened in registers; 1–8 warps per row (split-K, summed in shared memory) so small matrices still fill
//     the GPU; one pass over the weights for all n rows. Our own: decode is weight-streaming bound.
//   gemv_t with the residual add + RMSNorm in front (sy_linear_norm, one row) — each block normalises x + r into
//     shared memory, then the blocks (4 a SM) stride over the rows: the norm costs no launch of its own.
//   n > 8 — cuBLAS GemmEx (kernels/runtime/blas.cu): on the tensor cores for half weights (x narrowed into
//     xh [n, k] first, f32 out, f32 compute), f32 without TF32 for f32 weights; the bias is added by a second
//     kernel. Without cuBLAS, the gemm kernel above, reading the weights in their dtype.
#include <cuda_runtime.h>

#include <cstdint>
#include <type_traits>

#include "../runtime/runtime.h"

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

template <typename T>
__global__ void __launch_bounds__(kGemmThreads) gemm_kernel(const float* __restrict__ x, const T* __restrict__ w,
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
      ws[lk + q][lr] = (wr < m && kg < k) ? sy_load(w, static_cast<size_t>(wr) * k + kg) : 0.f;
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
      gemm_kernel<float><<<grid, kGemmThreads, 0, stream>>>(x, w, b, y, n, k, m);
    }
  }
  return cudaGetLastError();
}

namespace {

constexpr int kRowsMax = 8;

// 16 bytes of weights → f32: 4 floats or 8 halves.
__device__ __forceinline__ int widen16(const uint4& raw, const float*, float* out) {
  const float* f = reinterpret_cast<const float*>(&raw);
#pragma unroll
  for (int i = 0; i < 4; ++i) out[i] = f[i];
  return 4;
}
__device__ __forceinline__ int widen16(const uint4& raw, const __half*, float* out) {
  const __half2* h = reinterpret_cast<const __half2*>(&raw);
#pragma unroll
  for (int i = 0; i < 4; ++i) {
    const float2 v = __half22float2(h[i]);
    out[2 * i] = v.x;
    out[2 * i + 1] = v.y;
  }
  return 8;
}
__device__ __forceinline__ int widen16(const uint4& raw, const __nv_bfloat16*, float* out) {
  const __nv_bfloat162* h = reinterpret_cast<const __nv_bfloat162*>(&raw);
#pragma unroll
  for (int i = 0; i < 4; ++i) {
    const float2 v = __bfloat1622float2(h[i]);
    out[2 * i] = v.x;
    out[2 * i + 1] = v.y;
  }
  return 8;
}

// Warps of a block split one output row's k between them when there are few rows (k/v projections at d 2048
// are 512 rows: one warp a row would leave most of the 132 SMs idle); each lane keeps kInFlight 16-byte weight
// loads in flight before it multiplies.
constexpr int kInFlight = 4;

// The residual add and RMSNorm in front of a one-row GEMV (NormInput, the CPU op `addRmsnorm` then `linear`):
// every block normalises x + r into shared memory itself, block 0 also writes sum and normed for later readers,
// and the blocks then stride over the rows, few enough that the repeated prologue stays cheap next to the weights.
struct NormInput {
  const float* r;
  const float* w;
  float eps;
  float* sum;
  float* normed;
};

__device__ void norm_prologue(const float* __restrict__ x, const NormInput& in, float* xs, int k) {
  __shared__ float warp_ss[kGemvWarps];
  float ss = 0.f;
  for (int j = threadIdx.x; j < k; j += kGemvWarps * 32) {
    const float v = x[j] + in.r[j];
    xs[j] = v;
    ss += v * v;
  }
  for (int o = 16; o > 0; o >>= 1) ss += __shfl_xor_sync(0xffffffffu, ss, o);
  if (threadIdx.x % 32 == 0) warp_ss[threadIdx.x / 32] = ss;
  __syncthreads();
  float total = 0.f;
  for (int i = 0; i < kGemvWarps; ++i) total += warp_ss[i];
  const float inv = 1.f / sqrtf(total / k + in.eps);
  for (int j = threadIdx.x; j < k; j += kGemvWarps * 32) {
    const float v = xs[j], nv = (v * inv) * in.w[j];
    xs[j] = nv;
    if (blockIdx.x == 0) {
      in.sum[j] = v;
      in.normed[j] = nv;
    }
  }
  __syncthreads();
}

template <typename T, int N, bool NORM = false>
__global__ void __launch_bounds__(kGemvWarps * 32) gemv_t_kernel(const float* __restrict__ x, const T* __restrict__ w,
                                                                 const float* __restrict__ b, float* __restrict__ y,
                                                                 int k, int m, int split, bool vec, NormInput norm) {
  __shared__ float partial[kGemvWarps][N];
  extern __shared__ float4 norm_smem[];
  if (NORM) {
    norm_prologue(x, norm, reinterpret_cast<float*>(norm_smem), k);
    x = reinterpret_cast<const float*>(norm_smem);
  }
  const int warp = threadIdx.x / 32, lane = threadIdx.x % 32;
  const int rows_per_block = kGemvWarps / split;
  // one pass over the row groups, or (NORM) a stride over them; the trip count is the block's, so the barrier
  // at the end of an iteration is reached by every thread
  for (int group = blockIdx.x; group * rows_per_block < m; group += gridDim.x) {
    const int o = group * rows_per_block + warp / split;
    const int part = warp % split;
    const bool live = o < m;
    const T* wr = w + static_cast<size_t>(live ? o : 0) * k;
    float acc[N] = {};
    constexpr int kPer = 16 / sizeof(T);
    if (live && vec) {
      const uint4* w16 = reinterpret_cast<const uint4*>(wr);
      const int chunks = k / kPer, stride = 32 * split;
      for (int j0 = lane + 32 * part; j0 < chunks; j0 += stride * kInFlight) {
        uint4 raw[kInFlight];
#pragma unroll
        for (int u = 0; u < kInFlight; ++u) {
          const int j = j0 + u * stride;
          raw[u] = j < chunks ? __ldg(&w16[j]) : make_uint4(0, 0, 0, 0);
        }
#pragma unroll
        for (int u = 0; u < kInFlight; ++u) {
          const int j = j0 + u * stride;
          if (j >= chunks) break;
          float wv[8];
          widen16(raw[u], wr, wv);
#pragma unroll
          for (int r = 0; r < N; ++r) {
            const float4* xr = reinterpret_cast<const float4*>(x + static_cast<size_t>(r) * k + static_cast<size_t>(j) * kPer);
            const float4 a = xr[0];
            float sum = wv[0] * a.x + wv[1] * a.y + wv[2] * a.z + wv[3] * a.w;
            if (kPer == 8) {
              const float4 c = xr[1];
              sum += wv[4] * c.x + wv[5] * c.y + wv[6] * c.z + wv[7] * c.w;
            }
            acc[r] += sum;
          }
        }
      }
    } else if (live) {
      for (int j = lane + 32 * part; j < k; j += 32 * split) {
        const float wv = sy_load(wr, j);
#pragma unroll
        for (int r = 0; r < N; ++r) acc[r] += wv * x[static_cast<size_t>(r) * k + j];
      }
    }
#pragma unroll
    for (int r = 0; r < N; ++r) {
      float v = acc[r];
      for (int sh = 16; sh > 0; sh >>= 1) v += __shfl_xor_sync(0xffffffffu, v, sh);
      if (lane == 0) partial[warp][r] = v;
    }
    __syncthreads();
    if (live && part == 0 && lane < N) {
      float v = 0.f;
      for (int p = 0; p < split; ++p) v += partial[warp + p][lane];
      y[static_cast<size_t>(lane) * m + o] = v + (b ? b[o] : 0.f);
    }
    __syncthreads();
  }
}

// Warps per row: enough blocks in flight to fill the GPU (~32 warps on each of ~132 SMs), at most a block's 8.
int gemv_split(int m) {
  constexpr int kTargetWarps = 132 * 32;
  int split = 1;
  while (split < kGemvWarps && static_cast<long long>(m) * split < kTargetWarps) split *= 2;
  return split;
}

template <typename T, int N>
void launch_gemv_t(const float* x, const void* w, const float* b, float* y, int k, int m, cudaStream_t s) {
  const int split = gemv_split(m);
  const int rows_per_block = kGemvWarps / split;
  const dim3 grid((m + rows_per_block - 1) / rows_per_block);
  // 16-byte loads need every row to start 16-byte aligned: k a multiple of the elements per load
  const bool vec = k % (16 / sizeof(T)) == 0 && reinterpret_cast<uintptr_t>(w) % 16 == 0 && reinterpret_cast<uintptr_t>(x) % 16 == 0;
  gemv_t_kernel<T, N><<<grid, kGemvWarps * 32, 0, s>>>(x, static_cast<const T*>(w), b, y, k, m, split, vec, NormInput{});
}

// Blocks of the fused-norm GEMV: 4 a SM (32 warps, 64 KB of weight loads in flight each) on the H200's 132.
constexpr int kNormGemvBlocks = 4 * 132;

template <typename T>
void launch_gemv_norm(const float* x, const NormInput& norm, const void* w, const float* b, float* y, int k, int m, cudaStream_t s) {
  const int split = gemv_split(m);
  const int groups = (m + kGemvWarps / split - 1) / (kGemvWarps / split);
  const bool vec = k % (16 / sizeof(T)) == 0 && reinterpret_cast<uintptr_t>(w) % 16 == 0;
  gemv_t_kernel<T, 1, true><<<groups < kNormGemvBlocks ? groups : kNormGemvBlocks, kGemvWarps * 32, k * sizeof(float), s>>>(
      x, static_cast<const T*>(w), b, y, k, m, split, vec, norm);
}

template <typename T>
void gemv_rows(int n, const float* x, const void* w, const float* b, float* y, int k, int m, cudaStream_t s) {
  switch (n) {
    case 1: launch_gemv_t<T, 1>(x, w, b, y, k, m, s); break;
    case 2: launch_gemv_t<T, 2>(x, w, b, y, k, m, s); break;
    case 3: launch_gemv_t<T, 3>(x, w, b, y, k, m, s); break;
    case 4: launch_gemv_t<T, 4>(x, w, b, y, k, m, s); break;
    case 5: launch_gemv_t<T, 5>(x, w, b, y, k, m, s); break;
    case 6: launch_gemv_t<T, 6>(x, w, b, y, k, m, s); break;
    case 7: launch_gemv_t<T, 7>(x, w, b, y, k, m, s); break;
    default: launch_gemv_t<T, 8>(x, w, b, y, k, m, s); break;
  }
}

template <typename T>
__global__ void narrow_kernel(const float* __restrict__ x, T* __restrict__ out, size_t count) {
  for (size_t i = blockIdx.x * static_cast<size_t>(blockDim.x) + threadIdx.x; i < count; i += static_cast<size_t>(gridDim.x) * blockDim.x) {
    if constexpr (sizeof(T) == 2 && std::is_same<T, __half>::value) out[i] = __float2half_rn(x[i]);
    else out[i] = __float2bfloat16_rn(x[i]);
  }
}

__global__ void add_bias_rows_kernel(float* __restrict__ y, const float* __restrict__ b, size_t count, int m) {
  for (size_t i = blockIdx.x * static_cast<size_t>(blockDim.x) + threadIdx.x; i < count; i += static_cast<size_t>(gridDim.x) * blockDim.x) {
    y[i] += b[i % m];
  }
}

int grid_for(size_t count) {
  const size_t blocks = (count + 255) / 256;
  return static_cast<int>(blocks < 65535 ? blocks : 65535);
}

}  // namespace

// One row x: y = linear(rmsnorm(x + r) · nw), writing sum = x + r and normed too (CPU ops addRmsnorm, linear).
// k ≤ 8192 (x in shared memory).
extern "C" int sy_linear_norm(const float* x, const float* r, const float* nw, float eps, float* sum, float* normed,
                              const void* w, int wdtype, const float* b, float* y, int k, int m) {
  if (m <= 0) return cudaSuccess;
  if (k <= 0 || k > 8192) return cudaErrorInvalidValue;
  cudaStream_t s = sy_stream_handle();
  const NormInput norm{r, nw, eps, sum, normed};
  if (wdtype == kF32) launch_gemv_norm<float>(x, norm, w, b, y, k, m, s);
  else if (wdtype == kF16) launch_gemv_norm<__half>(x, norm, w, b, y, k, m, s);
  else launch_gemv_norm<__nv_bfloat16>(x, norm, w, b, y, k, m, s);
  return cudaGetLastError();
}

// xh: scratch of n·k halves for the narrowed x (only for half weights with n > 8); may be 0 otherwise.
extern "C" int sy_linear(const float* x, const void* w, int wdtype, const float* b, float* y, int n, int k, int m,
                         void* xh) {
  if (n <= 0 || m <= 0) return cudaSuccess;
  cudaStream_t s = sy_stream_handle();
  if (n <= kRowsMax) {
    if (wdtype == kF32) gemv_rows<float>(n, x, w, b, y, k, m, s);
    else if (wdtype == kF16) gemv_rows<__half>(n, x, w, b, y, k, m, s);
    else gemv_rows<__nv_bfloat16>(n, x, w, b, y, k, m, s);
    return cudaGetLastError();
  }
  const void* xa = x;
  if (wdtype != kF32) {
    const size_t count = static_cast<size_t>(n) * k;
    if (wdtype == kF16) narrow_kernel<__half><<<grid_for(count), 256, 0, s>>>(x, static_cast<__half*>(xh), count);
    else narrow_kernel<__nv_bfloat16><<<grid_for(count), 256, 0, s>>>(x, static_cast<__nv_bfloat16*>(xh), count);
    xa = xh;
  }
  if (!sy_blas_gemm(xa, w, wdtype, y, n, k, m)) {
    const dim3 grid((m + kTile - 1) / kTile, (n + kTile - 1) / kTile);
    if (wdtype == kF32) gemm_kernel<float><<<grid, kGemmThreads, 0, s>>>(x, static_cast<const float*>(w), b, y, n, k, m);
    else if (wdtype == kF16) gemm_kernel<__half><<<grid, kGemmThreads, 0, s>>>(x, static_cast<const __half*>(w), b, y, n, k, m);
    else gemm_kernel<__nv_bfloat16><<<grid, kGemmThreads, 0, s>>>(x, static_cast<const __nv_bfloat16*>(w), b, y, n, k, m);
    return cudaGetLastError();
  }
  if (b) {
    const size_t count = static_cast<size_t>(n) * m;
    add_bias_rows_kernel<<<grid_for(count), 256, 0, s>>>(y, b, count, m);
  }
  return cudaGetLastError();
}
