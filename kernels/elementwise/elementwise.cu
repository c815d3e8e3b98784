// Elementwise ops of the engine, the CPU ops in src/engine/backends/cpu/elementwise.ts (f32, any shape as a flat
// count of elements): unary silu, softplus, exp, scale, clamp; binary add, mul, siluMul; siluAndMul of a fused
// gate‖up row (x [n, 2f] → y [n, f]); addBias over rows; and
// advance, the position counter's pos += n (kept on the device so a recorded decode step replays).
// Layouts: row-major f32, device pointers; x, a, b, y of count elements; addBias x, y [n, k], b [k]; pos [1].
// Versions: v1 (current) — grid-stride loops, one element per thread per pass: these ops are a small share of a
//   step next to the matrix work, and launch count matters more than their bandwidth.
// Launchers: sy_unary(x, y, count, op, a, b), sy_binary(a, b, y, count, op), sy_silu_and_mul(x, y, n, f),
//   sy_add_bias(x, b, y, n, k),
//   sy_advance(pos, n) → cudaError_t.
#include "../runtime/runtime.h"

namespace {

enum Unary { kSilu = 0, kSoftplus = 1, kExp = 2, kScale = 3, kClamp = 4 };
enum Binary { kAdd = 0, kMul = 1, kSiluMul = 2 };


__global__ void unary_kernel(const float* __restrict__ x, float* __restrict__ y, size_t count, int op, float a, float b) {
  for (size_t i = blockIdx.x * static_cast<size_t>(blockDim.x) + threadIdx.x; i < count; i += static_cast<size_t>(gridDim.x) * blockDim.x) {
    const float v = x[i];
    float r;
    switch (op) {
      case kSilu: r = sy_silu(v); break;
      case kSoftplus: r = sy_softplus(v); break;
      case kExp: r = expf(v); break;
      case kScale: r = v * a; break;
      default: r = fminf(fmaxf(v, a), b); break;
    }
    y[i] = r;
  }
}

__global__ void binary_kernel(const float* __restrict__ a, const float* __restrict__ b, float* __restrict__ y, size_t count, int op) {
  for (size_t i = blockIdx.x * static_cast<size_t>(blockDim.x) + threadIdx.x; i < count; i += static_cast<size_t>(gridDim.x) * blockDim.x) {
    const float u = a[i], v = b[i];
    y[i] = op == kAdd ? u + v : op == kMul ? u * v : sy_silu(u) * v;
  }
}

__global__ void silu_and_mul_kernel(const float* __restrict__ x, float* __restrict__ y, size_t count, int f) {
  for (size_t i = blockIdx.x * static_cast<size_t>(blockDim.x) + threadIdx.x; i < count; i += static_cast<size_t>(gridDim.x) * blockDim.x) {
    const size_t at = i / f * 2 * f + i % f;
    y[i] = sy_silu(x[at]) * x[at + f];
  }
}

__global__ void add_bias_kernel(const float* __restrict__ x, const float* __restrict__ b, float* __restrict__ y, size_t count, int k) {
  for (size_t i = blockIdx.x * static_cast<size_t>(blockDim.x) + threadIdx.x; i < count; i += static_cast<size_t>(gridDim.x) * blockDim.x) {
    y[i] = x[i] + b[i % k];
  }
}

__global__ void advance_kernel(float* pos, int n) { pos[0] += static_cast<float>(n); }

int blocks(size_t count) {
  const size_t b = (count + 255) / 256;
  return static_cast<int>(b < 4096 ? (b > 0 ? b : 1) : 4096);
}

}  // namespace

extern "C" int sy_unary(const float* x, float* y, uint64_t count, int op, float a, float b) {
  if (count == 0) return cudaSuccess;
  unary_kernel<<<blocks(count), 256, 0, sy_stream_handle()>>>(x, y, count, op, a, b);
  return cudaGetLastError();
}

extern "C" int sy_binary(const float* a, const float* b, float* y, uint64_t count, int op) {
  if (count == 0) return cudaSuccess;
  binary_kernel<<<blocks(count), 256, 0, sy_stream_handle()>>>(a, b, y, count, op);
  return cudaGetLastError();
}

extern "C" int sy_silu_and_mul(const float* x, float* y, int n, int f) {
  const size_t count = static_cast<size_t>(n) * f;
  if (count == 0) return cudaSuccess;
  silu_and_mul_kernel<<<blocks(count), 256, 0, sy_stream_handle()>>>(x, y, count, f);
  return cudaGetLastError();
}

extern "C" int sy_add_bias(const float* x, const float* b, float* y, int n, int k) {
  const size_t count = static_cast<size_t>(n) * k;
  if (count == 0) return cudaSuccess;
  add_bias_kernel<<<blocks(count), 256, 0, sy_stream_handle()>>>(x, b, y, count, k);
  return cudaGetLastError();
}

extern "C" int sy_advance(float* pos, int n) {
  advance_kernel<<<1, 1, 0, sy_stream_handle()>>>(pos, n);
  return cudaGetLastError();
}
