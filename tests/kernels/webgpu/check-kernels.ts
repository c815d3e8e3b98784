/**
 * Runs every WGSL kernel through Deno's WebGPU and compares it with the CPU reference op on the same inputs.
 * Prints one JSON line per case: { op, name, worst, ok } where worst = max |gpu − cpu| / (atol + rtol·|cpu|).
 *
 *   deno run -A tests/kernels/webgpu/check-kernels.ts [--large]
 *
 * Sizes are deliberately not multiples of the workgroup sizes. --large adds model-sized cases (for a real GPU).
 * Exits 2 with the reason on stderr when no WebGPU adapter can be had: a missing adapter is a failure, not a skip.
 */
import { cpuOps } from "../../../src/engine/backends/cpu/index.ts";
import * as gpuOps from "../../../src/engine/backends/webgpu/index.ts";
import { GpuContext } from "../../../src/engine/backends/webgpu/index.ts";
import { tensor, type HostTensor } from "../../../src/engine/tensor.ts";
import { randomTensor, rng, worstRatio } from "../support/random.ts";

interface Outcome {
  op: string;
  name: string;
  worst: number;
  ok: boolean;
}

const large = process.argv.includes("--large");
let gpu: GpuContext;
try {
  // a small uniform ring, so the batched cases below make it wrap mid-batch
  gpu = await GpuContext.create(undefined, { ringSlots: 64 });
} catch (e) {
  console.error(`no WebGPU: ${(e as Error).message}`);
  process.exit(2);
}
console.error(`adapter: ${gpu.adapterName}`);
const outcomes: Outcome[] = [];

function report(op: string, name: string, pairs: [HostTensor, HostTensor][], atol: number, rtol: number): void {
  const worst = Math.max(...pairs.map(([got, want]) => worstRatio(got.data, want.data, atol, rtol)));
  const o = { op, name, worst, ok: worst <= 1 };
  outcomes.push(o);
  console.log(JSON.stringify(o));
}

async function checkRmsnorm(n: number, d: number, eps: number): Promise<void> {
  const next = rng(n * 1000 + d);
  const x = randomTensor(next, [n, d], -3, 3);
  const w = randomTensor(next, [d], 0.5, 1.5);
  const got = await gpu.read(await gpuOps.rmsnorm(gpu, gpu.upload(x), gpu.upload(w), eps));
  report("rmsnorm", `n=${n} d=${d}`, [[got, cpuOps.rmsnorm(x, w, eps)]], 1e-5, 1e-4);
}

async function checkLinear(n: number, k: number, m: number, withBias: boolean): Promise<void> {
  const next = rng(n * 7 + k * 13 + m);
  const x = randomTensor(next, [n, k]);
  const w = randomTensor(next, [m, k], -0.1, 0.1);
  const b = withBias ? randomTensor(next, [m]) : undefined;
  const y = await gpuOps.linear(gpu, gpu.upload(x), gpu.upload(w), b && gpu.upload(b));
  const kernel = n > gpuOps.GEMV_MAX_ROWS ? "gemm" : k % 4 === 0 ? "gemv4" : "gemv";
  // f32 sums of k products in a different order than the CPU's: error grows like √k·ulp
  report("matmul", `${kernel} n=${n} k=${k} m=${m}${withBias ? " +b" : ""}`, [[await gpu.read(y), cpuOps.linear(x, w, b)]], 1e-5, 1e-4);
}

async function checkConv1d(d: number, kw: number, steps: number[], withBias: boolean): Promise<void> {
  const next = rng(d * 31 + kw);
  const w = randomTensor(next, [d, kw]);
  const b = withBias ? randomTensor(next, [d]) : undefined;
  const cpuState = randomTensor(next, [d, kw - 1]);
  const gw = gpu.upload(w);
  const gb = b && gpu.upload(b);
  const gState = gpu.upload(cpuState);
  const pairs: [HostTensor, HostTensor][] = [];
  for (const n of steps) {
    const x = randomTensor(next, [n, d]);
    const got = await gpuOps.conv1dCausal(gpu, gpu.upload(x), gw, gb, gState);
    pairs.push([await gpu.read(got), cpuOps.conv1dCausal(x, w, b, cpuState)]);
  }
  pairs.push([await gpu.read(gState), cpuState]);
  report("conv1d", `d=${d} kw=${kw} n=${steps.join("+")}${withBias ? " +b" : ""} (y and state)`, pairs, 1e-5, 1e-4);
}

/** Decode steps recorded without a read in between: more dispatches than one uniform ring holds (it must wrap). */
async function checkConv1dBatched(d: number, kw: number, steps: number): Promise<void> {
  const next = rng(d * 37 + steps);
  const w = randomTensor(next, [d, kw]);
  const cpuState = randomTensor(next, [d, kw - 1]);
  const [gw, gState] = [gpu.upload(w), gpu.upload(cpuState)];
  const xs = Array.from({ length: steps }, () => randomTensor(next, [1, d]));
  const outs = [];
  for (const x of xs) outs.push(await gpuOps.conv1dCausal(gpu, gpu.upload(x), gw, undefined, gState));
  const pairs: [HostTensor, HostTensor][] = [];
  for (const [i, x] of xs.entries()) pairs.push([await gpu.read(outs[i]!), cpuOps.conv1dCausal(x, w, undefined, cpuState)]);
  pairs.push([await gpu.read(gState), cpuState]);
  report("conv1d", `d=${d} kw=${kw} ${steps} decode steps in one batch (y and state)`, pairs, 1e-5, 1e-4);
}

async function checkSelective(d: number, s: number, steps: number[]): Promise<void> {
  const next = rng(d * 17 + s);
  const A = randomTensor(next, [d, s], -2, -0.1);
  const D = randomTensor(next, [d]);
  const cpuState = randomTensor(next, [d, s]);
  const [gA, gD, gState] = [gpu.upload(A), gpu.upload(D), gpu.upload(cpuState)];
  const pairs: [HostTensor, HostTensor][] = [];
  for (const n of steps) {
    const u = randomTensor(next, [n, d]);
    const delta = randomTensor(next, [n, d], 0.01, 1);
    const B = randomTensor(next, [n, s]);
    const C = randomTensor(next, [n, s]);
    const up = (t: HostTensor) => gpu.upload(t);
    const got = await gpuOps.selectiveStateUpdate(gpu, up(u), up(delta), gA, up(B), up(C), gD, gState);
    pairs.push([await gpu.read(got), cpuOps.selectiveScan(u, delta, A, B, C, D, cpuState)]);
  }
  pairs.push([await gpu.read(gState), cpuState]);
  report("selective_state_update", `d=${d} s=${s} n=${steps.join("+")} (y and state)`, pairs, 1e-5, 1e-4);
}

async function checkSsd(h: number, p: number, s: number, g: number, steps: number[]): Promise<void> {
  const next = rng(h * 101 + p * 11 + s + g);
  const A = randomTensor(next, [h], -2, -0.1);
  const D = randomTensor(next, [h]);
  const cpuState = randomTensor(next, [h, p, s]);
  const [gA, gD, gState] = [gpu.upload(A), gpu.upload(D), gpu.upload(cpuState)];
  const pairs: [HostTensor, HostTensor][] = [];
  for (const n of steps) {
    const x = randomTensor(next, [n, h, p]);
    const dt = randomTensor(next, [n, h], 0.01, 1);
    const B = randomTensor(next, [n, g, s]);
    const C = randomTensor(next, [n, g, s]);
    const up = (t: HostTensor) => gpu.upload(t);
    const got = await gpuOps.ssdStateUpdate(gpu, up(x), up(dt), gA, up(B), up(C), gD, gState);
    pairs.push([await gpu.read(got), cpuOps.ssdScan(x, dt, A, B, C, D, cpuState)]);
  }
  pairs.push([await gpu.read(gState), cpuState]);
  report("ssd_state_update", `h=${h} p=${p} s=${s} g=${g} n=${steps.join("+")} (y and state)`, pairs, 1e-5, 1e-4);
}

/** A position counter [1] holding `p`. */
const at = (p: number) => tensor([1], Float32Array.of(p));

/**
 * A CPU KV cache holding t random keys and values, with spare rows allocated past them: the last token is
 * appended on its own, so the cache doubles its rows (capacity 2t leaves it room to).
 */
function filledCache(next: () => number, kvh: number, hd: number, t: number) {
  const cache = cpuOps.newKvCache(kvh, hd, 2 * t);
  const [keys, values] = [randomTensor(next, [t, kvh * hd], -2, 2), randomTensor(next, [t, kvh * hd])];
  if (t > 1) cpuOps.kvAppend(cache, cpuOps.rows(keys, 0, t - 1), cpuOps.rows(values, 0, t - 1), at(0));
  cpuOps.kvAppend(cache, cpuOps.rows(keys, t - 1, 1), cpuOps.rows(values, t - 1, 1), at(t - 1));
  if (cache.keys.shape[0]! <= t) throw new Error(`attention check: the cache has no spare rows past its ${t} tokens`);
  return cache;
}

async function checkAttention(h: number, kvh: number, hd: number, t: number): Promise<void> {
  const next = rng(h * 7 + kvh * 5 + hd * 3 + t);
  const cache = filledCache(next, kvh, hd, t);
  const q = randomTensor(next, [1, h, hd], -2, 2);
  const scale = 1 / Math.sqrt(hd);
  // the cache's spare rows (allocated > length) travel too, so a kernel reading past `length` would show
  const got = await gpuOps.attentionDecode(gpu, gpu.upload(q), gpu.upload(cache.keys), gpu.upload(cache.values), t, kvh, scale);
  const { splits } = gpuOps.splitPlan(h, t);
  // the query is the cache's last token (row t − 1), seeing all t keys
  report("attention_decode", `h=${h} kvh=${kvh} hd=${hd} t=${t} splits=${splits}`, [[await gpu.read(got), cpuOps.attention(q, cache, at(t - 1), scale)]], 1e-5, 1e-4);
}

/** Split decode attentions recorded without a read in between: the uniform ring wraps between two dispatches of one call. */
async function checkAttentionBatched(h: number, kvh: number, hd: number, t: number, calls: number): Promise<void> {
  const next = rng(h * 3 + t + calls);
  const cache = filledCache(next, kvh, hd, t);
  const [keys, values] = [gpu.upload(cache.keys), gpu.upload(cache.values)];
  const qs = Array.from({ length: calls }, () => randomTensor(next, [1, h, hd], -2, 2));
  const outs = [];
  for (const q of qs) outs.push(await gpuOps.attentionDecode(gpu, gpu.upload(q), keys, values, t, kvh, 0.25));
  const pairs: [HostTensor, HostTensor][] = [];
  for (const [i, q] of qs.entries()) pairs.push([await gpu.read(outs[i]!), cpuOps.attention(q, cache, at(t - 1), 0.25)]);
  const { splits } = gpuOps.splitPlan(h, t);
  report("attention_decode", `h=${h} kvh=${kvh} hd=${hd} t=${t} splits=${splits}, ${calls} calls in one batch`, pairs, 1e-5, 1e-4);
}

await checkRmsnorm(3, 300, 1e-6);
await checkRmsnorm(1, 1000, 1e-5);
await checkRmsnorm(5, 7, 1e-6);
await checkLinear(1, 300, 37, true);
await checkLinear(2, 36, 9, true);
await checkLinear(3, 513, 130, false);
await checkLinear(70, 100, 67, true);
await checkLinear(65, 17, 129, false);
await checkConv1d(300, 4, [1, 1, 1], true);
await checkConv1d(70, 4, [5, 1, 2], false);
await checkConv1d(33, 3, [1, 9], true);
await checkConv1dBatched(40, 4, 300);
await checkSelective(300, 16, [1, 1]);
await checkSelective(33, 5, [4, 1]);
await checkSsd(6, 8, 70, 2, [1, 1]);
await checkSsd(4, 5, 16, 1, [3, 1]);
await checkAttentionBatched(2, 1, 16, 300, 150);
await checkAttention(6, 2, 16, 37);
await checkAttention(4, 4, 80, 300);
await checkAttention(8, 2, 128, 1);
await checkAttention(2, 1, 200, 1000);
if (large) {
  await checkRmsnorm(17, 4096, 1e-5);
  await checkLinear(1, 4096, 4096, false);
  await checkLinear(300, 1024, 1000, true);
  await checkConv1d(5120, 4, [100, 1], true);
  await checkSelective(5120, 16, [1, 1]);
  await checkSsd(48, 64, 128, 1, [1, 1]);
  await checkAttention(32, 8, 128, 4097);
}
gpu.destroy();
process.exit(outcomes.every((o) => o.ok) ? 0 : 1);
