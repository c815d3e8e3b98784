/**
 * Exports CPU-reference cases for the CUDA kernels: inputs and the CPU backend's outputs (the reference every
 * kernel is checked against), for bench/kernels_cuda.py to replay on the GPU machine, which has no Node.
 *
 *   npx tsx bench/kernels-reference.ts --out .kref
 *
 * Writes <out>/manifest.json and <out>/data.bin (little-endian f32, tensors back to back). A case is a list of
 * steps run in order on one state (conv1d and the scans carry state from step to step); `final` holds the
 * expected state after the last step. Sizes are ragged on purpose (not multiples of any block or tile).
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { cpuOps } from "../src/engine/backends/cpu/index.ts";
import { tensor, type HostTensor } from "../src/engine/tensor.ts";
import { clone, randomTensor, rng } from "../tests/kernels/support/random.ts";

interface TensorRef {
  offset: number;
  shape: number[];
}
interface Step {
  inputs: Record<string, TensorRef>;
  expected: TensorRef;
}
interface Case {
  op: string;
  name: string;
  params: Record<string, number>;
  fixed: Record<string, TensorRef>;
  steps: Step[];
  final?: TensorRef;
}

const { values } = parseArgs({ options: { out: { type: "string", default: ".kref" } } });
const chunks: Float32Array[] = [];
let offset = 0;
function put(t: HostTensor): TensorRef {
  chunks.push(t.data.slice()); // a copy: state tensors change in place after they are recorded
  const ref = { offset, shape: [...t.shape] };
  offset += t.data.length;
  return ref;
}
const cases: Case[] = [];

function rmsnorm(n: number, d: number, eps: number): void {
  const next = rng(n * 1000 + d);
  const x = randomTensor(next, [n, d], -3, 3);
  const w = randomTensor(next, [d], 0.5, 1.5);
  cases.push({ op: "rmsnorm", name: `n=${n} d=${d}`, params: { eps }, fixed: { w: put(w) }, steps: [{ inputs: { x: put(x) }, expected: put(cpuOps.rmsnorm(x, w, eps)) }] });
}

function linear(n: number, k: number, m: number, bias: boolean): void {
  const next = rng(n * 7 + k * 13 + m);
  const x = randomTensor(next, [n, k]);
  const w = randomTensor(next, [m, k], -0.1, 0.1);
  const b = bias ? randomTensor(next, [m]) : undefined;
  const fixed: Record<string, TensorRef> = { w: put(w) };
  if (b) fixed.b = put(b);
  cases.push({ op: "matmul", name: `n=${n} k=${k} m=${m}${bias ? " +b" : ""}`, params: {}, fixed, steps: [{ inputs: { x: put(x) }, expected: put(cpuOps.linear(x, w, b)) }] });
}

function conv1d(d: number, kw: number, lengths: number[], bias: boolean): void {
  const next = rng(d * 31 + kw);
  const w = randomTensor(next, [d, kw]);
  const b = bias ? randomTensor(next, [d]) : undefined;
  const state = randomTensor(next, [d, kw - 1]);
  const fixed: Record<string, TensorRef> = { w: put(w), state: put(state) };
  if (b) fixed.b = put(b);
  const steps = lengths.map((n) => {
    const x = randomTensor(next, [n, d]);
    return { inputs: { x: put(x) }, expected: put(cpuOps.conv1dCausal(x, w, b, state)) };
  });
  cases.push({ op: "conv1d", name: `d=${d} kw=${kw} n=${lengths.join("+")}${bias ? " +b" : ""}`, params: {}, fixed, steps, final: put(state) });
}

function selective(d: number, s: number, lengths: number[]): void {
  const next = rng(d * 17 + s);
  const A = randomTensor(next, [d, s], -2, -0.1);
  const D = randomTensor(next, [d]);
  const state = randomTensor(next, [d, s]);
  const fixed = { A: put(A), D: put(D), state: put(state) };
  const steps = lengths.map((n) => {
    const [u, delta, B, C] = [randomTensor(next, [n, d]), randomTensor(next, [n, d], 0.01, 1), randomTensor(next, [n, s]), randomTensor(next, [n, s])];
    const inputs = { u: put(u), delta: put(delta), B: put(B), C: put(C) };
    return { inputs, expected: put(cpuOps.selectiveScan(u, delta, A, B, C, D, state)) };
  });
  cases.push({ op: "selective_state_update", name: `d=${d} s=${s} n=${lengths.join("+")}`, params: {}, fixed, steps, final: put(state) });
}

function ssd(h: number, p: number, s: number, g: number, lengths: number[]): void {
  const next = rng(h * 101 + p * 11 + s + g);
  const A = randomTensor(next, [h], -2, -0.1);
  const D = randomTensor(next, [h]);
  const state = randomTensor(next, [h, p, s]);
  const fixed = { A: put(A), D: put(D), state: put(state) };
  const steps = lengths.map((n) => {
    const [x, dt, B, C] = [randomTensor(next, [n, h, p]), randomTensor(next, [n, h], 0.01, 1), randomTensor(next, [n, g, s]), randomTensor(next, [n, g, s])];
    const inputs = { x: put(x), dt: put(dt), B: put(B), C: put(C) };
    return { inputs, expected: put(cpuOps.ssdScan(x, dt, A, B, C, D, state)) };
  });
  cases.push({ op: "ssd_state_update", name: `h=${h} p=${p} s=${s} g=${g} n=${lengths.join("+")}`, params: { g }, fixed, steps, final: put(state) });
}

function attention(h: number, kvh: number, hd: number, t: number): void {
  const next = rng(h * 7 + kvh * 5 + hd * 3 + t);
  const keys = randomTensor(next, [t, kvh * hd], -2, 2);
  const vals = randomTensor(next, [t, kvh * hd]);
  const cache = cpuOps.newKvCache(kvh, hd, t);
  cpuOps.kvAppend(cache, clone(keys), clone(vals), tensor([1], Float32Array.of(0)));
  const q = randomTensor(next, [1, h, hd], -2, 2);
  const scale = 1 / Math.sqrt(hd);
  // the query is the cache's last token (row t − 1), seeing all t keys
  const fixed = { keys: put(keys), values: put(vals) };
  cases.push({ op: "attention_decode", name: `h=${h} kvh=${kvh} hd=${hd} t=${t}`, params: { kvh, scale }, fixed, steps: [{ inputs: { q: put(q) }, expected: put(cpuOps.attention(q, cache, tensor([1], Float32Array.of(t - 1)), scale)) }] });
}

rmsnorm(3, 300, 1e-6);
rmsnorm(5, 7, 1e-6);
rmsnorm(17, 4096, 1e-5);
linear(1, 300, 37, true);
linear(3, 513, 130, false);
linear(4, 1000, 515, true);
linear(70, 100, 67, true);
linear(130, 1000, 515, false);
conv1d(300, 4, [1, 1, 1], true);
conv1d(70, 4, [5, 1, 2], false);
conv1d(33, 3, [1, 9], true);
conv1d(5120, 4, [100, 1, 1], true);
selective(300, 16, [1, 1]);
selective(33, 5, [4, 1]);
selective(5120, 16, [1, 1]);
selective(40, 48, [2, 1]);
ssd(6, 8, 70, 2, [1, 1]);
ssd(4, 5, 16, 1, [3, 1]);
ssd(48, 64, 128, 1, [1, 1]);
attention(6, 2, 16, 37);
attention(4, 4, 80, 300);
attention(8, 2, 128, 1);
attention(2, 1, 200, 1000);
attention(32, 2, 128, 2049);

mkdirSync(values.out!, { recursive: true });
const data = new Float32Array(offset);
let o = 0;
for (const c of chunks) {
  data.set(c, o);
  o += c.length;
}
writeFileSync(join(values.out!, "data.bin"), data);
writeFileSync(join(values.out!, "manifest.json"), JSON.stringify({ cases }, null, 1));
console.log(`${cases.length} cases, ${(data.byteLength / 2 ** 20).toFixed(1)} MiB → ${values.out}`);
