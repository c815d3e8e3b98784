// Mamba-2 SSD state update (scalar A per head, B/C shared by the heads of a group), the CPU op `ssdScan`
// (src/engine/backends/cpu/ssd-scan.ts; mamba_ssm selective_state_update with per-head scalar A):
//   h[hh, p, j] ← exp(Δ[t, hh]·A[hh]) · h[hh, p, j] + (Δ[t, hh]·x[t, hh, p]) · B[t, g, j]
//   y[t, hh, p] = Σ_j h[hh, p, j] · C[t, g, j] + D[hh] · x[t, hh, p]        g = ⌊hh / (h/groups)⌋, t in order
// Layouts (row-major f32, device pointers): x [n, h, p], dt [n, h] (softplus'ed, clamped), A [h], B, C [n, g, s],
// D [h], state [h, p, s] (updated in place), y [n, h·p]. n = 1 is the decode step.
// Versions: v1 (current) — one warp per state row (hh, p), 8 rows per block: lanes stride along s (float4 when
//   s % 4 == 0, so s = 128 is one float4 per lane) and a xor-shuffle sum gives y. Same mapping as the WGSL
//   version, with shuffles in place of its shared-memory tree.
// Launcher: ssd_state_update_f32(x, dt, A, B, C, D, state, y, n, h, p, s, g, stream) → cudaError_t.
#include <cuda_runtime.h>

namespace {

constexpr int kWarps = 8;

template <bool kVec4>
__global__ void __launch_bounds__(kWarps * 32) ssd_state_update_kernel(
    const float* __restrict__ x, const float* __restrict__ dt, const float* __restrict__ A, const float* __restrict__ B,
    const float* __restrict__ C, const float* __restrict__ D, float* __restrict__ state, float* __restrict__ y, int n,
    int nh, int p, int s, int g) {
  const int row = blockIdx.x * kWarps + threadIdx.x / 32;  // hh · p + pi
  const int lane = threadIdx.x % 32;
  if (row >= nh * p) return;  // whole warps leave together
  const int hh = row / p;
  const int group = hh / (nh / g);
  float* st = state + static_cast<size_t>(row) * s;
  const float a = A[hh];
  for (int t = 0; t < n; ++t) {
    const float dtv = dt[static_cast<size_t>(t) * nh + hh];
    const float dA = expf(dtv * a);
    const float xv = x[static_cast<size_t>(t) * nh * p + row];
    const float dx = dtv * xv;
    const size_t go = (static_cast<size_t>(t) * g + group) * s;
    float acc = 0.f;
    if (kVec4) {
      float4* s4 = reinterpret_cast<float4*>(st);
      const float4* b4 = reinterpret_cast<const float4*>(B + go);
      const float4* c4 = reinterpret_cast<const float4*>(C + go);
      for (int j = lane; j < s / 4; j += 32) {
        float4 hv = s4[j];
        const float4 bv = b4[j], cv = c4[j];
        hv.x = hv.x * dA + dx * bv.x; hv.y = hv.y * dA + dx * bv.y;
        hv.z = hv.z * dA + dx * bv.z; hv.w = hv.w * dA + dx * bv.w;
        s4[j] = hv;
        acc += hv.x * cv.x + hv.y * cv.y + hv.z * cv.z + hv.w * cv.w;
      }
    } else {
      for (int j = lane; j < s; j += 32) {
        const float hv = st[j] * dA + dx * B[go + j];
        st[j] = hv;
        acc += hv * C[go + j];
      }
    }
    for (int o = 16; o > 0; o >>= 1) acc += __shfl_xor_sync(0xffffffffu, acc, o);
    if (lane == 0) y[static_cast<size_t>(t) * nh * p + row] = acc + D[hh] * xv;
  }
}

}  // namespace

extern "C" int ssd_state_update_f32(const float* x, const float* dt, const float* A, const float* B, const float* C,
                                    const float* D, float* state, float* y, int n, int h, int p, int s, int g,
                                    cudaStream_t stream) {
  if (n <= 0 || h <= 0 || p <= 0 || s <= 0) return cudaSuccess;
  if (g <= 0 || h % g != 0) return cudaErrorInvalidValue;
  const int blocks = (h * p + kWarps - 1) / kWarps;
  if (s % 4 == 0) ssd_state_update_kernel<true><<<blocks, kWarps * 32, 0, stream>>>(x, dt, A, B, C, D, state, y, n, h, p, s, g);
  else ssd_state_update_kernel<false><<<blocks, kWarps * 32, 0, stream>>>(x, dt, A, B, C, D, state, y, n, h, p, s, g);
  return cudaGetLastError();
}
