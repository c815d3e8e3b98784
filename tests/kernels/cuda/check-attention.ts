/**
 * The CUDA attention op (kernels/attention) against the CPU op, every version, then the prefill kernels timed side
 * by side (run on a machine with an NVIDIA GPU, after `npm run build:cuda`):
 *   deno run -A tests/kernels/cuda/check-attention.ts [--out results.json]
 * f32 cache (f32 models: split decode and tiled prefill): ‖gpu − cpu‖ / ‖cpu‖ ≤ 1e-5. bf16 cache (half models:
 * split decode and flash prefill on the tensor cores): the CPU op runs on the same bf16-rounded q, k and v, so what
 * is left is P rounded to bf16 before P·V (2⁻⁹ relative per weight, averaging out over keys): ≤ 1e-2, where a
 * fragment or masking mistake shows as O(1). Ragged shapes: queries not a multiple of the 64-query block or the
 * 16-query warp, a cache already holding tokens (pos > 0), GQA ratios 1, 3 and 4, every head dim the flash kernel
 * takes. Prints one line per check and exits 1 on any failure.
 */
import { writeFile } from "node:fs/promises";
import { cpuOps } from "../../../src/engine/backends/cpu/index.ts";
import { createCudaOps } from "../../../src/engine/backends/cuda/index.ts";
import { narrowToBf16, widenBf16 } from "../../../src/engine/checkpoint/half-float.ts";
import { storedF32, tensor, type HostTensor, type Tensor } from "../../../src/engine/tensor.ts";
import { relErr } from "../support/model-checks.ts";
import { randomTensor, rng } from "../support/random.ts";

const cuda = createCudaOps();
console.log(`device: ${cuda.info.device}`);
const results: { check: string; value: number; limit: number; pass: boolean }[] = [];
const timings: { n: number; h: number; kvh: number; hd: number; flashMs: number; tiledMs: number; flashTflops: number }[] = [];

const up = (t: HostTensor): Tensor => cuda.weight(storedF32(t), "vector");
const bf16Round = (t: HostTensor): HostTensor => tensor(t.shape, widenBf16(narrowToBf16(t.data)));
/** A one-element bf16 matrix: as a layer's key projection it makes the CUDA backend keep that layer's cache in bf16. */
const halfProjection = (): Tensor => cuda.weight({ shape: [1, 1], dtype: "BF16", values: narrowToBf16(new Float32Array([1])) }, "matrix");

function record(check: string, value: number, limit: number): void {
  const pass = value <= limit;
  results.push({ check, value, limit, pass });
  console.log(`${pass ? "PASS" : "FAIL"} ${check.padEnd(52)} ${value.toExponential(2)} (limit ${limit})`);
}

/** n queries at positions p0 … p0+n−1 over a cache that already holds p0 tokens; both backends from the same inputs. */
async function check(n: number, p0: number, h: number, kvh: number, hd: number, half: boolean): Promise<void> {
  const next = rng(n * 131 + p0 * 17 + h * 7 + kvh * 5 + hd * 3 + (half ? 1 : 0));
  const t = p0 + n;
  let keys = randomTensor(next, [t, kvh * hd], -2, 2);
  let values = randomTensor(next, [t, kvh * hd]);
  let q = randomTensor(next, [n, h, hd], -2, 2);
  if (half) [keys, values, q] = [bf16Round(keys), bf16Round(values), bf16Round(q)];
  const scale = 1 / Math.sqrt(hd);
  const capacity = t + 5;

  const cpuCache = cpuOps.newKvCache(kvh, hd, capacity);
  const cpuPos = cpuOps.newPosition();
  if (p0 > 0) cpuOps.kvAppend(cpuCache, cpuOps.rows(keys, 0, p0), cpuOps.rows(values, 0, p0), cpuPos);
  cpuOps.advance(cpuPos, p0);
  cpuOps.kvAppend(cpuCache, cpuOps.rows(keys, p0, n), cpuOps.rows(values, p0, n), cpuPos);
  const want = cpuOps.attention(q, cpuCache, cpuPos, scale) as HostTensor;

  cuda.beginStep();
  const cache = cuda.newKvCache(kvh, hd, capacity, half ? halfProjection() : undefined);
  const pos = cuda.newPosition();
  const [gk, gv] = [up(keys), up(values)];
  if (p0 > 0) cuda.kvAppend(cache, cuda.rows(gk, 0, p0), cuda.rows(gv, 0, p0), pos);
  cuda.advance(pos, p0);
  cuda.kvAppend(cache, cuda.rows(gk, p0, n), cuda.rows(gv, p0, n), pos);
  const got = await cuda.read(cuda.attention(up(q), cache, pos, scale));
  const version = n <= 16 ? "split" : half ? "flash" : "tiled";
  record(`${version} ${half ? "bf16" : "f32"} n=${n} pos=${p0} h=${h}/${kvh} hd=${hd}`, relErr(got, want.data), half ? 1e-2 : 1e-5);
}

/** Mean ms of one prefill attention over n tokens (after a warm-up), with the cache in bf16 (flash) or f32 (tiled). */
async function time(n: number, h: number, kvh: number, hd: number, half: boolean, reps: number): Promise<number> {
  const next = rng(n + hd);
  cuda.beginStep();
  const cache = cuda.newKvCache(kvh, hd, n, half ? halfProjection() : undefined);
  const pos = cuda.newPosition();
  cuda.kvAppend(cache, up(randomTensor(next, [n, kvh * hd], -2, 2)), up(randomTensor(next, [n, kvh * hd])), pos);
  const q = up(randomTensor(next, [n, h, hd], -2, 2));
  const scale = 1 / Math.sqrt(hd);
  cuda.attention(q, cache, pos, scale);
  await cuda.read(pos);
  const start = performance.now();
  for (let i = 0; i < reps; i++) {
    cuda.beginStep();
    cuda.attention(q, cache, pos, scale);
  }
  await cuda.read(pos);
  return (performance.now() - start) / reps;
}

async function main(): Promise<void> {
  for (const half of [false, true]) {
    for (const [h, kvh] of [[4, 4], [9, 3], [32, 8]] as const) {
      for (const hd of half ? [32, 64, 96, 128] : [64, 80]) {
        for (const [n, p0] of [[1, 0], [1, 300], [7, 40], [16, 0], [17, 0], [63, 0], [64, 0], [65, 3], [130, 0], [200, 77], [1000, 0]] as const) {
          await check(n, p0, h, kvh, hd, half);
        }
      }
    }
  }
  await check(1, 2999, 32, 8, 64, true);
  await check(4096, 0, 32, 8, 64, true);
  await check(2048, 1000, 32, 8, 128, true);
  for (const n of [1024, 4096, 16384]) {
    for (const [h, kvh, hd] of [[32, 8, 64], [9, 3, 64], [32, 8, 128]] as const) {
      const reps = n >= 16384 ? 3 : 10;
      const flashMs = await time(n, h, kvh, hd, true, reps);
      const tiledMs = await time(n, h, kvh, hd, false, reps);
      const flashTflops = (2 * 2 * (n * n / 2) * hd * h) / (flashMs * 1e-3) / 1e12;
      timings.push({ n, h, kvh, hd, flashMs, tiledMs, flashTflops });
      console.log(`time n=${n} h=${h}/${kvh} hd=${hd}: flash ${flashMs.toFixed(3)} ms (${flashTflops.toFixed(0)} TFLOP/s causal), tiled f32 ${tiledMs.toFixed(3)} ms, ${(tiledMs / flashMs).toFixed(1)}×`);
    }
  }
  const outFlag = Deno.args.indexOf("--out");
  if (outFlag >= 0) await writeFile(Deno.args[outFlag + 1]!, JSON.stringify({ device: cuda.info.device, results, timings }, null, 2));
  const failed = results.filter((r) => !r.pass).length;
  console.log(`${results.length - failed} passed, ${failed} failed`);
  if (failed > 0) Deno.exit(1);
}

await main();

declare const Deno: { args: string[]; exit(code: number): never };
