// Mamba-1 selective scan state update, the CPU op `selectiveScan` (src/engine/backends/cpu/selective-scan.ts;
// mamba_ssm selective_state_update without dt bias/softplus/z gate, which the model graph applies around it):
//   h[c, j] ← exp(Δ[t, c]·A[c, j]) · h[c, j] + Δ[t, c]·u[t, c] · B[t, j]
//   y[t, c] = Σ_j h[c, j] · C[t, j] + D[c] · u[t, c]                         for t = 0 … n−1 in order
// Layouts (row-major f32, device pointers): u, delta [n, d] (delta already softplus'ed), A [d, s], B, C [n, s],
// D [d], state [d, s] (updated in place), y [n, d]. n = 1 is the decode step; larger n runs tokens in sequence.
// Versions: v1 (current) — a segment of L = pow2 ≥ s lanes (≤ 32) of one warp per channel: lane j owns state
//   entries j, j+L, … so a warp reads contiguous state, and the segment sums h·C with xor shuffles. (The WGSL
//   version keeps one invocation per channel: without subgroups a shared-memory reduction would cost more.)
// Launcher: selective_state_update_f32(u, delta, A, B, C, D, state, y, n, d, s, stream) → cudaError_t.
#include <cuda_runtime.h>

namespace {

constexpr int kThreads = 256;

__global__ void __launch_bounds__(kThreads) selective_state_update_kernel(
    const float* __restrict__ u, const float* __restrict__ delta, const float* __restrict__ A,
    const float* __restrict__ B, const float* __restrict__ C, const float* __restrict__ D, float* __restrict__ state,
    float* __restrict__ y, int n, int d, int s, int lanes) {
  const int global = blockIdx.x * kThreads + threadIdx.x;
  const int c = global / lanes, lane = global % lanes;
  // Whole segments leave together, so the shuffles below always see their full segment.
  if (c >= d) return;
  const unsigned mask = __activemask();
  float* h = state + static_cast<size_t>(c) * s;
  const float* a = A + static_cast<size_t>(c) * s;
  for (int t = 0; t < n; ++t) {
    const float dt = delta[static_cast<size_t>(t) * d + c];
    const float uu = u[static_cast<size_t>(t) * d + c];
    const float du = dt * uu;
    const float* bt = B + static_cast<size_t>(t) * s;
    const float* ct = C + static_cast<size_t>(t) * s;
    float acc = 0.f;
    for (int j = lane; j < s; j += lanes) {
      const float hv = expf(dt * a[j]) * h[j] + du * bt[j];
      h[j] = hv;
      acc += hv * ct[j];
    }
    for (int o = lanes / 2; o > 0; o >>= 1) acc += __shfl_xor_sync(mask, acc, o);
    if (lane == 0) y[static_cast<size_t>(t) * d + c] = acc + D[c] * uu;
  }
}

}  // namespace

extern "C" int selective_state_update_f32(const float* u, const float* delta, const float* A, const float* B,
                                          const float* C, const float* D, float* state, float* y, int n, int d, int s,
                                          cudaStream_t stream) {
  if (n <= 0 || d <= 0 || s <= 0) return cudaSuccess;
  int lanes = 1;
  while (lanes < s && lanes < 32) lanes *= 2;
  const size_t threads = static_cast<size_t>(d) * lanes;
  selective_state_update_kernel<<<static_cast<unsigned>((threads + kThreads - 1) / kThreads), kThreads, 0, stream>>>(
      u, delta, A, B, C, D, state, y, n, d, s, lanes);
  return cudaGetLastError();
}
