// cuBLAS, loaded at run time (dlopen) rather than linked: the CPU-only CI machines compile this library with a
// toolkit that has no cuBLAS, and the GPU machine finds it in the toolkit or in PyTorch's wheels
// (SY_CUBLAS=<path> names one). Only the five entry points the engine calls are declared, with cuBLAS's ABI.
#include <dlfcn.h>
#include <stdlib.h>

#include "runtime.h"

namespace {

using Handle = void*;
constexpr int kOpN = 0, kOpT = 1;
constexpr int kR32F = 0, kR16F = 2, kR16BF = 14;  // cudaDataType_t
constexpr int kCompute32F = 68;                   // CUBLAS_COMPUTE_32F
constexpr int kGemmDefault = -1;                  // CUBLAS_GEMM_DEFAULT
constexpr int kDefaultMath = 0;                   // CUBLAS_DEFAULT_MATH: f32 stays f32 (no TF32)

using CreateFn = int (*)(Handle*);
using SetStreamFn = int (*)(Handle, cudaStream_t);
using SetMathFn = int (*)(Handle, int);
using GemmExFn = int (*)(Handle, int, int, int, int, int, const void*, const void*, int, int, const void*, int, int,
                         const void*, void*, int, int, int, int);

struct Blas {
  Handle handle = nullptr;
  GemmExFn gemm = nullptr;
  bool tried = false;
};
Blas g_blas;

void* open_library() {
  const char* named = getenv("SY_CUBLAS");
  if (named && *named) return dlopen(named, RTLD_NOW | RTLD_LOCAL);
  for (const char* name : {"libcublas.so.13", "libcublas.so.12", "libcublas.so"}) {
    if (void* lib = dlopen(name, RTLD_NOW | RTLD_LOCAL)) return lib;
  }
  return nullptr;
}

bool load() {
  if (g_blas.tried) return g_blas.gemm != nullptr;
  g_blas.tried = true;
  void* lib = open_library();
  if (!lib) return false;
  auto create = reinterpret_cast<CreateFn>(dlsym(lib, "cublasCreate_v2"));
  auto set_stream = reinterpret_cast<SetStreamFn>(dlsym(lib, "cublasSetStream_v2"));
  auto set_math = reinterpret_cast<SetMathFn>(dlsym(lib, "cublasSetMathMode"));
  auto gemm = reinterpret_cast<GemmExFn>(dlsym(lib, "cublasGemmEx"));
  if (!create || !set_stream || !set_math || !gemm || create(&g_blas.handle) != 0) return false;
  set_stream(g_blas.handle, sy_stream_handle());
  set_math(g_blas.handle, kDefaultMath);
  g_blas.gemm = gemm;
  return true;
}

}  // namespace

bool sy_blas_gemm(const void* x, const void* w, int dtype, float* y, int n, int k, int m) {
  if (!load()) return false;
  const float one = 1.f, zero = 0.f;
  const int t = dtype == kF32 ? kR32F : dtype == kF16 ? kR16F : kR16BF;
  // Row-major y[n, m] = x·wᵀ is column-major yᵀ[m, n] = w(ᵀ as stored)·x: op(A) = T on w, op(B) = N on x.
  return g_blas.gemm(g_blas.handle, kOpT, kOpN, m, n, k, &one, w, t, k, x, t, k, &zero, y, kR32F, m, kCompute32F,
                     kGemmDefault) == 0;
}

// 1 when cuBLAS is loaded (it is loaded on first use, or here): what the backend reports as its GEMM path.
extern "C" int sy_blas_available() { return load() ? 1 : 0; }
