/**
 * Every op of the WebGPU backend (createWebGpuOps) against the CPU backend on the same random inputs, through
 * the Ops interface the models call. Prints one JSON line per case: { op, name, worst, ok } where
 * worst = max |gpu − cpu| / (atol + rtol·|cpu|) (or 0 / Infinity for exact checks).
 *
 *   deno run -A tests/kernels/webgpu/check-ops.ts [--large]
 *
 * Sizes are ragged on purpose (not multiples of workgroups or tiles; odd rows of half words), with 1-token and
 * several-token inputs. A small uniform ring makes the cases cross mid-op flushes. f16 matrices run both natively
 * (shader-f16, where the adapter has it) and as packed words. --large adds model-sized cases (for a real GPU).
 * Exits 2 when no WebGPU adapter can be had.
 */
import { cpuOps } from "../../../src/engine/backends/cpu/index.ts";
import { createWebGpuOps, type WebGpuOps } from "../../../src/engine/backends/webgpu/webgpu-ops.ts";
import { narrowToBf16, narrowToF16 } from "../../../src/engine/checkpoint/half-float.ts";
import type { Ops } from "../../../src/engine/ops.ts";
import { createSampler } from "../../../src/engine/sampling.ts";
import { BackendMismatchError, ShapeError } from "../../../src/engine/shape-check.ts";
import { storedF32, tensor, type HostTensor, type StoredTensor, type Tensor } from "../../../src/engine/tensor.ts";
import { clone, randomTensor, rng, worstRatio } from "../support/random.ts";

let gpu: WebGpuOps;
let packed: WebGpuOps;
try {
  gpu = await createWebGpuOps({ ringSlots: 64 });
  packed = await createWebGpuOps({ ringSlots: 64, f16: false });
} catch (e) {
  console.error(`no WebGPU: ${(e as Error).message}`);
  process.exit(2);
}
console.error(`adapter: ${gpu.adapterName}, native f16: ${gpu.nativeF16}`);
const outcomes: { ok: boolean }[] = [];

function emit(op: string, name: string, worst: number): void {
  const o = { op, name, worst, ok: worst <= 1 };
  outcomes.push(o);
  console.log(JSON.stringify(o));
}

/** Reads every GPU tensor (one wait for all) and compares it with its CPU twin. */
async function report(op: string, name: string, pairs: [Tensor, HostTensor][], atol = 1e-5, rtol = 1e-4, ops: Ops = gpu): Promise<void> {
  const got = await Promise.all(pairs.map(([g]) => ops.read(g)));
  emit(op, name, Math.max(...pairs.map(([, want], i) => worstRatio(got[i]!, want.data, atol, rtol))));
}

/** Records `body`'s outcome as an exact check: ok unless it throws (or returns false). */
async function exact(op: string, name: string, body: () => boolean | Promise<boolean>): Promise<void> {
  let ok = false;
  try {
    ok = await body();
  } catch (e) {
    console.error(`${op} ${name}: ${(e as Error).stack}`);
  }
  emit(op, name, ok ? 0 : Infinity);
}

const up = (t: HostTensor, ops: Ops = gpu) => ops.weight(storedF32(t), "vector");
type Half = "f32" | "f16" | "bf16";
/** A matrix stored as `dtype` (narrowed from random f32), and the CPU's widened copy of the same words. */
function matrix(t: HostTensor, dtype: Half, ops: Ops = gpu): [Tensor, HostTensor] {
  const stored: StoredTensor =
    dtype === "f32" ? storedF32(t) : { shape: t.shape, dtype: dtype === "f16" ? "F16" : "BF16", values: dtype === "f16" ? narrowToF16(t.data) : narrowToBf16(t.data) };
  return [ops.weight(stored, "matrix"), cpuOps.weight(stored)];
}

async function checkCrossings(): Promise<void> {
  await exact("crossings", "tokens and read round-trip ids exactly; weight keeps f32", async () => {
    const ids = [0, 7, 319, (1 << 24) - 1];
    const got = Array.from(await gpu.read(gpu.tokens(ids)));
    const w = randomTensor(rng(1), [3, 5]);
    const back = await gpu.read(up(w));
    return got.join() === ids.join() && back.every((v, i) => v === w.data[i]);
  });
  await exact("crossings", "weight widens f16 / bf16 vectors to f32", async () => {
    const values = Float32Array.of(1.5, -2, 0.25, 256, 3);
    const f16 = await gpu.read(gpu.weight({ shape: [5], dtype: "F16", values: narrowToF16(values) }, "vector"));
    const bf16 = await gpu.read(gpu.weight({ shape: [5], dtype: "BF16", values: narrowToBf16(values) }, "vector"));
    return f16.join() === values.join() && bf16.join() === values.join();
  });
  await exact("crossings", "positions start at 0 and advance on the device; zeros are zero", async () => {
    const pos = gpu.newPosition();
    gpu.advance(pos, 5);
    gpu.advance(pos, 1);
    const [p, z] = await Promise.all([gpu.read(pos), gpu.read(gpu.zeros([3, 7]))]);
    return p[0] === 6 && z.length === 21 && z.every((v) => v === 0);
  });
}

async function checkViews(): Promise<void> {
  const next = rng(2);
  for (const [n, k] of [[5, 8], [5, 3], [4, 1]] as const) {
    const x = randomTensor(next, [n, k]);
    const g = up(x);
    await report("views", `rows of [${n}, ${k}] (${(k * 4) % 32 === 0 ? "a view" : "a copy"}), reshape`, [
      [gpu.rows(g, 1, 2), cpuOps.rows(x, 1, 2)],
      [gpu.rows(g, n - 1, 1), cpuOps.rows(x, n - 1, 1)],
      [gpu.reshape(g, [k, n]), cpuOps.reshape(x, [k, n])],
    ]);
  }
  const x = randomTensor(next, [7, 50]);
  await report("sliceCols", "[7, 50] columns 13…33 and 0…1", [
    [gpu.sliceCols(up(x), 13, 21), cpuOps.sliceCols(x, 13, 21)],
    [gpu.sliceCols(up(x), 0, 1), cpuOps.sliceCols(x, 0, 1)],
  ]);
}

/** copyRow between dispatches: each dispatch sees the rows copied before it, none copied after. */
async function copyRowCase(ops: Ops, x: HostTensor, ring: HostTensor): Promise<[Tensor, HostTensor][]> {
  const [g, dst, gring] = [up(x, ops), ops.zeros([4, 3]), ops.zeros([8])];
  const cdst = cpuOps.zeros([4, 3]);
  const cring = cpuOps.zeros([8]);
  const pairs: [Tensor, HostTensor][] = [];
  for (const [row, from] of [[2, 0], [0, 3], [3, 1]] as const) {
    // the source is computed in the open pass, the copy follows it, and the next dispatch reads the copy
    const src = ops.scale(ops.rows(g, from, 1), from + 1); // [1, 3]
    ops.copyRow(dst, row === 0 ? ops.reshape(src, [3]) : src, row);
    const csrc = cpuOps.scale(cpuOps.rows(x, from, 1), from + 1);
    cpuOps.copyRow(cdst, row === 0 ? cpuOps.reshape(csrc, [3]) : csrc, row);
    pairs.push([ops.add(dst, dst), cpuOps.add(cdst, cdst)]);
  }
  for (let i = 0; i < 8; i++) {
    ops.copyRow(gring, ops.rows(up(ring, ops), i, 1), 7 - i);
    cpuOps.copyRow(cring, cpuOps.rows(ring, i, 1), 7 - i);
  }
  pairs.push([dst, cdst], [gring, cring]);
  return pairs;
}

async function checkCopyRow(): Promise<void> {
  const next = rng(15);
  const x = randomTensor(next, [4, 3]);
  const ring = tensor([8, 1], Float32Array.from([5, 319, 0, 7, 11, 2, 100, 63]));
  await report("copyRow", "rows of [4, 3] from [1, 3] and [3] sources between dispatches; a ring [8] of [1] rows", await copyRowCase(gpu, x, ring), 1e-30, 0);
  const timed = await createWebGpuOps({ timestamps: true });
  await report("copyRow", "the same on a context timing its passes (a copy submits there)", await copyRowCase(timed, x, ring), 1e-30, 0, timed);
  timed.context.destroy();
}

async function checkElementwise(): Promise<void> {
  const next = rng(3);
  const gateUp = randomTensor(next, [3, 302], -6, 6);
  await report("elementwise", "siluAndMul on [3, 302]", [[gpu.siluAndMul(up(gateUp)), cpuOps.siluAndMul(gateUp)]]);
  for (const shape of [[3, 301], [1, 7]]) {
    const x = randomTensor(next, shape, -30, 30);
    const small = randomTensor(next, shape, -3, 3);
    const [gx, gs] = [up(x), up(small)];
    await report("elementwise", `unary ops on [${shape}] (softplus past both thresholds)`, [
      [gpu.silu(gx), cpuOps.silu(x)],
      [gpu.softplus(gx), cpuOps.softplus(x)],
      [gpu.exp(gs), cpuOps.exp(small)],
      [gpu.scale(gx, -0.37), cpuOps.scale(x, -0.37)],
      [gpu.clamp(gx, -2.5, 4), cpuOps.clamp(x, -2.5, 4)],
    ]);
    const b = randomTensor(next, shape, -3, 3);
    const bias = randomTensor(next, [shape[1]!]);
    const gb = up(b);
    await report("elementwise", `binary ops and addBias on [${shape}]`, [
      [gpu.add(gs, gb), cpuOps.add(small, b)],
      [gpu.mul(gs, gb), cpuOps.mul(small, b)],
      [gpu.siluMul(gs, gb), cpuOps.siluMul(small, b)],
      [gpu.addBias(gs, up(bias)), cpuOps.addBias(small, bias)],
    ]);
  }
}

async function checkLinear(): Promise<void> {
  const next = rng(4);
  for (const dtype of ["f32", "f16", "bf16"] as const) {
    for (const [n, k, m, bias] of [[1, 64, 37, true], [3, 37, 20, false], [2, 2, 9, true], [70, 100, 67, true], [9, 33, 5, false]] as const) {
      for (const ops of dtype === "f16" ? [gpu, packed] : [gpu]) {
        const x = randomTensor(next, [n, k]);
        const [gw, cw] = matrix(randomTensor(next, [m, k], -0.2, 0.2), dtype, ops);
        const b = bias ? randomTensor(next, [m]) : undefined;
        const path = dtype === "f16" ? (ops === packed ? " packed" : gpu.nativeF16 ? " native" : " packed") : "";
        await report("linear", `${dtype}${path} n=${n} k=${k} m=${m}${bias ? " +b" : ""}`, [[ops.linear(up(x, ops), gw, b && up(b, ops)), cpuOps.linear(x, cw, b)]], 1e-5, 1e-4, ops);
      }
    }
  }
}

async function checkEmbedding(): Promise<void> {
  const next = rng(5);
  for (const dtype of ["f32", "f16", "bf16"] as const) {
    for (const [v, d] of [[11, 64], [10, 7]] as const) {
      for (const ops of dtype === "f16" ? [gpu, packed] : [gpu]) {
        const [gt, ct] = matrix(randomTensor(next, [v, d]), dtype, ops);
        const ids = [v - 1, 0, 3, 3, 5];
        await report("embedding", `${dtype}${ops === packed ? " packed" : ""} v=${v} d=${d} n=${ids.length}`, [[ops.embedding(gt, ops.tokens(ids)), cpuOps.embedding(ct, cpuOps.tokens(ids))]], 1e-30, 0, ops);
      }
    }
  }
}

async function checkNorms(): Promise<void> {
  const next = rng(6);
  for (const [n, d] of [[1, 64], [3, 301]] as const) {
    const x = randomTensor(next, [n, d], -3, 3);
    const w = randomTensor(next, [d], 0.5, 1.5);
    await report("rmsnorm", `n=${n} d=${d}`, [[gpu.rmsnorm(up(x), up(w), 1e-5), cpuOps.rmsnorm(x, w, 1e-5)]]);
  }
  for (const [n, d] of [[1, 64], [3, 301]] as const) {
    const [x, r] = [randomTensor(next, [n, d], -3, 3), randomTensor(next, [n, d], -3, 3)];
    const w = randomTensor(next, [d], 0.5, 1.5);
    const got = gpu.addRmsnorm(up(x), up(r), up(w), 1e-5);
    const want = cpuOps.addRmsnorm(x, r, w, 1e-5);
    await report("addRmsnorm", `n=${n} d=${d} (sum and normed)`, [[got.sum, want.sum], [got.normed, want.normed]]);
  }
  for (const [n, d, group] of [[1, 48, 16], [3, 30, 30], [2, 600, 300], [5, 12, 4]] as const) {
    const x = randomTensor(next, [n, d], -3, 3);
    const z = randomTensor(next, [n, d], -3, 3);
    const w = randomTensor(next, [d], 0.5, 1.5);
    await report("gatedRmsnorm", `n=${n} d=${d} group=${group}`, [[gpu.gatedRmsnorm(up(x), up(z), up(w), 1e-6, group), cpuOps.gatedRmsnorm(x, z, w, 1e-6, group)]]);
  }
}

async function checkRouting(): Promise<void> {
  const next = rng(7);
  for (const [n, c] of [[4, 7], [2, 300], [1, 1]] as const) {
    const x = randomTensor(next, [n, c], -5, 5);
    await report("softmax", `n=${n} c=${c}`, [[gpu.softmax(up(x)), cpuOps.softmax(x)]]);
  }
  // ties: equal values go to the lower index first
  const tied = tensor([3, 6], Float32Array.of(1, 3, 3, 0, 2, 3, 5, 5, 5, 5, 5, 5, -1, -2, 0, -3, 0, 4));
  for (const k of [1, 2, 6]) {
    const g = gpu.topk(up(tied), k);
    const c = cpuOps.topk(tied, k);
    await report("topk", `ties, k=${k}`, [[g.values, c.values], [g.indices, c.indices]], 1e-30, 0);
  }
  const x = randomTensor(next, [5, 16]);
  const g = gpu.topk(up(x), 3);
  const c = cpuOps.topk(x, 3);
  await report("topk", "random [5, 16], k=3", [[g.values, c.values], [g.indices, c.indices]], 1e-30, 0);
}

async function checkExperts(): Promise<void> {
  const next = rng(8);
  for (const dtype of ["f32", "f16", "bf16"] as const) {
    for (const [n, d, f, e, k] of [[3, 9, 6, 4, 2], [1, 16, 10, 4, 2], [6, 20, 7, 5, 3]] as const) {
      const x = randomTensor(next, [n, d]);
      const [gg, cg] = matrix(randomTensor(next, [e, f, d], -0.3, 0.3), dtype);
      const [gu, cu] = matrix(randomTensor(next, [e, f, d], -0.3, 0.3), dtype);
      const [gd, cd] = matrix(randomTensor(next, [e, d, f], -0.3, 0.3), dtype);
      const { values, indices } = cpuOps.topk(cpuOps.softmax(randomTensor(next, [n, e], -2, 2)), k);
      const got = gpu.experts(up(x), gg, gu, gd, up(indices), up(values));
      await report("experts", `${dtype} n=${n} d=${d} f=${f} e=${e} k=${k}`, [[got, cpuOps.experts(x, cg, cu, cd, indices, values)]]);
    }
  }
}

async function checkSsm(): Promise<void> {
  const next = rng(9);
  {
    const [d, kw] = [37, 4];
    const w = randomTensor(next, [d, kw]);
    const b = randomTensor(next, [d]);
    const state = randomTensor(next, [d, kw - 1]);
    const cpuState = clone(state);
    const gState = up(state);
    const pairs: [Tensor, HostTensor][] = [];
    for (const n of [5, 1, 1, 3]) {
      const x = randomTensor(next, [n, d]);
      pairs.push([gpu.conv1dCausal(up(x), up(w), up(b), gState), cpuOps.conv1dCausal(x, w, b, cpuState)]);
    }
    pairs.push([gState, cpuState]);
    await report("conv1dCausal", `d=${d} kw=${kw} n=5+1+1+3 (y and state)`, pairs);
    const x = randomTensor(next, [4, d]);
    await report("conv1dCausal", `d=${d} kw=${kw} n=4, activation silu`, [[gpu.conv1dCausal(up(x), up(w), up(b), gState, "silu"), cpuOps.conv1dCausal(x, w, b, cpuState, "silu")]]);
  }
  {
    const [d, s] = [33, 16];
    const A = randomTensor(next, [d, s], -2, -0.1);
    const D = randomTensor(next, [d]);
    const cpuState = randomTensor(next, [d, s]);
    const gState = up(cpuState);
    const pairs: [Tensor, HostTensor][] = [];
    for (const n of [4, 1, 2]) {
      const [u, delta, B, C] = [randomTensor(next, [n, d]), randomTensor(next, [n, d], 0.01, 1), randomTensor(next, [n, s]), randomTensor(next, [n, s])];
      pairs.push([gpu.selectiveScan(up(u), up(delta), up(A), up(B), up(C), up(D), gState), cpuOps.selectiveScan(u, delta, A, B, C, D, cpuState)]);
    }
    pairs.push([gState, cpuState]);
    await report("selectiveScan", `d=${d} s=${s} n=4+1+2 (y and state)`, pairs);
    const [u, delta, B, C, z] = [randomTensor(next, [3, d]), randomTensor(next, [3, d], -3, 3), randomTensor(next, [3, s]), randomTensor(next, [3, s]), randomTensor(next, [3, d], -3, 3)];
    const opts = { deltaSoftplus: true };
    await report("selectiveScan", `d=${d} s=${s} n=3, deltaSoftplus and z gate`, [
      [gpu.selectiveScan(up(u), up(delta), up(A), up(B), up(C), up(D), gState, { ...opts, z: up(z) }), cpuOps.selectiveScan(u, delta, A, B, C, D, cpuState, { ...opts, z })],
    ]);
  }
  for (const [h, p, s, g] of [[8, 16, 16, 2], [3, 5, 7, 1]] as const) {
    const A = randomTensor(next, [h], -2, -0.1);
    const D = randomTensor(next, [h]);
    const cpuState = randomTensor(next, [h, p, s]);
    const gState = up(cpuState);
    const pairs: [Tensor, HostTensor][] = [];
    for (const n of [3, 1]) {
      const [x, dt, B, C] = [randomTensor(next, [n, h, p]), randomTensor(next, [n, h], 0.01, 1), randomTensor(next, [n, g, s]), randomTensor(next, [n, g, s])];
      pairs.push([gpu.ssdScan(up(x), up(dt), up(A), up(B), up(C), up(D), gState), cpuOps.ssdScan(x, dt, A, B, C, D, cpuState)]);
    }
    pairs.push([gState, cpuState]);
    await report("ssdScan", `h=${h} p=${p} s=${s} g=${g} n=3+1 (y and state)`, pairs);
    const [x, dt, B, C, bias] = [randomTensor(next, [2, h, p]), randomTensor(next, [2, h], -3, 3), randomTensor(next, [2, g, s]), randomTensor(next, [2, g, s]), randomTensor(next, [h])];
    const opts = { dtSoftplus: true, dtLimit: [0.05, 2] as const };
    await report("ssdScan", `h=${h} p=${p} s=${s} g=${g} n=2, dtBias, dtSoftplus and dtLimit`, [
      [gpu.ssdScan(up(x), up(dt), up(A), up(B), up(C), up(D), gState, { ...opts, dtBias: up(bias) }), cpuOps.ssdScan(x, dt, A, B, C, D, cpuState, { ...opts, dtBias: bias })],
    ]);
  }
}

async function checkRope(): Promise<void> {
  const next = rng(10);
  for (const [n, h, hd, half, at, scaling] of [[3, 2, 10, 4, 5, 1], [1, 4, 8, 4, 3000, 1.3], [7, 3, 16, 8, 0, 1]] as const) {
    const x = randomTensor(next, [n, h, hd]);
    const invFreq = tensor([half], Float32Array.from({ length: half }, (_, i) => 1 / 10000 ** ((2 * i) / (2 * half))));
    const [cpos, gpos] = [cpuOps.newPosition(), gpu.newPosition()];
    cpuOps.advance(cpos, at);
    gpu.advance(gpos, at);
    await report("rope", `n=${n} h=${h} hd=${hd} rotary=${2 * half} pos=${at} scaling=${scaling}`, [[gpu.rope(up(x), gpos, up(invFreq), scaling), cpuOps.rope(x, cpos, invFreq, scaling)]]);
  }
}

async function checkAttention(): Promise<void> {
  const next = rng(11);
  for (const [h, kvh, hd, capacity, steps] of [[4, 2, 16, 300, [7, 1, 1, 3, 9, 1]], [6, 3, 80, 70, [1, 2, 1]], [2, 2, 8, 12, [12]]] as const) {
    const [cc, gc] = [cpuOps.newKvCache(kvh, hd, capacity), gpu.newKvCache(kvh, hd, capacity)];
    const [cpos, gpos] = [cpuOps.newPosition(), gpu.newPosition()];
    const pairs: [Tensor, HostTensor][] = [];
    const scale = 1 / Math.sqrt(hd);
    for (const n of steps) {
      const [k, v, q] = [randomTensor(next, [n, kvh * hd], -2, 2), randomTensor(next, [n, kvh * hd]), randomTensor(next, [n, h, hd], -2, 2)];
      cpuOps.kvAppend(cc, k, v, cpos);
      gpu.kvAppend(gc, up(k), up(v), gpos);
      pairs.push([gpu.attention(up(q), gc, gpos, scale), cpuOps.attention(q, cc, cpos, scale)]);
      cpuOps.advance(cpos, n);
      gpu.advance(gpos, n);
    }
    await report("attention", `h=${h} kvh=${kvh} hd=${hd} capacity=${capacity} n=${steps.join("+")} (kvAppend, splits planned from capacity)`, pairs);
  }
}

/** ln softmax(row)[id] in f64. */
function logSoftmax(row: Float32Array, id: number): number {
  const max = Math.max(...row);
  return row[id]! - max - Math.log(row.reduce((s, v) => s + Math.exp(v - max), 0));
}

async function draw(logits: HostTensor, opts: Parameters<Ops["configureSampler"]>[1], times = 1): Promise<{ ids: number[]; logprobs: number[] }> {
  const slot = gpu.newSampler();
  gpu.configureSampler(slot, opts);
  const g = up(logits);
  const outs = Array.from({ length: times }, () => ({ token: gpu.zeros([1]), logprob: gpu.zeros([1]) }));
  for (const o of outs) gpu.sample(g, slot, o.token, o.logprob);
  const read = await Promise.all(outs.flatMap((o) => [gpu.read(o.token), gpu.read(o.logprob)]));
  return { ids: read.filter((_, i) => i % 2 === 0).map((r) => r[0]!), logprobs: read.filter((_, i) => i % 2 === 1).map((r) => r[0]!) };
}

async function checkSampling(): Promise<void> {
  const next = rng(12);
  const logits = randomTensor(next, [1, 301], -4, 4);
  logits.data[17] = 9;
  logits.data[200] = 9; // a tie at the max: the lower index wins
  await exact("sample", "greedy takes the lowest index of the max; logprob at temperature 1", async () => {
    const { ids, logprobs } = await draw(logits, { temperature: 0 });
    return ids[0] === 17 && Math.abs(logprobs[0]! - logSoftmax(logits.data, 17)) <= 1e-5;
  });
  await exact("sample", "top-k 1 and a tiny top-p keep only the max", async () => {
    const a = await draw(logits, { temperature: 1.5, topK: 1, seed: 3 }, 4);
    const b = await draw(logits, { temperature: 1, topP: 1e-6, seed: 4 }, 4);
    return [...a.ids, ...b.ids].every((id) => id === 17 || id === 200);
  });
  await exact("sample", "NaN logits and all −∞ give −1", async () => {
    const bad = tensor([1, 5], Float32Array.of(0, 1, NaN, 2, 0));
    const none = tensor([1, 3], Float32Array.of(-Infinity, -Infinity, -Infinity));
    const [a, b] = [await draw(bad, { temperature: 0 }), await draw(none, { temperature: 0.7, seed: 1 })];
    return a.ids[0] === -1 && b.ids[0] === -1;
  });
  // a draw from temperature + top-k + top-p: only the kept tokens, at the CPU sampler's frequencies
  const small = tensor([1, 7], Float32Array.of(2, 1, 0.5, 0, -1, 3, 2.9));
  const opts = { temperature: 0.8, topK: 5, topP: 0.9 };
  const want = new Map<number, number>();
  const cpuDraw = createSampler({ ...opts, seed: 5 });
  const cpuN = 20000;
  for (let i = 0; i < cpuN; i++) {
    const id = cpuDraw(small.data);
    want.set(id, (want.get(id) ?? 0) + 1 / cpuN);
  }
  const N = 400;
  const { ids, logprobs } = await draw(small, { ...opts, seed: 9 }, N);
  await exact("sample", `temperature 0.8, top-k 5, top-p 0.9: kept set and frequencies over ${N} draws`, () => {
    const got = new Map<number, number>();
    for (const id of ids) got.set(id, (got.get(id) ?? 0) + 1 / N);
    const keptOnly = [...got.keys()].every((id) => want.has(id));
    const close = [...want].every(([id, p]) => Math.abs((got.get(id) ?? 0) - p) <= 4 * Math.sqrt((p * (1 - p)) / N) + 0.01);
    const lpOk = ids.every((id, i) => Math.abs(logprobs[i]! - logSoftmax(small.data, id)) <= 1e-5);
    if (!keptOnly || !close) console.error(`sample: got ${JSON.stringify([...got])}, want ${JSON.stringify([...want])}`);
    return keptOnly && close && lpOk;
  });
  await exact("sample", "the same seed draws the same tokens", async () => {
    const a = await draw(small, { temperature: 1, seed: 42 }, 20);
    const b = await draw(small, { temperature: 1, seed: 42 }, 20);
    return a.ids.join() === b.ids.join() && new Set(a.ids).size > 1;
  });
  const many = randomTensor(next, [5, 301], -10, 10);
  const targets = [0, 300, 17, 5, 150];
  await report("tokenLogprobs", "n=5 v=301", [[gpu.tokenLogprobs(up(many), gpu.tokens(targets)), cpuOps.tokenLogprobs(many, cpuOps.tokens(targets))]]);
}

async function checkErrors(): Promise<void> {
  const x = randomTensor(rng(13), [2, 4]);
  const throwsAs = (f: () => unknown, type: new (...a: never[]) => Error, words: RegExp) => {
    try {
      f();
      return false;
    } catch (e) {
      return e instanceof type && words.test((e as Error).message);
    }
  };
  await exact("errors", "another backend's tensor, cache or slot is a BackendMismatchError naming the op", () =>
    throwsAs(() => gpu.add(up(x), x), BackendMismatchError, /^add: .*cpu backend/) &&
    throwsAs(() => gpu.linear(up(x), up(x, packed)), BackendMismatchError, /^linear: .*another webgpu device/) &&
    throwsAs(() => gpu.kvAppend(cpuOps.newKvCache(1, 4, 4), up(x), up(x), gpu.newPosition()), BackendMismatchError, /^kvAppend/) &&
    throwsAs(() => gpu.sample(up(tensor([1, 4])), cpuOps.newSampler(), gpu.zeros([1]), gpu.zeros([1])), BackendMismatchError, /^sample/) &&
    throwsAs(() => cpuOps.add(x, up(x) as HostTensor), BackendMismatchError, /webgpu/));
  await exact("errors", "misfitting shapes are a ShapeError naming the op", () =>
    throwsAs(() => gpu.linear(up(x), up(tensor([3, 5]))), ShapeError, /^linear: /) &&
    throwsAs(() => gpu.add(up(x), up(tensor([4, 2]))), ShapeError, /^add: /) &&
    throwsAs(() => gpu.gatedRmsnorm(up(x), up(x), up(tensor([4])), 1e-6, 3), ShapeError, /^gatedRmsnorm: /) &&
    throwsAs(() => gpu.rows(up(x), 1, 2), ShapeError, /^rows: /) &&
    throwsAs(() => gpu.copyRow(up(x), up(tensor([1, 4])), 2), ShapeError, /^copyRow: row 2 outside 2 rows/) &&
    throwsAs(() => gpu.copyRow(up(x), up(tensor([1, 3])), 0), ShapeError, /^copyRow: src \[1,3\] is not one row/) &&
    throwsAs(() => gpu.ssdScan(up(tensor([1, 3, 2])), up(tensor([1, 3])), up(tensor([3])), up(tensor([1, 2, 4])), up(tensor([1, 2, 4])), up(tensor([3])), up(tensor([3, 2, 4]))), ShapeError, /^ssdScan: /));
  await exact("errors", "invalid sampler settings are a RangeError; an unconfigured slot too", () =>
    throwsAs(() => gpu.configureSampler(gpu.newSampler(), { temperature: -1 }), RangeError, /temperature/) &&
    throwsAs(() => gpu.sample(up(tensor([1, 4])), gpu.newSampler(), gpu.zeros([1]), gpu.zeros([1])), RangeError, /not configured/));
}

/** Model-sized shapes: vocabularies, 4096-wide half matrices, long caches, wide experts (a real GPU's cases). */
async function checkLarge(): Promise<void> {
  const next = rng(14);
  for (const dtype of ["f16", "bf16"] as const) {
    for (const [n, k, m] of [[1, 4096, 4096], [3, 2048, 5632], [300, 1024, 1000]] as const) {
      const x = randomTensor(next, [n, k]);
      const [gw, cw] = matrix(randomTensor(next, [m, k], -0.05, 0.05), dtype);
      await report("large", `linear ${dtype} n=${n} k=${k} m=${m}`, [[gpu.linear(up(x), gw), cpuOps.linear(x, cw)]], 1e-4, 1e-3);
    }
    const [gt, ct] = matrix(randomTensor(next, [32000, 1024]), dtype);
    const ids = [31999, 0, 12345];
    await report("large", `embedding ${dtype} v=32000 d=1024`, [[gpu.embedding(gt, gpu.tokens(ids)), cpuOps.embedding(ct, cpuOps.tokens(ids))]], 1e-30, 0);
    const e = 8;
    const [gg, cg] = matrix(randomTensor(next, [e, 2048, 1024], -0.05, 0.05), dtype);
    const [gu, cu] = matrix(randomTensor(next, [e, 2048, 1024], -0.05, 0.05), dtype);
    const [gd, cd] = matrix(randomTensor(next, [e, 1024, 2048], -0.05, 0.05), dtype);
    for (const n of [1, 5]) {
      const x = randomTensor(next, [n, 1024]);
      const { values, indices } = cpuOps.topk(cpuOps.softmax(randomTensor(next, [n, e], -2, 2)), 2);
      await report("large", `experts ${dtype} n=${n} d=1024 f=2048 e=${e} k=2`, [[gpu.experts(up(x), gg, gu, gd, up(indices), up(values)), cpuOps.experts(x, cg, cu, cd, indices, values)]], 1e-4, 1e-3);
    }
  }
  {
    const [n, d, group] = [7, 4096, 512];
    const [x, z, w] = [randomTensor(next, [n, d], -3, 3), randomTensor(next, [n, d], -3, 3), randomTensor(next, [d], 0.5, 1.5)];
    await report("large", `gatedRmsnorm n=${n} d=${d} group=${group}`, [[gpu.gatedRmsnorm(up(x), up(z), up(w), 1e-6, group), cpuOps.gatedRmsnorm(x, z, w, 1e-6, group)]]);
  }
  {
    const [h, kvh, hd, capacity] = [32, 8, 128, 4096];
    const [cc, gc] = [cpuOps.newKvCache(kvh, hd, capacity), gpu.newKvCache(kvh, hd, capacity)];
    const [cpos, gpos] = [cpuOps.newPosition(), gpu.newPosition()];
    const pairs: [Tensor, HostTensor][] = [];
    for (const n of [300, 1, 1]) {
      const [k, v, q] = [randomTensor(next, [n, kvh * hd], -2, 2), randomTensor(next, [n, kvh * hd]), randomTensor(next, [n, h, hd], -2, 2)];
      cpuOps.kvAppend(cc, k, v, cpos);
      gpu.kvAppend(gc, up(k), up(v), gpos);
      pairs.push([gpu.attention(up(q), gc, gpos, 1 / Math.sqrt(hd)), cpuOps.attention(q, cc, cpos, 1 / Math.sqrt(hd))]);
      cpuOps.advance(cpos, n);
      gpu.advance(gpos, n);
    }
    await report("large", `attention h=${h} kvh=${kvh} hd=${hd} capacity=${capacity} n=300+1+1`, pairs);
  }
  const v = 128256;
  const logits = randomTensor(next, [1, v], -8, 8);
  logits.data[99999] = 13; // ¾ of the top-50 mass, so top-p 0.5 keeps it alone
  await exact("large", `sample v=${v}: greedy, and top-p 0.5 keeps the dominant token`, async () => {
    const a = await draw(logits, { temperature: 0 });
    const b = await draw(logits, { temperature: 1, topK: 50, topP: 0.5, seed: 1 }, 3);
    return a.ids[0] === 99999 && b.ids.every((id) => id === 99999) && Math.abs(a.logprobs[0]! - logSoftmax(logits.data, 99999)) <= 1e-4;
  });
  const many = randomTensor(next, [4, v], -8, 8);
  await report("large", `tokenLogprobs n=4 v=${v}`, [[gpu.tokenLogprobs(up(many), gpu.tokens([0, v - 1, 5, 77777])), cpuOps.tokenLogprobs(many, cpuOps.tokens([0, v - 1, 5, 77777]))]]);
}

await checkCrossings();
await checkViews();
await checkCopyRow();
await checkElementwise();
await checkLinear();
await checkEmbedding();
await checkNorms();
await checkRouting();
await checkExperts();
await checkSsm();
await checkRope();
await checkAttention();
await checkSampling();
await checkErrors();
if (process.argv.includes("--large")) await checkLarge();
process.exit(outcomes.every((o) => o.ok) ? 0 : 1);
