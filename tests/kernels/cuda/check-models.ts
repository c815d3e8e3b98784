/**
 * Every reference architecture end to end on the CUDA backend against the CPU backend and the committed HF
 * references (run on a machine with an NVIDIA GPU, after `npm run build:cuda`):
 *   deno run -A tests/kernels/cuda/check-models.ts [--out results.json]
 * In f32: logits within 1e-4 relative of the CPU's (and of HF's), the same greedy tokens through device decode
 * steps (CUDA graphs), and the same mean NLL within 1e-4 relative. In bf16 (matrices narrowed from the f32
 * fixture): mean NLL within 2e-2 of the f32 CPU reference, and the same top-1 token at ≥ 99% of positions.
 * A fixture stored in bf16 (llama-bf16) is computed from its bf16 matrices on the GPU, so the bf16 limits apply to
 * it: NLL within 2e-2, top-1 agreement ≥ 99% (and logits within 1e-2 relative). Ragged shapes: prompts of 1, 2, 7, 63, 65 and 130 tokens (not multiples of any chunk), decode across the
 * Mamba-2 chunk size, n_groups > 1 (the mamba2 fixture). Prints one line per check and exits 1 on any failure.
 */
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { cpuOps } from "../../../src/engine/backends/cpu/index.ts";
import { createCudaOps } from "../../../src/engine/backends/cuda/index.ts";
import { narrowToBf16 } from "../../../src/engine/checkpoint/half-float.ts";
import { loadCheckpoint } from "../../../src/engine/checkpoint/load-checkpoint.ts";
import type { TensorStore } from "../../../src/engine/checkpoint/tensor-store.ts";
import type { CausalLM } from "../../../src/engine/models/causal-lm.ts";
import { createModel } from "../../../src/engine/models/registry.ts";
import { scoreSequence } from "../../../src/engine/score.ts";
import { seededRandom } from "../../../src/engine/seeded-random.ts";
import { allLogits, greedy, relErr } from "../support/model-checks.ts";

const FIXTURES = join(import.meta.dirname!, "../../fixtures/reference");
const ARCHS = ["mamba", "mamba2", "llama", "llama-rope-llama3", "llama-partial-rotary", "llama-bf16", "bamba", "jamba"];
const RAGGED = [1, 2, 7, 63, 65, 130];
const DECODE = 24;

interface Check {
  arch: string;
  check: string;
  value: number | string;
  limit: number | string;
  pass: boolean;
}
const results: Check[] = [];
function record(arch: string, check: string, value: number | string, limit: number | string, pass: boolean): void {
  results.push({ arch, check, value, limit, pass });
  const v = typeof value === "number" ? value.toExponential(2) : value;
  console.log(`${pass ? "PASS" : "FAIL"} ${arch.padEnd(22)} ${check.padEnd(34)} ${v} (limit ${limit})`);
}

/** The store with every matrix (rank ≥ 2) narrowed to bf16 words, as a bf16 checkpoint would hold it. */
function asBf16(store: TensorStore): TensorStore {
  return {
    ...store,
    getStored(name, expect) {
      const t = store.getStored(name, expect);
      if (t.shape.length < 2 || t.dtype !== "F32") return t;
      return { shape: t.shape, dtype: "BF16", values: narrowToBf16(t.values as Float32Array) };
    },
  };
}

async function main(): Promise<void> {
  const outFlag = Deno.args.indexOf("--out");
  const cuda = createCudaOps();
  console.log(`device: ${cuda.info.device}, GEMM: ${cuda.info.gemm}`);
  for (const arch of ARCHS) {
    const dir = join(FIXTURES, arch);
    const { config, tensors } = await loadCheckpoint(dir);
    const ref = JSON.parse(await readFile(join(dir, "reference.json"), "utf8")) as { input_ids: number[]; logits: number[][]; mean_nll: number; greedy: { prompt_ids: number[]; new_ids: number[] } };
    const cpu = createModel({ config, tensors }, cpuOps);
    const gpu = createModel({ config, tensors }, cuda);
    const V = cpu.facts.vocabSize;
    const half = tensors.names().some((n) => tensors.getStored(n).dtype !== "F32");
    const tol = half ? 1e-2 : 1e-4;
    // logits of every position, one forward (prefill path) — HF's, the CPU's and ours
    const mine = await (async () => {
      const state = gpu.newState(ref.input_ids.length);
      return gpu.ops.read(gpu.forward(ref.input_ids, state, { allLogits: true }));
    })();
    const theirs = await cpu.ops.read(cpu.forward(ref.input_ids, cpu.newState(ref.input_ids.length), { allLogits: true }));
    const mode = half ? "stored-bf16" : "f32";
    record(arch, `${mode} logits vs CPU`, relErr(mine, theirs), tol, relErr(mine, theirs) <= tol);
    const hf = ref.logits.flat();
    record(arch, `${mode} logits vs HF`, relErr(mine, hf), tol, relErr(mine, hf) <= tol);
    const nllGpu = (await scoreSequence(gpu, ref.input_ids, String)).meanNll;
    const nllCpu = (await scoreSequence(cpu, ref.input_ids, String)).meanNll;
    if (half) record(arch, `${mode} mean NLL − CPU`, Math.abs(nllGpu - nllCpu), 2e-2, Math.abs(nllGpu - nllCpu) <= 2e-2);
    else record(arch, "f32 mean NLL vs CPU", Math.abs(nllGpu - nllCpu) / Math.abs(nllCpu), 1e-4, Math.abs(nllGpu - nllCpu) / Math.abs(nllCpu) <= 1e-4);
    const rand = seededRandom(7);
    if (!half) {
      const g = await greedy(gpu, ref.greedy.prompt_ids, ref.greedy.new_ids.length - 1);
      record(arch, "f32 greedy vs HF", g.join(","), ref.greedy.new_ids.join(","), g.join(",") === ref.greedy.new_ids.join(","));
      for (const n of RAGGED) {
        const prompt = Array.from({ length: n }, () => Math.floor(rand() * V));
        const a = await greedy(gpu, prompt, DECODE);
        const b = await greedy(cpu, prompt, DECODE);
        record(arch, `f32 greedy, ${n}-token prompt`, a.join(",") === b.join(",") ? "same" : `${a.slice(0, 8)} vs ${b.slice(0, 8)}`, "same", a.join(",") === b.join(","));
        const la = await allLogits(gpu, prompt);
        const lb = await allLogits(cpu, prompt);
        record(arch, `f32 logits, ${n}-token prompt`, relErr(la, lb), 1e-4, relErr(la, lb) <= 1e-4);
      }
    }
    // bf16: the same checkpoint with its matrices narrowed
    const narrowed = createModel({ config, tensors: asBf16(tensors) }, cuda);
    const text = Array.from({ length: 200 }, () => Math.floor(rand() * V));
    const nllHalf = (await scoreSequence(narrowed, text, String)).meanNll;
    const nllRef = (await scoreSequence(cpu, text, String)).meanNll;
    record(arch, "bf16 mean NLL − f32 CPU", Math.abs(nllHalf - nllRef), 2e-2, Math.abs(nllHalf - nllRef) <= 2e-2);
    const lh = await allLogits(narrowed, text);
    const lc = await allLogits(cpu, text);
    let same = 0;
    for (let i = 0; i < text.length; i++) {
      let ah = 0;
      let ac = 0;
      for (let j = 1; j < V; j++) {
        if (lh[i * V + j]! > lh[i * V + ah]!) ah = j;
        if (lc[i * V + j]! > lc[i * V + ac]!) ac = j;
      }
      if (ah === ac) same += 1;
    }
    record(arch, "bf16 top-1 agreement", same / text.length, 0.99, same / text.length >= 0.99);
  }
  const failed = results.filter((r) => !r.pass).length;
  console.log(`${results.length - failed} passed, ${failed} failed`);
  if (outFlag >= 0) await writeFile(Deno.args[outFlag + 1]!, JSON.stringify({ device: cuda.info, results }, null, 2));
  if (failed > 0) Deno.exit(1);
}

declare const Deno: { args: string[]; exit(code: number): never };
await main();
