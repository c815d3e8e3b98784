/**
 * The prefill scans on the CUDA backend — Mamba-1 `selectiveScan` (kernels/selective_state_update) and Mamba-2 /
 * Bamba `ssdScan` (kernels/ssd_state_update) — against the CPU ops, and the chunked versions against the
 * sequential ones they replace (run on a machine with an NVIDIA GPU, after `npm run build:cuda`):
 *   deno run -A tests/kernels/cuda/check-scans.ts [--out results.json]
 * Correctness: seeded random inputs with a nonzero initial state, n ∈ {1, 2, 7, 63, 64, 65, 130, 1000, 4113}
 * (4113 = 4096 + 17 runs as two windows: the state carried between them), through the engine's path (Ops: the
 * launcher plans by n) and through the launcher with each version forced (sequential; chunks of 1, 16, 100 and
 * 256 tokens, so chunk and tile edges fall everywhere). Shapes: Mamba-1.4B (d 4096, s 16) and Bamba-1B (h 64,
 * p 64, s 128, g 1), and small ragged ones (s ∉ 4ℤ, s > 64, p > 64, g > 1), each with fast-forgetting and
 * slow-forgetting states (the slow ones carry across many chunks). y and the final state each within 1e-4 of the
 * CPU as ‖gpu − cpu‖ / ‖cpu‖ — the f32 bar the issue sets for logits; the CPU sums in f64 and the chunked GPU
 * versions reorder f32 sums, which costs ~1e-6 here. Forced versions that cannot run must be refused.
 * Speed: sequential vs chunked at the two real shapes, n = 16 … 4096, as the mean over repeated launches between
 * two stream syncs; at n = 4096 the chunked version must be faster. One PASS/FAIL line per check, a TIME line per
 * timing, JSON with --out, exit 1 on any failure.
 * Options: the scans apply them in their own kernels (Mamba-1 softplus(Δ) and the z gate; SSD dt bias, softplus
 * and limit), checked against the CPU ops composing them, on the engine's path and each forced version.
 */
import { writeFile } from "node:fs/promises";
import { cpuOps } from "../../../src/engine/backends/cpu/index.ts";
import { openCudaLibrary } from "../../../src/engine/backends/cuda/cuda-library.ts";
import { createCudaOps, type CudaTensor } from "../../../src/engine/backends/cuda/index.ts";
import { storedF32, type HostTensor, type Tensor } from "../../../src/engine/tensor.ts";
import { relErr } from "../support/model-checks.ts";
import { clone, randomTensor, rng } from "../support/random.ts";

const LENGTHS = [1, 2, 7, 63, 64, 65, 130, 1000, 4096 + 17];
const LIMIT = 1e-4;
/** launcher `chunk` arguments: −1 forces the sequential version, > 0 the chunked one with chunks of that length */
const FORCED = [-1, 1, 16, 100, 256];
const TIMED = [16, 32, 64, 128, 256, 1024, 4096];

interface Check {
  op: string;
  check: string;
  value: number | string;
  limit: number | string;
  pass: boolean;
}
interface Timing {
  op: string;
  n: number;
  version: string;
  ms: number;
}
const results: Check[] = [];
const timings: Timing[] = [];
function record(op: string, check: string, value: number | string, limit: number | string, pass: boolean): void {
  results.push({ op, check, value, limit, pass });
  const v = typeof value === "number" ? value.toExponential(2) : value;
  console.log(`${pass ? "PASS" : "FAIL"} ${op.padEnd(34)} ${check.padEnd(40)} ${v} (limit ${limit})`);
}

const cuda = createCudaOps();
const lib = openCudaLibrary(cuda.info.library);
const up = (t: HostTensor): CudaTensor => cuda.weight(storedF32(t), "vector") as CudaTensor;
const buffer = (floats: number): number => (floats > 0 ? (cuda.zeros([floats]) as CudaTensor).ptr : 0);
const versionName = (chunk: number) => (chunk === 0 ? "engine (planned)" : chunk < 0 ? "sequential" : `chunks of ${chunk}`);

/** Runs one version on the device; the outputs as host arrays, or the error that stopped it. */
async function runOn(run: () => { y: Tensor; state: Tensor } | string): Promise<{ y: Float32Array; state: Float32Array } | string> {
  try {
    const r = run();
    return typeof r === "string" ? r : { y: await cuda.read(r.y), state: await cuda.read(r.state) };
  } catch (e) {
    return (e as Error).message;
  }
}

function compare(op: string, version: string, got: { y: Float32Array; state: Float32Array } | string, want: { y: HostTensor; state: HostTensor }): void {
  if (typeof got === "string") {
    record(op, version, got, "runs", false);
    return;
  }
  const ey = relErr(got.y, want.y.data);
  const es = relErr(got.state, want.state.data);
  record(op, `${version}: y`, ey, LIMIT, ey <= LIMIT);
  record(op, `${version}: final state`, es, LIMIT, es <= LIMIT);
}

// ── Mamba-1 ──────────────────────────────────────────────────────────────────────────────────────────────────
type Regime = "fast" | "slow";
/** fast: states forget within a few tokens; slow: Δ·A small, so a state carries across many chunks */
const M1_RANGES: Record<Regime, { delta: [number, number]; A: [number, number] }> = {
  fast: { delta: [0.01, 1], A: [-8, -0.5] },
  slow: { delta: [0.001, 0.05], A: [-0.5, -0.01] },
};

interface M1Inputs {
  u: HostTensor;
  delta: HostTensor;
  A: HostTensor;
  B: HostTensor;
  C: HostTensor;
  D: HostTensor;
  state: HostTensor;
}

function m1Inputs(seed: number, n: number, d: number, s: number, regime: Regime): M1Inputs {
  const next = rng(seed);
  const r = M1_RANGES[regime];
  return {
    u: randomTensor(next, [n, d]),
    delta: randomTensor(next, [n, d], ...r.delta),
    A: randomTensor(next, [d, s], ...r.A),
    B: randomTensor(next, [n, s]),
    C: randomTensor(next, [n, s]),
    D: randomTensor(next, [d]),
    state: randomTensor(next, [d, s]),
  };
}

/** The Mamba-1 options as the launcher takes them: softplus(Δ), and the z gate [n, d] (or none). */
interface M1Options {
  deltaSoftplus: boolean;
  z: CudaTensor | null;
}
const NO_M1_OPTIONS: M1Options = { deltaSoftplus: false, z: null };

/** chunk 0: through Ops (the engine's path); otherwise the launcher with that version forced */
function m1Run(g: Record<keyof M1Inputs, CudaTensor>, state0: HostTensor, n: number, d: number, s: number, chunk: number, opts = NO_M1_OPTIONS): { y: Tensor; state: Tensor } | string {
  const state = up(clone(state0));
  if (chunk === 0) {
    cuda.beginStep();
    return { y: cuda.selectiveScan(g.u, g.delta, g.A, g.B, g.C, g.D, state, { deltaSoftplus: opts.deltaSoftplus, z: opts.z ?? undefined }), state };
  }
  const floats = lib.call.sy_selective_scan_scratch_floats(n, d, s, chunk);
  if (floats < 0) return `scratch count ${floats}`;
  const y = cuda.zeros([n, d]) as CudaTensor;
  const code = lib.call.sy_selective_scan(g.u.ptr, g.delta.ptr, g.A.ptr, g.B.ptr, g.C.ptr, g.D.ptr, state.ptr, y.ptr, buffer(floats), n, d, s, chunk, opts.deltaSoftplus ? 1 : 0, opts.z?.ptr ?? 0);
  lib.check(`sy_selective_scan (chunk ${chunk})`, code);
  return { y, state };
}

async function checkMamba1(): Promise<void> {
  const shapes: { name: string; d: number; s: number; lengths: number[]; regimes: Regime[] }[] = [
    { name: "mamba-1.4b", d: 4096, s: 16, lengths: LENGTHS, regimes: ["fast", "slow"] },
    { name: "small", d: 33, s: 16, lengths: LENGTHS, regimes: ["fast", "slow"] },
    { name: "ragged s", d: 130, s: 5, lengths: LENGTHS, regimes: ["fast", "slow"] },
    { name: "2 lanes per channel", d: 64, s: 24, lengths: LENGTHS, regimes: ["fast"] },
    { name: "4 lanes per channel", d: 40, s: 64, lengths: LENGTHS, regimes: ["slow"] },
    { name: "s > 64 (sequential only)", d: 20, s: 80, lengths: [1, 65, 1000], regimes: ["fast"] },
  ];
  let seed = 100;
  for (const { name, d, s, lengths, regimes } of shapes) {
    for (const regime of regimes) {
      for (const n of lengths) {
        // the slow regime at the real shape costs CPU time; its long lengths are what it is for
        if (name === "mamba-1.4b" && regime === "slow" && n < 1000) continue;
        const inp = m1Inputs(seed++, n, d, s, regime);
        const cpuState = clone(inp.state);
        const yCpu = cpuOps.selectiveScan(inp.u, inp.delta, inp.A, inp.B, inp.C, inp.D, cpuState);
        const want = { y: yCpu as HostTensor, state: cpuState };
        const g = Object.fromEntries(Object.entries(inp).map(([k, t]) => [k, up(t)])) as Record<keyof M1Inputs, CudaTensor>;
        const op = `selectiveScan ${name} d=${d} s=${s} ${regime}`;
        for (const chunk of [0, ...FORCED]) {
          if (chunk === 1 && n > 130) continue; // one-token chunks: edges, not speed
          const version = `n=${n} ${versionName(chunk)}`;
          if (s > 64 && chunk > 0) {
            const code = lib.call.sy_selective_scan(g.u.ptr, g.delta.ptr, g.A.ptr, g.B.ptr, g.C.ptr, g.D.ptr, up(clone(inp.state)).ptr, (cuda.zeros([n, d]) as CudaTensor).ptr, 0, n, d, s, chunk, 0, 0);
            record(op, `${version} refused (s > 64)`, `code ${code}`, "nonzero", code !== 0);
            continue;
          }
          compare(op, version, await runOn(() => m1Run(g, inp.state, n, d, s, chunk)), want);
        }
      }
    }
  }
  const g = Object.fromEntries(Object.entries(m1Inputs(1, 64, 8, 16, "fast")).map(([k, t]) => [k, up(t)])) as Record<keyof M1Inputs, CudaTensor>;
  const code = lib.call.sy_selective_scan(g.u.ptr, g.delta.ptr, g.A.ptr, g.B.ptr, g.C.ptr, g.D.ptr, g.state.ptr, (cuda.zeros([64, 8]) as CudaTensor).ptr, buffer(1 << 16), 64, 8, 16, 300, 0, 0);
  record("selectiveScan", "chunks of 300 (> 256) refused", `code ${code}`, "nonzero", code !== 0);
}

/** softplus(Δ) and the z gate inside the kernels, against the CPU op composing them (raw Δ around 0, as dt_proj gives it). */
async function checkMamba1Options(): Promise<void> {
  const shapes = [
    { name: "mamba-1.4b", d: 4096, s: 16 },
    { name: "ragged s", d: 130, s: 5 },
    { name: "4 lanes per channel", d: 40, s: 64 },
  ];
  let seed = 300;
  for (const { name, d, s } of shapes) {
    for (const n of [1, 7, 65, 1000]) {
      const inp = m1Inputs(seed++, n, d, s, "fast");
      const next = rng(seed++);
      inp.delta = randomTensor(next, [n, d], -4, 1);
      const z = randomTensor(next, [n, d], -3, 3);
      for (const gate of [false, true]) {
        const cpuState = clone(inp.state);
        const yCpu = cpuOps.selectiveScan(inp.u, inp.delta, inp.A, inp.B, inp.C, inp.D, cpuState, { deltaSoftplus: true, z: gate ? z : undefined });
        const want = { y: yCpu as HostTensor, state: cpuState };
        const g = Object.fromEntries(Object.entries(inp).map(([k, t]) => [k, up(t)])) as Record<keyof M1Inputs, CudaTensor>;
        const opts = { deltaSoftplus: true, z: gate ? up(z) : null };
        const op = `selectiveScan options ${name} d=${d} s=${s}`;
        for (const chunk of [0, -1, 16, 256]) {
          compare(op, `n=${n} softplus${gate ? " + z" : ""} ${versionName(chunk)}`, await runOn(() => m1Run(g, inp.state, n, d, s, chunk, opts)), want);
        }
      }
    }
  }
}

// ── SSD ──────────────────────────────────────────────────────────────────────────────────────────────────────
const SSD_RANGES: Record<Regime, { dt: [number, number]; A: [number, number] }> = {
  fast: { dt: [0.01, 1], A: [-2, -0.1] },
  slow: { dt: [0.001, 0.1], A: [-0.2, -0.01] },
};

interface SsdInputs {
  x: HostTensor;
  dt: HostTensor;
  A: HostTensor;
  B: HostTensor;
  C: HostTensor;
  D: HostTensor;
  state: HostTensor;
}

function ssdInputs(seed: number, n: number, h: number, p: number, s: number, g: number, regime: Regime): SsdInputs {
  const next = rng(seed);
  const r = SSD_RANGES[regime];
  return {
    x: randomTensor(next, [n, h, p]),
    dt: randomTensor(next, [n, h], ...r.dt),
    A: randomTensor(next, [h], ...r.A),
    B: randomTensor(next, [n, g, s]),
    C: randomTensor(next, [n, g, s]),
    D: randomTensor(next, [h]),
    state: randomTensor(next, [h, p, s]),
  };
}

/** The SSD's dt options as the launcher takes them: a bias [h] (or none), softplus, and the limit. */
interface SsdOptions {
  dtBias: CudaTensor | null;
  dtSoftplus: boolean;
  dtLimit: readonly [number, number];
}
const NO_SSD_OPTIONS: SsdOptions = { dtBias: null, dtSoftplus: false, dtLimit: [-Infinity, Infinity] };

function ssdRun(t: Record<keyof SsdInputs, CudaTensor>, state0: HostTensor, n: number, h: number, p: number, s: number, g: number, chunk: number, opts = NO_SSD_OPTIONS): { y: Tensor; state: Tensor } | string {
  const state = up(clone(state0));
  if (chunk === 0) {
    cuda.beginStep();
    const o = opts === NO_SSD_OPTIONS ? undefined : { dtBias: opts.dtBias ?? undefined, dtSoftplus: opts.dtSoftplus, dtLimit: opts.dtLimit };
    return { y: cuda.ssdScan(t.x, t.dt, t.A, t.B, t.C, t.D, state, o), state };
  }
  const floats = lib.call.sy_ssd_scan_scratch_floats(n, h, p, s, g, chunk);
  if (floats < 0) return `scratch count ${floats}`;
  const y = cuda.zeros([n, h * p]) as CudaTensor;
  const [lo, hi] = opts.dtLimit;
  const code = lib.call.sy_ssd_scan(t.x.ptr, t.dt.ptr, t.A.ptr, t.B.ptr, t.C.ptr, t.D.ptr, state.ptr, y.ptr, buffer(floats), n, h, p, s, g, chunk, opts.dtBias?.ptr ?? 0, opts.dtSoftplus ? 1 : 0, lo, hi);
  lib.check(`sy_ssd_scan (chunk ${chunk})`, code);
  return { y, state };
}

async function checkSsd(): Promise<void> {
  const shapes: { name: string; h: number; p: number; s: number; g: number; lengths: number[]; regimes: Regime[] }[] = [
    { name: "bamba-1b", h: 64, p: 64, s: 128, g: 1, lengths: LENGTHS, regimes: ["fast", "slow"] },
    { name: "groups", h: 8, p: 16, s: 16, g: 2, lengths: LENGTHS, regimes: ["fast", "slow"] },
    { name: "ragged", h: 3, p: 5, s: 7, g: 1, lengths: LENGTHS, regimes: ["fast", "slow"] },
    { name: "p, s > 64", h: 4, p: 80, s: 72, g: 2, lengths: LENGTHS, regimes: ["fast"] },
    { name: "3 groups, s 128", h: 6, p: 64, s: 128, g: 3, lengths: LENGTHS, regimes: ["slow"] },
  ];
  let seed = 500;
  for (const { name, h, p, s, g, lengths, regimes } of shapes) {
    for (const regime of regimes) {
      for (const n of lengths) {
        if (name === "bamba-1b" && regime === "slow" && n < 1000) continue;
        const inp = ssdInputs(seed++, n, h, p, s, g, regime);
        const cpuState = clone(inp.state);
        const yCpu = cpuOps.ssdScan(inp.x, inp.dt, inp.A, inp.B, inp.C, inp.D, cpuState);
        const want = { y: yCpu as HostTensor, state: cpuState };
        const t = Object.fromEntries(Object.entries(inp).map(([k, v]) => [k, up(v)])) as Record<keyof SsdInputs, CudaTensor>;
        const op = `ssdScan ${name} h=${h} p=${p} s=${s} g=${g} ${regime}`;
        for (const chunk of [0, ...FORCED]) {
          if (chunk === 1 && n > 130) continue;
          compare(op, `n=${n} ${versionName(chunk)}`, await runOn(() => ssdRun(t, inp.state, n, h, p, s, g, chunk)), want);
        }
      }
    }
  }
  const t = Object.fromEntries(Object.entries(ssdInputs(2, 64, 2, 4, 8, 1, "fast")).map(([k, v]) => [k, up(v)])) as Record<keyof SsdInputs, CudaTensor>;
  const code = lib.call.sy_ssd_scan(t.x.ptr, t.dt.ptr, t.A.ptr, t.B.ptr, t.C.ptr, t.D.ptr, t.state.ptr, (cuda.zeros([64, 8]) as CudaTensor).ptr, buffer(1 << 16), 64, 2, 4, 8, 1, 300, 0, 0, -Infinity, Infinity);
  record("ssdScan", "chunks of 300 (> 256) refused", `code ${code}`, "nonzero", code !== 0);
}

/** dt + bias, softplus and the limit inside the kernels, against the CPU op composing them (raw dt around 0). */
async function checkSsdOptions(): Promise<void> {
  const shapes = [
    { name: "bamba-1b", h: 64, p: 64, s: 128, g: 1 },
    { name: "groups", h: 8, p: 16, s: 16, g: 2 },
    { name: "ragged", h: 3, p: 5, s: 7, g: 1 },
  ];
  // each option alone, then all three (Bamba's time_step_limit is (0, ∞); a finite one is checked too)
  const variants: { name: string; bias: boolean; softplus: boolean; limit: readonly [number, number] }[] = [
    { name: "bias", bias: true, softplus: false, limit: [-Infinity, Infinity] },
    { name: "softplus", bias: false, softplus: true, limit: [-Infinity, Infinity] },
    { name: "limit", bias: false, softplus: false, limit: [0.05, 0.6] },
    { name: "bias + softplus + limit", bias: true, softplus: true, limit: [0, 0.8] },
  ];
  let seed = 700;
  for (const { name, h, p, s, g } of shapes) {
    for (const n of [1, 7, 65, 1000]) {
      const inp = ssdInputs(seed++, n, h, p, s, g, "fast");
      const next = rng(seed++);
      inp.dt = randomTensor(next, [n, h], -3, 1);
      const bias = randomTensor(next, [h], -1, 1);
      for (const v of variants) {
        const cpuState = clone(inp.state);
        const opts = { dtBias: v.bias ? bias : undefined, dtSoftplus: v.softplus, dtLimit: v.limit };
        const yCpu = cpuOps.ssdScan(inp.x, inp.dt, inp.A, inp.B, inp.C, inp.D, cpuState, opts);
        const want = { y: yCpu as HostTensor, state: cpuState };
        const t = Object.fromEntries(Object.entries(inp).map(([k, x]) => [k, up(x)])) as Record<keyof SsdInputs, CudaTensor>;
        const gpuOpts: SsdOptions = { dtBias: v.bias ? up(bias) : null, dtSoftplus: v.softplus, dtLimit: v.limit };
        const op = `ssdScan options ${name} h=${h} p=${p} s=${s} g=${g}`;
        for (const chunk of [0, -1, 16, 256]) {
          compare(op, `n=${n} ${v.name} ${versionName(chunk)}`, await runOn(() => ssdRun(t, inp.state, n, h, p, s, g, chunk, gpuOpts)), want);
        }
      }
    }
  }
}

// ── speed ────────────────────────────────────────────────────────────────────────────────────────────────────
/** Mean ms of one launch: one warm-up, then enough launches for ~200 ms, between two stream syncs. */
function timeMs(launch: () => number): number {
  const sync = () => lib.check("sy_synchronize", lib.call.sy_synchronize());
  lib.check("launch", launch());
  sync();
  let t0 = performance.now();
  lib.check("launch", launch());
  sync();
  const reps = Math.max(3, Math.min(500, Math.ceil(200 / Math.max(performance.now() - t0, 1e-3))));
  t0 = performance.now();
  for (let i = 0; i < reps; i++) lib.check("launch", launch());
  sync();
  return (performance.now() - t0) / reps;
}

function timeScans(): void {
  const nMax = Math.max(...TIMED);
  const m = Object.fromEntries(Object.entries(m1Inputs(7, nMax, 4096, 16, "fast")).map(([k, t]) => [k, up(t)])) as Record<keyof M1Inputs, CudaTensor>;
  const b = Object.fromEntries(Object.entries(ssdInputs(8, nMax, 64, 64, 128, 1, "fast")).map(([k, t]) => [k, up(t)])) as Record<keyof SsdInputs, CudaTensor>;
  const my = (cuda.zeros([nMax, 4096]) as CudaTensor).ptr;
  const by = (cuda.zeros([nMax, 64 * 64]) as CudaTensor).ptr;
  const cases = [
    {
      op: "selectiveScan mamba-1.4b d=4096 s=16",
      scratch: (n: number, chunk: number) => lib.call.sy_selective_scan_scratch_floats(n, 4096, 16, chunk),
      launch: (n: number, chunk: number, scratch: number) => () =>
        lib.call.sy_selective_scan(m.u.ptr, m.delta.ptr, m.A.ptr, m.B.ptr, m.C.ptr, m.D.ptr, m.state.ptr, my, scratch, n, 4096, 16, chunk, 0, 0),
      sweep: [16, 32, 64, 128, 256],
    },
    {
      op: "ssdScan bamba-1b h=64 p=64 s=128 g=1",
      scratch: (n: number, chunk: number) => lib.call.sy_ssd_scan_scratch_floats(n, 64, 64, 128, 1, chunk),
      launch: (n: number, chunk: number, scratch: number) => () =>
        lib.call.sy_ssd_scan(b.x.ptr, b.dt.ptr, b.A.ptr, b.B.ptr, b.C.ptr, b.D.ptr, b.state.ptr, by, scratch, n, 64, 64, 128, 1, chunk, 0, 0, -Infinity, Infinity),
      sweep: [64, 128, 256],
    },
  ];
  for (const c of cases) {
    for (const n of TIMED) {
      const chunks = [-1, 0, ...(n >= 1024 ? c.sweep : [])];
      const ms = new Map<number, number>();
      for (const chunk of chunks) {
        const floats = c.scratch(n, chunk);
        const t = timeMs(c.launch(n, chunk, buffer(floats)));
        ms.set(chunk, t);
        timings.push({ op: c.op, n, version: versionName(chunk), ms: t });
      }
      const seq = ms.get(-1)!;
      const line = chunks.filter((k) => k !== -1).map((k) => `${versionName(k)} ${ms.get(k)!.toFixed(3)} ms (${(seq / ms.get(k)!).toFixed(1)}×)`).join(", ");
      console.log(`TIME ${c.op.padEnd(38)} n=${String(n).padEnd(5)} sequential ${seq.toFixed(3)} ms; ${line}`);
      if (n === 4096) {
        const ratio = seq / ms.get(0)!;
        record(c.op, "n=4096 sequential ÷ engine (chunked) time", ratio, "> 1", ratio > 1);
      }
    }
  }
}

async function main(): Promise<void> {
  const outFlag = Deno.args.indexOf("--out");
  console.log(`device: ${cuda.info.device}`);
  await checkMamba1();
  await checkMamba1Options();
  await checkSsd();
  await checkSsdOptions();
  timeScans();
  const failed = results.filter((r) => !r.pass).length;
  console.log(`${results.length - failed} passed, ${failed} failed`);
  if (outFlag >= 0) await writeFile(Deno.args[outFlag + 1]!, JSON.stringify({ device: cuda.info, results, timings }, null, 2));
  if (failed > 0) Deno.exit(1);
}

declare const Deno: { args: string[]; exit(code: number): never };
await main();
