// Causal depthwise conv1d continuing from a rolling state, the CPU op `conv1dCausal`
// (src/engine/backends/cpu/conv1d.ts; Mamba's causal_conv1d_fn / causal_conv1d_update):
//   y[t, c] = act(b[c] + Σ_j w[c, j] · ext_c[t + j]),  ext_c = [state[c, :] ‖ x[:, c]]  (hist = kw − 1 inputs of
//   history), act = silu (x·σ(x), as kernels/elementwise computes it) or none; then state[c, :] = the last hist
//   entries of ext_c.
// Layouts (row-major f32, device pointers): x [n, d], w [d, kw], b [d] or null, state [d, kw−1] (oldest first,
// updated in place), y [n, d].
// Versions (the launcher picks by n):
//   step (decode, n = 1, fused) — one thread per channel: dot of the window, shift the state by one.
//   causal + state_save (prefill) — one thread per output (t, c), adjacent threads on adjacent channels so x
//     reads coalesce; then one thread per channel rolls the state. Two launches on one stream, because every
//     output must read the old state before any of it is overwritten.
// Launcher: conv1d_causal_f32(x, w, b, state, y, n, d, kw, silu, stream) → cudaError_t of the launches.
#include <cuda_runtime.h>

namespace {

constexpr int kThreads = 256;

__device__ __forceinline__ float activate(float v, bool silu) { return silu ? v / (1.f + expf(-v)) : v; }

__device__ __forceinline__ float ext(const float* x, const float* state, int d, int hist, int c, int i) {
  return i < hist ? state[c * hist + i] : x[static_cast<size_t>(i - hist) * d + c];
}

__global__ void conv1d_step_kernel(const float* __restrict__ x, const float* __restrict__ w, const float* __restrict__ b,
                                   float* __restrict__ state, float* __restrict__ y, int d, int kw, bool silu) {
  const int c = blockIdx.x * blockDim.x + threadIdx.x;
  if (c >= d) return;
  const int hist = kw - 1;
  float* s = state + static_cast<size_t>(c) * hist;
  const float* wr = w + static_cast<size_t>(c) * kw;
  const float xv = x[c];
  float acc = b ? b[c] : 0.f;
  for (int j = 0; j < hist; ++j) acc += wr[j] * s[j];
  y[c] = activate(acc + wr[hist] * xv, silu);
  for (int j = 0; j + 1 < hist; ++j) s[j] = s[j + 1];
  if (hist > 0) s[hist - 1] = xv;
}

__global__ void conv1d_causal_kernel(const float* __restrict__ x, const float* __restrict__ w,
                                     const float* __restrict__ b, const float* __restrict__ state,
                                     float* __restrict__ y, int n, int d, int kw, bool silu) {
  const size_t idx = static_cast<size_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  if (idx >= static_cast<size_t>(n) * d) return;
  const int t = static_cast<int>(idx / d), c = static_cast<int>(idx % d);
  const float* wr = w + static_cast<size_t>(c) * kw;
  float acc = b ? b[c] : 0.f;
  for (int j = 0; j < kw; ++j) acc += wr[j] * ext(x, state, d, kw - 1, c, t + j);
  y[idx] = activate(acc, silu);
}

__global__ void conv1d_state_save_kernel(const float* __restrict__ x, float* state, int n, int d, int kw) {
  const int c = blockIdx.x * blockDim.x + threadIdx.x;
  if (c >= d) return;
  const int hist = kw - 1;
  // Ascending j reads index n + j > j, which no earlier step of this thread has overwritten (n ≥ 1).
  for (int j = 0; j < hist; ++j) state[c * hist + j] = ext(x, state, d, hist, c, n + j);
}

}  // namespace

extern "C" int conv1d_causal_f32(const float* x, const float* w, const float* b, float* state, float* y, int n, int d,
                                 int kw, int silu, cudaStream_t stream) {
  if (n <= 0 || d <= 0) return cudaSuccess;
  const int channel_blocks = (d + kThreads - 1) / kThreads;
  if (n == 1) {
    conv1d_step_kernel<<<channel_blocks, kThreads, 0, stream>>>(x, w, b, state, y, d, kw, silu != 0);
    return cudaGetLastError();
  }
  const size_t outputs = static_cast<size_t>(n) * d;
  conv1d_causal_kernel<<<static_cast<unsigned>((outputs + kThreads - 1) / kThreads), kThreads, 0, stream>>>(
      x, w, b, state, y, n, d, kw, silu != 0);
  conv1d_state_save_kernel<<<channel_blocks, kThreads, 0, stream>>>(x, state, n, d, kw);
  return cudaGetLastError();
}
