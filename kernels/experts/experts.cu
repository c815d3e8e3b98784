// A mixture of SwiGLU experts over routed tokens, the CPU op `experts` (src/engine/backends/cpu/experts.ts):
//   y[t] = Σⱼ weights[t, j] · down_e(silu(gate_e·x[t]) ⊙ up_e·x[t]),  e = indices[t, j], summed in expert order.
// Layouts: x [n, d] f32; gate, up [e, f, d] and down [e, d, f] stacked in their stored dtype; indices, weights
// [n, k] (indices as f32 integers); hidden [n·k, f] and parts [n·k, d] scratch; y [n, d].
// Versions: v1 (current) — routing stays on the device: a gemv per routed (token, slot) row picks its expert's
//   matrix by the index it reads, so a decode step needs no host round trip and can be recorded. Prefill reads an
//   expert's matrix once per routed token (not grouped by expert): correct, and slow for long prompts.
// Launcher: sy_experts(x, gate, up, down, dtype, indices, weights, hidden, parts, y, n, k, d, f, experts).
#include "../runtime/runtime.h"

namespace {

constexpr int kWarps = 8;

template <typename T>
__device__ float row_dot(const T* __restrict__ w, const float* __restrict__ x, int k, int lane) {
  float acc = 0.f;
  for (int j = lane; j < k; j += 32) acc += sy_load(w, j) * x[j];
  for (int o = 16; o > 0; o >>= 1) acc += __shfl_xor_sync(0xffffffffu, acc, o);
  return acc;
}

// hidden[r, o] = silu(gate_e[o]·x[t]) · (up_e[o]·x[t]) for routed row r = t·k + j
template <typename T>
__global__ void gate_up_kernel(const float* __restrict__ x, const T* __restrict__ gate, const T* __restrict__ up,
                               const float* __restrict__ indices, float* __restrict__ hidden, int k, int d, int f, int experts) {
  const int o = blockIdx.x * kWarps + threadIdx.x / 32, r = blockIdx.y, lane = threadIdx.x % 32;
  if (o >= f) return;
  int e = static_cast<int>(indices[r]);
  if (e < 0 || e >= experts) e = 0;
  const float* xr = x + static_cast<size_t>(r / k) * d;
  const size_t wo = (static_cast<size_t>(e) * f + o) * d;
  const float g = row_dot(gate + wo, xr, d, lane);
  const float u = row_dot(up + wo, xr, d, lane);
  if (lane == 0) hidden[static_cast<size_t>(r) * f + o] = g / (1.f + expf(-g)) * u;
}

// parts[r, o] = down_e[o]·hidden[r]
template <typename T>
__global__ void down_kernel(const float* __restrict__ hidden, const T* __restrict__ down, const float* __restrict__ indices,
                            float* __restrict__ parts, int d, int f, int experts) {
  const int o = blockIdx.x * kWarps + threadIdx.x / 32, r = blockIdx.y, lane = threadIdx.x % 32;
  if (o >= d) return;
  int e = static_cast<int>(indices[r]);
  if (e < 0 || e >= experts) e = 0;
  const float v = row_dot(down + (static_cast<size_t>(e) * d + o) * f, hidden + static_cast<size_t>(r) * f, f, lane);
  if (lane == 0) parts[static_cast<size_t>(r) * d + o] = v;
}

// y[t, o] = Σ over the token's slots in ascending expert index of weights · parts (the CPU op's order)
__global__ void combine_kernel(const float* __restrict__ parts, const float* __restrict__ indices, const float* __restrict__ weights,
                               float* __restrict__ y, int n, int k, int d) {
  const size_t i = blockIdx.x * static_cast<size_t>(blockDim.x) + threadIdx.x;
  if (i >= static_cast<size_t>(n) * d) return;
  const int t = static_cast<int>(i / d), o = static_cast<int>(i % d);
  float acc = 0.f;
  float prev = -1.f;
  for (int s = 0; s < k; ++s) {
    // the next slot in expert order: smallest index above the previous one (indices of a token are distinct)
    int pick = -1;
    for (int j = 0; j < k; ++j) {
      const float e = indices[t * k + j];
      if (e > prev && (pick < 0 || e < indices[t * k + pick])) pick = j;
    }
    prev = indices[t * k + pick];
    acc += weights[t * k + pick] * parts[static_cast<size_t>(t * k + pick) * d + o];
  }
  y[i] = acc;
}

template <typename T>
void run(const float* x, const void* gate, const void* up, const void* down, const float* indices, const float* weights,
         float* hidden, float* parts, float* y, int n, int k, int d, int f, int experts, cudaStream_t s) {
  gate_up_kernel<T><<<dim3((f + kWarps - 1) / kWarps, n * k), kWarps * 32, 0, s>>>(x, static_cast<const T*>(gate), static_cast<const T*>(up), indices, hidden, k, d, f, experts);
  down_kernel<T><<<dim3((d + kWarps - 1) / kWarps, n * k), kWarps * 32, 0, s>>>(hidden, static_cast<const T*>(down), indices, parts, d, f, experts);
  const size_t total = static_cast<size_t>(n) * d;
  combine_kernel<<<static_cast<unsigned>((total + 255) / 256), 256, 0, s>>>(parts, indices, weights, y, n, k, d);
}

}  // namespace

extern "C" int sy_experts(const float* x, const void* gate, const void* up, const void* down, int dtype, const float* indices,
                          const float* weights, float* hidden, float* parts, float* y, int n, int k, int d, int f, int experts) {
  if (n <= 0) return cudaSuccess;
  cudaStream_t s = sy_stream_handle();
  if (dtype == kF32) run<float>(x, gate, up, down, indices, weights, hidden, parts, y, n, k, d, f, experts, s);
  else if (dtype == kF16) run<__half>(x, gate, up, down, indices, weights, hidden, parts, y, n, k, d, f, experts, s);
  else run<__nv_bfloat16>(x, gate, up, down, indices, weights, hidden, parts, y, n, k, d, f, experts, s);
  return cudaGetLastError();
}
