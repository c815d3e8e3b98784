// Mamba-1 selective scan, the CPU op `selectiveScan` with its options (src/engine/backends/cpu/selective-scan.ts;
// mamba_ssm selective_scan_fn / selective_state_update with delta_softplus and the z gate, no dt bias):
//   Δ = softplus(delta[t, c]) when delta_softplus, else delta[t, c]
//   h[c, j] ← exp(Δ·A[c, j]) · h[c, j] + Δ·u[t, c] · B[t, j]
//   y[t, c] = (Σ_j h[c, j] · C[t, j] + D[c] · u[t, c]) · silu(z[t, c]) (no factor when z is null), t in order
// The options are applied in the kernels themselves: on the decode step each one composed around the scan was a
// launch of its own (two per Mamba layer).
// Layouts (row-major f32, device pointers): u, delta, z [n, d], A [d, s], B, C [n, s], D [d], state [d, s] (updated
// in place), y [n, d]. Chunked scratch, per window of ≤ 4096 tokens cut into nc
// chunks of L tokens: ends [nc, s, d] (chunk end states, then the states entering each chunk), then sums [nc, d]
// (Σ Δ over the chunk).
// Versions (the launcher picks by n; a prompt runs in windows of ≤ 4096 tokens, the state carried between them):
//   sequential (decode, n < 32; s > 64) — a segment of L = pow2 ≥ s lanes (≤ 32) of one warp per channel: lane j
//     owns state entries j, j+L, … so a warp reads contiguous state, and the segment sums h·C with xor shuffles.
//     (The WGSL version keeps one invocation per channel: without subgroups a shared-memory reduction costs more.)
//   chunked (prefill, s ≤ 64) — the window in chunks of L tokens (L planned from n and d so that the chunk
//     kernels have ≈ 2^18 threads), three launches on the stream:
//     1. chunk_state: one thread per (chunk, channel) (1, 2 or 4 lanes when s > 16), the chunk's state entries in
//        registers, scans the chunk from h = 0 (B rows staged in shared memory); writes the end state and Σ Δ.
//     2. chunk_carry: one thread per (channel, j), sequential over the chunks: H₀ = state,
//        H_{k+1} = exp(A·ΣΔ_k)·H_k + end_k; writes H_k over end_k, and the last carry into state.
//     3. chunk_output: the same threads as 1 re-scan each chunk from its true H_k and emit y (B and C staged).
//     Every (t, c, j) costs two exps (MUFU-bound); y needs no reduction across threads when s ≤ 16.
// Launchers: sy_selective_scan_scratch_floats(n, d, s, chunk); sy_selective_scan(u, delta, A, B, C, D, state, y,
//   scratch, n, d, s, chunk, delta_softplus, z) → cudaError_t, on the engine's stream. chunk 0 plans; > 0 forces the chunked version
//   with chunks of that many tokens, < 0 the sequential one (checks and benches). selective_state_update_f32(u,
//   delta, A, B, C, D, state, y, n, d, s, stream) is the sequential version alone, without options (the kernel bench).
#include <climits>

#include "../runtime/runtime.h"

namespace {

constexpr int kThreads = 256;
constexpr float kLog2e = 1.4426950408889634f;
constexpr int kWindow = 4096;        // tokens per chunked pass: bounds the scratch
constexpr int kMinTokens = 32;       // shorter windows (the decode step, short prompts) run sequentially
constexpr int kMaxChunk = 256;
constexpr int kMaxState = 64;        // chunked: ≤ 16 entries per lane, ≤ 4 lanes per channel
constexpr long long kTargetThreads = 1 << 18;
constexpr size_t kPlannedShared = 48 * 1024;  // what the planner stays within (no opt-in needed)
constexpr size_t kMaxShared = 227 * 1024;     // what a forced chunk length may use (the H200's opt-in limit)
constexpr int kBatch = 8;            // chunk_carry loads this many chunks ahead of its dependent chain

// y · silu(z) when there is a gate
__device__ __forceinline__ float gated(float v, const float* __restrict__ z, size_t at) { return z ? sy_silu(z[at]) * v : v; }

__global__ void __launch_bounds__(kThreads) selective_state_update_kernel(
    const float* __restrict__ u, const float* __restrict__ delta, const float* __restrict__ A,
    const float* __restrict__ B, const float* __restrict__ C, const float* __restrict__ D, float* __restrict__ state,
    float* __restrict__ y, int n, int d, int s, int lanes, int softplus, const float* __restrict__ z) {
  const int global = blockIdx.x * kThreads + threadIdx.x;
  const int c = global / lanes, lane = global % lanes;
  // Whole segments leave together, so the shuffles below always see their full segment.
  if (c >= d) return;
  const unsigned mask = __activemask();
  float* h = state + static_cast<size_t>(c) * s;
  const float* a = A + static_cast<size_t>(c) * s;
  for (int t = 0; t < n; ++t) {
    const size_t at = static_cast<size_t>(t) * d + c;
    const float dt = softplus ? sy_softplus(delta[at]) : delta[at];
    const float uu = u[at];
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
    if (lane == 0) y[at] = gated(acc + D[c] * uu, z, at);
  }
}

// ── chunked ──────────────────────────────────────────────────────────────────────────────────────────────────
// Thread (chunk k, channel c, lane) owns the PER state entries j = lane·PER … lane·PER+PER−1. Rows of B and C in
// shared memory are padded with zeros to lanes·PER (a multiple of 4), and A to 0 there, so padded entries stay 0
// without a branch in the inner loop. exp(Δ·A) is exp2(Δ·(A·log2 e)): one MUFU op, as accurate as expf here.

// Stages rows t0 … t0+len−1 of M [n, s] into dst [len, sp], zero past s.
__device__ __forceinline__ void stage_rows(const float* __restrict__ M, float* dst, int t0, int len, int s, int sp) {
  for (int i = threadIdx.x; i < len * sp; i += kThreads) {
    const int r = i / sp, j = i - r * sp;
    dst[i] = j < s ? M[static_cast<size_t>(t0 + r) * s + j] : 0.f;
  }
}

template <int PER>
__global__ void __launch_bounds__(kThreads) chunk_state_kernel(
    const float* __restrict__ u, const float* __restrict__ delta, const float* __restrict__ A, const float* __restrict__ B,
    float* __restrict__ ends, float* __restrict__ sums, int n, int d, int s, int L, int lanes, int softplus) {
  extern __shared__ float4 smem4[];
  float* bs = reinterpret_cast<float*>(smem4);  // [len, sp]
  const int sp = lanes * PER, k = blockIdx.y, t0 = k * L, len = min(L, n - t0);
  stage_rows(B, bs, t0, len, s, sp);
  __syncthreads();
  const int global = blockIdx.x * kThreads + threadIdx.x;
  const int c = global / lanes, lane = global - c * lanes;
  if (c >= d) return;  // no barrier below
  const int j0 = lane * PER;
  float a2[PER], h[PER];
#pragma unroll
  for (int i = 0; i < PER; ++i) {
    a2[i] = j0 + i < s ? A[static_cast<size_t>(c) * s + j0 + i] * kLog2e : 0.f;
    h[i] = 0.f;
  }
  // Σ Δ in f64: chunk_carry turns it into the chunk's decay exp(A·ΣΔ), where an f32 sum's error would be scaled by |A|
  double sum = 0.0;
#pragma unroll 2
  for (int r = 0; r < len; ++r) {
    const size_t at = static_cast<size_t>(t0 + r) * d + c;
    const float dt = softplus ? sy_softplus(delta[at]) : delta[at], du = dt * u[at];
    sum += dt;
    const float4* b4 = reinterpret_cast<const float4*>(bs + r * sp + j0);
#pragma unroll
    for (int q = 0; q < PER / 4; ++q) {
      const float4 b = b4[q];
      h[4 * q + 0] = exp2f(dt * a2[4 * q + 0]) * h[4 * q + 0] + du * b.x;
      h[4 * q + 1] = exp2f(dt * a2[4 * q + 1]) * h[4 * q + 1] + du * b.y;
      h[4 * q + 2] = exp2f(dt * a2[4 * q + 2]) * h[4 * q + 2] + du * b.z;
      h[4 * q + 3] = exp2f(dt * a2[4 * q + 3]) * h[4 * q + 3] + du * b.w;
    }
  }
#pragma unroll
  for (int i = 0; i < PER; ++i) {
    if (j0 + i < s) ends[(static_cast<size_t>(k) * s + j0 + i) * d + c] = h[i];
  }
  if (lane == 0) sums[static_cast<size_t>(k) * d + c] = static_cast<float>(sum);
}

// The chunk decay is exp(A·ΣΔ), the exp of the summed exponent, not the product of the chunk's L per-step exps:
// that product rounds L times (≈ L/2 ulp of drift) where the sum of same-signed Δ in f64 rounds once.
__global__ void __launch_bounds__(kThreads) chunk_carry_kernel(const float* __restrict__ A, const float* __restrict__ sums,
                                                               float* __restrict__ ends, float* __restrict__ state, int nc, int d, int s) {
  const int e = blockIdx.x * kThreads + threadIdx.x;  // j·d + c: adjacent threads on adjacent channels
  if (e >= d * s) return;
  const int j = e / d, c = e - j * d;
  const float a = A[static_cast<size_t>(c) * s + j];
  const size_t stride = static_cast<size_t>(s) * d;  // one chunk of ends
  float carry = state[static_cast<size_t>(c) * s + j];
  for (int k0 = 0; k0 < nc; k0 += kBatch) {
    float end[kBatch], sum[kBatch];
#pragma unroll
    for (int q = 0; q < kBatch; ++q) {
      const int k = k0 + q;
      end[q] = k < nc ? ends[k * stride + e] : 0.f;
      sum[q] = k < nc ? sums[static_cast<size_t>(k) * d + c] : 0.f;
    }
#pragma unroll
    for (int q = 0; q < kBatch; ++q) {
      const int k = k0 + q;
      if (k < nc) {
        ends[k * stride + e] = carry;  // H_k: the state entering chunk k
        carry = expf(a * sum[q]) * carry + end[q];
      }
    }
  }
  state[static_cast<size_t>(c) * s + j] = carry;
}

template <int PER>
__global__ void __launch_bounds__(kThreads) chunk_output_kernel(
    const float* __restrict__ u, const float* __restrict__ delta, const float* __restrict__ A, const float* __restrict__ B,
    const float* __restrict__ C, const float* __restrict__ D, const float* __restrict__ starts, float* __restrict__ y, int n,
    int d, int s, int L, int lanes, int softplus, const float* __restrict__ z) {
  extern __shared__ float4 smem4[];
  const int sp = lanes * PER, k = blockIdx.y, t0 = k * L, len = min(L, n - t0);
  float* bs = reinterpret_cast<float*>(smem4);  // [len, sp]
  float* cs = bs + L * sp;                       // [len, sp]; L·sp is a multiple of 4, so float4-aligned
  stage_rows(B, bs, t0, len, s, sp);
  stage_rows(C, cs, t0, len, s, sp);
  __syncthreads();
  const int global = blockIdx.x * kThreads + threadIdx.x;
  const int c = global / lanes, lane = global - c * lanes;
  if (c >= d) return;  // whole segments leave together (lanes divides 32); no barrier below
  const int wl = threadIdx.x & 31;
  const unsigned seg = ((1u << lanes) - 1u) << (wl & ~(lanes - 1));  // this channel's lanes (lanes ≤ 4)
  const int j0 = lane * PER;
  float a2[PER], h[PER];
#pragma unroll
  for (int i = 0; i < PER; ++i) {
    const bool in = j0 + i < s;
    a2[i] = in ? A[static_cast<size_t>(c) * s + j0 + i] * kLog2e : 0.f;
    h[i] = in ? starts[(static_cast<size_t>(k) * s + j0 + i) * d + c] : 0.f;
  }
  const float dc = D[c];
#pragma unroll 2
  for (int r = 0; r < len; ++r) {
    const size_t at = static_cast<size_t>(t0 + r) * d + c;
    const float dt = softplus ? sy_softplus(delta[at]) : delta[at], uu = u[at], du = dt * uu;
    const float4* b4 = reinterpret_cast<const float4*>(bs + r * sp + j0);
    const float4* c4 = reinterpret_cast<const float4*>(cs + r * sp + j0);
    float acc = 0.f;
#pragma unroll
    for (int q = 0; q < PER / 4; ++q) {
      const float4 b = b4[q], cv = c4[q];
      h[4 * q + 0] = exp2f(dt * a2[4 * q + 0]) * h[4 * q + 0] + du * b.x;
      h[4 * q + 1] = exp2f(dt * a2[4 * q + 1]) * h[4 * q + 1] + du * b.y;
      h[4 * q + 2] = exp2f(dt * a2[4 * q + 2]) * h[4 * q + 2] + du * b.z;
      h[4 * q + 3] = exp2f(dt * a2[4 * q + 3]) * h[4 * q + 3] + du * b.w;
      acc += h[4 * q + 0] * cv.x + h[4 * q + 1] * cv.y + h[4 * q + 2] * cv.z + h[4 * q + 3] * cv.w;
    }
    for (int o = lanes / 2; o > 0; o >>= 1) acc += __shfl_xor_sync(seg, acc, o);
    if (lane == 0) y[at] = gated(acc + dc * uu, z, at);
  }
}

// How one window of n tokens runs: chunk 0 = sequential, > 0 = chunked with chunks of that length, < 0 = not
// possible (a forced chunk length out of range).
struct Plan {
  int chunk = 0;
  int lanes = 1;
  int per = 4;
};

Plan plan_window(int n, int d, int s, int chunk) {
  Plan p;
  if (chunk < 0 || n <= 0) return p;
  if (s > kMaxState) {
    p.chunk = chunk > 0 ? -1 : 0;
    return p;
  }
  if (chunk == 0 && n < kMinTokens) return p;
  while (p.lanes * 16 < s) p.lanes *= 2;
  const int need = (s + p.lanes - 1) / p.lanes;
  p.per = need <= 4 ? 4 : need <= 8 ? 8 : 16;
  const size_t row = static_cast<size_t>(p.lanes) * p.per * 2 * sizeof(float);  // one token of B and C, staged
  int L = chunk;
  if (L == 0) {
    L = 16;
    while (L < kMaxChunk && static_cast<long long>((n + L - 1) / L) * d * p.lanes > kTargetThreads) L *= 2;
    while (L > 16 && L * row > kPlannedShared) L /= 2;
  }
  p.chunk = L <= kMaxChunk && L * row <= kMaxShared ? L : -1;
  return p;
}

long long window_scratch(const Plan& p, int n, int d, int s) {
  if (p.chunk <= 0) return 0;
  const long long nc = (n + p.chunk - 1) / p.chunk;
  return nc * (s + 1) * d;
}

template <int PER>
int launch_chunked(const Plan& p, const float* u, const float* delta, const float* A, const float* B, const float* C,
                   const float* D, float* state, float* y, float* scratch, int n, int d, int s, int softplus,
                   const float* z, cudaStream_t stream) {
  const int L = p.chunk, nc = (n + L - 1) / L, sp = p.lanes * PER;
  float* ends = scratch;
  float* sums = scratch + static_cast<size_t>(nc) * s * d;
  const dim3 grid(static_cast<unsigned>((static_cast<size_t>(d) * p.lanes + kThreads - 1) / kThreads), nc);
  const size_t rows = static_cast<size_t>(L) * sp * sizeof(float);
  if (2 * rows > kPlannedShared) {  // forced long chunks of wide states only
    cudaFuncSetAttribute(chunk_state_kernel<PER>, cudaFuncAttributeMaxDynamicSharedMemorySize, static_cast<int>(rows));
    cudaFuncSetAttribute(chunk_output_kernel<PER>, cudaFuncAttributeMaxDynamicSharedMemorySize, static_cast<int>(2 * rows));
  }
  chunk_state_kernel<PER><<<grid, kThreads, rows, stream>>>(u, delta, A, B, ends, sums, n, d, s, L, p.lanes, softplus);
  chunk_carry_kernel<<<(d * s + kThreads - 1) / kThreads, kThreads, 0, stream>>>(A, sums, ends, state, nc, d, s);
  chunk_output_kernel<PER><<<grid, kThreads, 2 * rows, stream>>>(u, delta, A, B, C, D, ends, y, n, d, s, L, p.lanes, softplus, z);
  return cudaGetLastError();
}

int launch_sequential(const float* u, const float* delta, const float* A, const float* B, const float* C, const float* D,
                      float* state, float* y, int n, int d, int s, int softplus, const float* z, cudaStream_t stream) {
  int lanes = 1;
  while (lanes < s && lanes < 32) lanes *= 2;
  const size_t threads = static_cast<size_t>(d) * lanes;
  selective_state_update_kernel<<<static_cast<unsigned>((threads + kThreads - 1) / kThreads), kThreads, 0, stream>>>(
      u, delta, A, B, C, D, state, y, n, d, s, lanes, softplus, z);
  return cudaGetLastError();
}

}  // namespace

extern "C" int selective_state_update_f32(const float* u, const float* delta, const float* A, const float* B,
                                          const float* C, const float* D, float* state, float* y, int n, int d, int s,
                                          cudaStream_t stream) {
  if (n <= 0 || d <= 0 || s <= 0) return cudaSuccess;
  return launch_sequential(u, delta, A, B, C, D, state, y, n, d, s, 0, nullptr, stream);
}

// Floats of scratch sy_selective_scan needs for these arguments (0: it runs sequentially); the largest window decides.
extern "C" int sy_selective_scan_scratch_floats(int n, int d, int s, int chunk) {
  if (n <= 0 || d <= 0 || s <= 0) return 0;
  const int first = n < kWindow ? n : kWindow, last = n % kWindow;
  long long floats = window_scratch(plan_window(first, d, s, chunk), first, d, s);
  if (last > 0 && n > kWindow) {
    const long long tail = window_scratch(plan_window(last, d, s, chunk), last, d, s);
    if (tail > floats) floats = tail;
  }
  return floats > INT_MAX ? -1 : static_cast<int>(floats);
}

extern "C" int sy_selective_scan(const float* u, const float* delta, const float* A, const float* B, const float* C,
                                 const float* D, float* state, float* y, float* scratch, int n, int d, int s, int chunk,
                                 int delta_softplus, const float* z) {
  if (n <= 0 || d <= 0 || s <= 0) return cudaSuccess;
  if (sy_selective_scan_scratch_floats(n, d, s, chunk) < 0) return cudaErrorInvalidValue;
  cudaStream_t stream = sy_stream_handle();
  for (int w0 = 0; w0 < n; w0 += kWindow) {
    const int nw = n - w0 < kWindow ? n - w0 : kWindow;
    const Plan p = plan_window(nw, d, s, chunk);
    const size_t row = static_cast<size_t>(w0) * d, brow = static_cast<size_t>(w0) * s;
    const float *uw = u + row, *dw = delta + row, *bw = B + brow, *cw = C + brow;
    float* yw = y + row;
    const float* zw = z ? z + row : nullptr;
    const int sp = delta_softplus;
    int e = cudaErrorInvalidValue;
    if (p.chunk == 0) e = launch_sequential(uw, dw, A, bw, cw, D, state, yw, nw, d, s, sp, zw, stream);
    else if (p.chunk > 0 && !scratch) e = cudaErrorInvalidValue;
    else if (p.chunk > 0 && p.per == 4) e = launch_chunked<4>(p, uw, dw, A, bw, cw, D, state, yw, scratch, nw, d, s, sp, zw, stream);
    else if (p.chunk > 0 && p.per == 8) e = launch_chunked<8>(p, uw, dw, A, bw, cw, D, state, yw, scratch, nw, d, s, sp, zw, stream);
    else if (p.chunk > 0) e = launch_chunked<16>(p, uw, dw, A, bw, cw, D, state, yw, scratch, nw, d, s, sp, zw, stream);
    if (e != cudaSuccess) return e;
  }
  return cudaSuccess;
}
