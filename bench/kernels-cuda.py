"""CUDA kernels (kernels/<op>/<op>.cu): validate against the CPU reference, then time against torch baselines.

    npx tsx bench/kernels-reference.ts --out .kref          # on a machine with Node: CPU-reference cases
    python3 bench/kernels-cuda.py --ref .kref --out DIR      # on the GPU machine (torch, nvcc)

Builds every kernel with nvcc (-O3 -arch=sm_90) into a shared library and calls its extern "C" launcher through
ctypes on torch's current stream. Validation replays each exported case (inputs, then the CPU backend's outputs,
state carried step to step) and reports max |cuda - cpu| / (atol + rtol*|cpu|), which must be <= 1. Timing:
CUDA events around one launch after an L2 flush (a 512 MiB write still running while the launch is queued, so
no CPU gap is timed), median of 50; the baselines get the same treatment. f32 throughout, TF32 off, as the engine
computes in f32. Prints markdown tables and writes DIR/cuda-validate.json and DIR/cuda-bench.md.
"""
import argparse
import ctypes
import json
import math
import statistics
import subprocess
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

ROOT = Path(__file__).resolve().parent.parent
OPS = ["rmsnorm", "matmul", "conv1d", "selective_state_update", "ssd_state_update", "attention"]
P, I, FL = ctypes.c_void_p, ctypes.c_int, ctypes.c_float
SIGNATURES = {
    "rmsnorm_f32": [P, P, P, I, I, FL, P],
    "linear_f32": [P, P, P, P, I, I, I, P],
    "conv1d_causal_f32": [P, P, P, P, P, I, I, I, I, P],
    "selective_state_update_f32": [P, P, P, P, P, P, P, P, I, I, I, P],
    "ssd_state_update_f32": [P, P, P, P, P, P, P, P, I, I, I, I, I, P],
    "sy_attention": [P, P, P, P, P, P, I, I, I, I, I, FL, I],
    "sy_attention_scratch_floats": [I, I, I, I],
}


def build(out: Path) -> dict:
    out.mkdir(parents=True, exist_ok=True)
    # every op links the engine's device runtime (its stream, cuBLAS), as in the one library npm run build:cuda makes
    runtime = [str(ROOT / "kernels" / "runtime" / f) for f in ("runtime.cu", "blas.cu")]
    procs = {op: subprocess.Popen(["nvcc", "-O3", "-arch=sm_90", "-shared", "-Xcompiler", "-fPIC", "-o",
                                   str(out / f"lib{op}.so"), str(ROOT / "kernels" / op / f"{op}.cu"), *runtime, "-ldl"]) for op in OPS}
    for op, p in procs.items():
        if p.wait() != 0:
            raise SystemExit(f"nvcc failed on kernels/{op}/{op}.cu")
    fns = {}
    for op in OPS:
        lib = ctypes.CDLL(str(out / f"lib{op}.so"))
        for name, args in SIGNATURES.items():
            if hasattr(lib, name):
                fn = getattr(lib, name)
                fn.argtypes, fn.restype = args, ctypes.c_int
                fns[name] = fn
    return fns


def ptr(t):
    return None if t is None else ctypes.c_void_p(t.data_ptr())


def stream():
    return ctypes.c_void_p(torch.cuda.current_stream().cuda_stream)


def check(rc: int, name: str):
    if rc != 0:
        raise RuntimeError(f"{name} returned CUDA error {rc}")


class Cuda:
    """Python faces of the extern "C" launchers: torch tensors in, torch tensors out (state updated in place)."""

    def __init__(self, fns):
        self.f = fns

    def rmsnorm(self, x, w, eps):
        y = torch.empty_like(x)
        check(self.f["rmsnorm_f32"](ptr(x), ptr(w), ptr(y), x.shape[0], x.shape[1], eps, stream()), "rmsnorm")
        return y

    def linear(self, x, w, b=None):
        y = torch.empty(x.shape[0], w.shape[0], device=x.device)
        check(self.f["linear_f32"](ptr(x), ptr(w), ptr(b), ptr(y), x.shape[0], x.shape[1], w.shape[0], stream()), "linear")
        return y

    def conv1d(self, x, w, b, state):
        y = torch.empty_like(x)
        check(self.f["conv1d_causal_f32"](ptr(x), ptr(w), ptr(b), ptr(state), ptr(y), x.shape[0], x.shape[1], w.shape[1],
                                          0, stream()), "conv1d")
        return y

    def selective(self, u, delta, A, B, C, D, state):
        y = torch.empty_like(u)
        check(self.f["selective_state_update_f32"](*map(ptr, (u, delta, A, B, C, D, state, y)), u.shape[0], u.shape[1],
                                                   A.shape[1], stream()), "selective_state_update")
        return y

    def ssd(self, x, dt, A, B, C, D, state):
        n, h, p = x.shape
        y = torch.empty(n, h * p, device=x.device)
        check(self.f["ssd_state_update_f32"](*map(ptr, (x, dt, A, B, C, D, state, y)), n, h, p, B.shape[2], B.shape[1],
                                             stream()), "ssd_state_update")
        return y

    def attention(self, q, keys, values, kvh, scale):
        # the engine's attention op in its decode version (split): one query, the cache's last row, on an f32
        # cache of exactly t rows; it runs on the engine's stream, the default stream here as torch's is
        _, h, hd = q.shape
        t = keys.shape[0]
        pos = torch.tensor([t - 1.0], device=q.device)
        scratch = torch.empty(max(1, self.f["sy_attention_scratch_floats"](1, h, hd, t)), device=q.device)
        out = torch.empty(1, h * hd, device=q.device)
        check(self.f["sy_attention"](*map(ptr, (q, keys, values, pos, scratch, out)), 1, h, kvh, hd, t, scale, 0),
              "attention")
        return out


def worst_ratio(got, want, atol=1e-5, rtol=1e-4):
    r = (got.double() - want.double()).abs() / (atol + rtol * want.double().abs())
    return math.inf if torch.isnan(r).any() else float(r.max())


def validate(cuda: Cuda, ref: Path):
    manifest = json.loads((ref / "manifest.json").read_text())
    data = torch.from_numpy(np.fromfile(ref / "data.bin", dtype="<f4"))

    def load(r):
        n = math.prod(r["shape"])
        return data[r["offset"]:r["offset"] + n].reshape(r["shape"]).cuda()

    results = []
    for case in manifest["cases"]:
        op, fx, prm = case["op"], {k: load(v) for k, v in case["fixed"].items()}, case["params"]
        worst = 0.0
        for step in case["steps"]:
            i = {k: load(v) for k, v in step["inputs"].items()}
            if op == "rmsnorm":
                got = cuda.rmsnorm(i["x"], fx["w"], prm["eps"])
            elif op == "matmul":
                got = cuda.linear(i["x"], fx["w"], fx.get("b"))
            elif op == "conv1d":
                got = cuda.conv1d(i["x"], fx["w"], fx.get("b"), fx["state"])
            elif op == "selective_state_update":
                got = cuda.selective(i["u"], i["delta"], fx["A"], i["B"], i["C"], fx["D"], fx["state"])
            elif op == "ssd_state_update":
                got = cuda.ssd(i["x"], i["dt"], fx["A"], i["B"], i["C"], fx["D"], fx["state"])
            else:
                got = cuda.attention(i["q"], fx["keys"], fx["values"], int(prm["kvh"]), prm["scale"])
            worst = max(worst, worst_ratio(got, load(step["expected"])))
        if "final" in case:
            worst = max(worst, worst_ratio(fx["state"], load(case["final"])))
        results.append({"op": op, "name": case["name"], "worst": worst, "ok": worst <= 1})
        print(f"validate {op:24s} {case['name']:36s} worst {worst:.4f} {'ok' if worst <= 1 else 'FAIL'}", flush=True)
    return results


_flush = None


def time_us(fn, reps=50):
    """Median GPU time of one call, each after an L2 flush (so decode-sized weights come from HBM, as in a model)."""
    global _flush
    if _flush is None:
        _flush = torch.empty(128 * 2**20, device="cuda")  # 512 MiB > the H200's 50 MiB L2
    for _ in range(3):
        fn()
    times = []
    for _ in range(reps):
        _flush.zero_()
        s, e = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
        s.record()
        fn()
        e.record()
        e.synchronize()
        times.append(s.elapsed_time(e) * 1000)
    return statistics.median(times)


def rnd(*shape, lo=-1.0, hi=1.0):
    return torch.empty(*shape, device="cuda").uniform_(lo, hi)


def bench(cuda: Cuda):
    torch.backends.cuda.matmul.allow_tf32 = False
    torch.backends.cudnn.allow_tf32 = False
    rows = []

    def row(op, shape, ours, baselines, work, unit):
        """work: bytes moved (unit GB/s) or flops (unit TFLOP/s) by the op, for our kernel's throughput."""
        # agreement first, while stateful ops and their baselines still hold the same state
        agrees = [float((ours().flatten() - fn().flatten()).abs().max()) for _, fn in baselines]
        ours_us = time_us(ours)
        rate = work / (ours_us * 1e-6) / (1e9 if unit == "GB/s" else 1e12)
        for (name, fn), agree in zip(baselines, agrees):
            base_us = time_us(fn)
            rows.append({"op": op, "shape": shape, "ours_us": ours_us, "rate": f"{rate:.0f} {unit}", "baseline": name,
                         "base_us": base_us, "speedup": base_us / ours_us, "max_abs_diff": agree})
            print(f"bench {op:24s} {shape:28s} ours {ours_us:9.1f} us ({rate:7.0f} {unit})  {name:26s} "
                  f"{base_us:9.1f} us  x{base_us / ours_us:5.2f}  |diff| {agree:.2e}", flush=True)

    for n, d in [(1, 4096), (4096, 4096)]:
        x, w = rnd(n, d), rnd(d, lo=0.5, hi=1.5)
        eager = lambda x=x, w=w: x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + 1e-5) * w
        row("rmsnorm", f"n={n} d={d}", lambda x=x, w=w: cuda.rmsnorm(x, w, 1e-5),
            [("torch eager", eager), ("F.rms_norm", lambda x=x, w=w: F.rms_norm(x, (d,), w, 1e-5))], 8 * n * d + 4 * d, "GB/s")

    for n, k, m in [(1, 4096, 4096), (1, 4096, 14336), (4, 4096, 4096)]:
        x, w = rnd(n, k), rnd(m, k, lo=-0.1, hi=0.1)
        row("matmul (gemv)", f"n={n} k={k} m={m}", lambda x=x, w=w: cuda.linear(x, w),
            [("cuBLAS f32 (F.linear)", lambda x=x, w=w: F.linear(x, w))], 4 * (m * k + n * k + n * m), "GB/s")

    def tf32_linear(x, w):
        torch.backends.cuda.matmul.allow_tf32 = True
        y = F.linear(x, w)
        torch.backends.cuda.matmul.allow_tf32 = False
        return y

    for n, k, m in [(512, 4096, 4096), (2048, 4096, 4096)]:
        x, w = rnd(n, k), rnd(m, k, lo=-0.1, hi=0.1)
        row("matmul (gemm)", f"n={n} k={k} m={m}", lambda x=x, w=w: cuda.linear(x, w),
            [("cuBLAS f32 (F.linear)", lambda x=x, w=w: F.linear(x, w)),
             ("cuBLAS TF32 (context)", lambda x=x, w=w: tf32_linear(x, w))], 2 * n * k * m, "TFLOP/s")

    for n, d, kw in [(1, 5120, 4), (2048, 5120, 4)]:
        x, w, b, st = rnd(n, d), rnd(d, kw), rnd(d), rnd(d, kw - 1)
        st_ref = st.clone()

        def eager(x=x, w=w, b=b, st=st_ref, kw=kw, d=d):
            ext = torch.cat([st, x.t()], 1)
            y = F.conv1d(ext[None], w[:, None, :], b, groups=d)[0].t()
            st.copy_(ext[:, -(kw - 1):])
            return y

        row("conv1d", f"n={n} d={d} kw={kw}", lambda x=x, w=w, b=b, st=st: cuda.conv1d(x, w, b, st),
            [("torch eager (F.conv1d)", eager)], 4 * (2 * n * d + d * kw + 2 * d * (kw - 1)), "GB/s")

    d, s = 5120, 16
    u, dl, A, B, C, D, st = rnd(1, d), rnd(1, d, lo=0.01, hi=1), rnd(d, s, lo=-2, hi=-0.1), rnd(1, s), rnd(1, s), rnd(d), rnd(d, s)
    st_ref = st.clone()

    def sel_eager():
        st_ref.mul_(torch.exp(dl[0, :, None] * A)).add_((dl[0] * u[0])[:, None] * B[0][None, :])
        return ((st_ref * C[0][None, :]).sum(1) + D * u[0])[None]

    row("selective_state_update", f"n=1 d={d} s={s}", lambda: cuda.selective(u, dl, A, B, C, D, st),
        [("torch eager", sel_eager)], 4 * (3 * d * s + 4 * d), "GB/s")

    h, p, s, g = 80, 64, 128, 1
    x, dt, A2, B2, C2, D2, st2 = rnd(1, h, p), rnd(1, h, lo=0.01, hi=1), rnd(h, lo=-2, hi=-0.1), rnd(1, g, s), rnd(1, g, s), rnd(h), rnd(h, p, s)
    st2_ref = st2.clone()

    def ssd_eager():
        Bh, Ch = B2[0].repeat_interleave(h // g, 0), C2[0].repeat_interleave(h // g, 0)
        st2_ref.mul_(torch.exp(dt[0] * A2)[:, None, None]).add_((dt[0][:, None] * x[0])[:, :, None] * Bh[:, None, :])
        return ((st2_ref * Ch[:, None, :]).sum(-1) + D2[:, None] * x[0]).reshape(1, h * p)

    row("ssd_state_update", f"n=1 h={h} p={p} s={s}", lambda: cuda.ssd(x, dt, A2, B2, C2, D2, st2),
        [("torch eager", ssd_eager)], 4 * 2 * h * p * s, "GB/s")

    h, kvh, hd = 32, 8, 128
    for t in [4096, 32768]:
        q, keys, vals = rnd(1, h, hd), rnd(t, kvh * hd), rnd(t, kvh * hd)
        k4, v4 = (z.view(t, kvh, hd).permute(1, 0, 2).contiguous()[None] for z in (keys, vals))  # torch's own layout
        q4 = q.view(1, h, 1, hd)
        scale = 1 / math.sqrt(hd)
        sdpa = lambda q4=q4, k4=k4, v4=v4: F.scaled_dot_product_attention(q4, k4, v4, scale=scale, enable_gqa=True).reshape(1, h * hd)

        def eager(q4=q4, k4=k4, v4=v4):
            k, v = k4.repeat_interleave(h // kvh, 1), v4.repeat_interleave(h // kvh, 1)
            return (torch.softmax(q4 @ k.transpose(-1, -2) * scale, -1) @ v).reshape(1, h * hd)

        row("attention (split decode)", f"h={h} kvh={kvh} hd={hd} t={t}", lambda q=q, keys=keys, vals=vals: cuda.attention(q, keys, vals, kvh, scale),
            [("torch SDPA (enable_gqa)", sdpa), ("torch eager", eager)], 4 * 2 * t * kvh * hd, "GB/s")
    return rows


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ref", default=".kref")
    ap.add_argument("--out", default="/tmp/kernels-cuda")
    a = ap.parse_args()
    out = Path(a.out)
    cuda = Cuda(build(Path("/tmp/kernels-cuda-build")))
    print(f"device: {torch.cuda.get_device_name()}  torch {torch.__version__}", flush=True)
    results = validate(cuda, Path(a.ref))
    rows = bench(cuda)
    out.mkdir(parents=True, exist_ok=True)
    (out / "cuda-validate.json").write_text(json.dumps(results, indent=1))
    lines = ["| op | shape | ours (µs) | ours | baseline | baseline (µs) | speed-up | max abs diff |", "|---|---|---|---|---|---|---|---|"]
    lines += [f"| {r['op']} | {r['shape']} | {r['ours_us']:.1f} | {r['rate']} | {r['baseline']} | {r['base_us']:.1f} | "
              f"{r['speedup']:.2f}× | {r['max_abs_diff']:.1e} |" for r in rows]
    (out / "cuda-bench.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))
    failed = [r for r in results if not r["ok"]]
    print(f"validation: {len(results) - len(failed)} ok, {len(failed)} failed")
    raise SystemExit(1 if failed else 0)


if __name__ == "__main__":
    main()
