/**
 * WGSL kernels on WebGPU (Deno): time each op at model sizes through the same runner and kernel files the tests use.
 *
 *   deno run -A bench/kernels-gpu.ts [--reps 200] [--smoke] [--out results.md]
 *
 * Each case records `reps` back-to-back calls (outputs reused; one compute pass per 256 dispatches) and reports two
 * figures per call: GPU time from the passes' begin/end timestamps (timestamp-query, when the adapter has it)
 * divided by reps, and wall time of submit → onSubmittedWorkDone divided by reps (adds the runtime's submit
 * work). Back to back, working sets that fit in L2 stay warm (the CUDA bench flushes L2 instead).
 * --smoke shrinks every size 16× (a run on lavapipe to see the script work). A benchmark: it asserts nothing.
 */
import { writeFileSync } from "node:fs";
import * as gpuOps from "../src/engine/backends/webgpu/index.ts";
import { GpuContext, type GpuTensor } from "../src/engine/backends/webgpu/index.ts";
import { tensor } from "../src/engine/tensor.ts";

const args = process.argv.slice(2);
const flag = (name: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const reps = Number(flag("--reps") ?? 200);
const shrink = args.includes("--smoke") ? 16 : 1;
const gpu = await GpuContext.create(undefined, { timestamps: true });
console.log(`adapter: ${gpu.adapterName}, ${reps} reps per case${shrink > 1 ? ", sizes / 16" : ""}`);

let seed = 1;
/** A GPU tensor of pseudo-random values in [lo, hi). */
function rand(shape: number[], lo = -1, hi = 1): GpuTensor {
  const data = new Float32Array(shape.reduce((a, b) => a * b, 1));
  for (let i = 0; i < data.length; i++) {
    seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
    data[i] = lo + ((hi - lo) * seed) / 4294967296;
  }
  return gpu.upload(tensor(shape, data));
}
const s = (v: number) => Math.max(1, Math.floor(v / shrink));

interface Row {
  op: string;
  shape: string;
  us: number;
  gpuUs: number | null;
  rate: string;
}
const rows: Row[] = [];

/** Times `call` (which records one dispatch group) and reports throughput from `work` bytes or flops. */
async function time(op: string, shape: string, call: () => Promise<unknown>, work: number, unit: "GB/s" | "TFLOP/s"): Promise<void> {
  for (let i = 0; i < 3; i++) await call();
  await gpu.finish();
  await gpu.gpuNanoseconds(); // drop the warm-up passes
  for (let i = 0; i < reps; i++) await call();
  const t0 = performance.now();
  await gpu.finish();
  const us = ((performance.now() - t0) * 1000) / reps;
  const ns = await gpu.gpuNanoseconds();
  const gpuUs = ns === null ? null : ns / 1000 / reps;
  const rate = work / ((gpuUs ?? us) * 1e-6) / (unit === "GB/s" ? 1e9 : 1e12);
  rows.push({ op, shape, us, gpuUs, rate: `${rate.toFixed(unit === "GB/s" ? 0 : 2)} ${unit}` });
  console.log(`${op.padEnd(24)} ${shape.padEnd(30)} gpu ${gpuUs?.toFixed(1) ?? "n/a"} us  wall ${us.toFixed(1)} us  ${rate.toFixed(1)} ${unit}`);
}

for (const [n, d] of [[1, 4096], [s(4096), 4096]] as const) {
  const x = rand([n, d]);
  const w = rand([d], 0.5, 1.5);
  const y = gpu.empty([n, d]);
  await time("rmsnorm", `n=${n} d=${d}`, () => gpuOps.rmsnorm(gpu, x, w, 1e-5, y), 8 * n * d + 4 * d, "GB/s");
}
for (const [n, k, m] of [[1, 4096, s(4096)], [1, 4096, s(14336)], [4, 4096, s(4096)]] as const) {
  const x = rand([n, k]);
  const w = rand([m, k], -0.1, 0.1);
  const y = gpu.empty([n, m]);
  await time("matmul (gemv)", `n=${n} k=${k} m=${m}`, () => gpuOps.linear(gpu, x, w, undefined, y), 4 * (m * k + n * k + n * m), "GB/s");
}
for (const [n, k, m] of [[s(512), 4096, s(4096)], [s(2048), 4096, s(4096)]] as const) {
  const x = rand([n, k]);
  const w = rand([m, k], -0.1, 0.1);
  const y = gpu.empty([n, m]);
  await time("matmul (gemm)", `n=${n} k=${k} m=${m}`, () => gpuOps.linear(gpu, x, w, undefined, y), 2 * n * k * m, "TFLOP/s");
}
for (const n of [1, s(2048)]) {
  const [d, kw] = [s(5120), 4];
  const [x, w, b, st, y] = [rand([n, d]), rand([d, kw]), rand([d]), rand([d, kw - 1]), gpu.empty([n, d])];
  await time("conv1d", `n=${n} d=${d} kw=${kw}`, () => gpuOps.conv1dCausal(gpu, x, w, b, st, y), 4 * (2 * n * d + d * kw + 2 * d * (kw - 1)), "GB/s");
}
{
  const [d, st] = [s(5120), 16];
  const inputs = [rand([1, d]), rand([1, d], 0.01, 1), rand([d, st], -2, -0.1), rand([1, st]), rand([1, st]), rand([d]), rand([d, st])] as const;
  const y = gpu.empty([1, d]);
  await time("selective_state_update", `n=1 d=${d} s=${st}`, () => gpuOps.selectiveStateUpdate(gpu, ...inputs, y), 4 * (3 * d * st + 4 * d), "GB/s");
}
{
  const [h, p, st, g] = [s(80), 64, 128, 1];
  const inputs = [rand([1, h, p]), rand([1, h], 0.01, 1), rand([h], -2, -0.1), rand([1, g, st]), rand([1, g, st]), rand([h]), rand([h, p, st])] as const;
  const y = gpu.empty([1, h * p]);
  await time("ssd_state_update", `n=1 h=${h} p=${p} s=${st}`, () => gpuOps.ssdStateUpdate(gpu, ...inputs, y), 4 * 2 * h * p * st, "GB/s");
}
for (const t of [s(4096), s(32768)]) {
  const [h, kvh, hd] = [32, 8, 128];
  const [q, keys, values, y] = [rand([1, h, hd]), rand([t, kvh * hd]), rand([t, kvh * hd]), gpu.empty([1, h * hd])];
  const scale = 1 / Math.sqrt(hd);
  await time("attention_decode", `h=${h} kvh=${kvh} hd=${hd} t=${t}`, () => gpuOps.attentionDecode(gpu, q, keys, values, t, kvh, scale, y), 4 * 2 * t * kvh * hd, "GB/s");
}

const table = [
  "| op | shape | WGSL GPU (µs) | WGSL wall (µs) | throughput (GPU time) |",
  "|---|---|---|---|---|",
  ...rows.map((r) => `| ${r.op} | ${r.shape} | ${r.gpuUs?.toFixed(1) ?? "n/a"} | ${r.us.toFixed(1)} | ${r.rate} |`),
];
console.log(table.join("\n"));
const out = flag("--out");
if (out) writeFileSync(out, `adapter: ${gpu.adapterName}\n\n${table.join("\n")}\n`);
gpu.destroy();
