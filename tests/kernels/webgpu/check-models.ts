/**
 * The reference architectures end to end on the WebGPU backend against the CPU backend (and the committed HF
 * logits), on the tiny HF checkpoints of tests/fixtures/reference. Prints one JSON line per check:
 * { op: arch, name, worst, ok } with worst = measured / limit (≤ 1 passes; exact checks 0 or Infinity).
 *
 *   deno run -A tests/kernels/webgpu/check-models.ts
 *
 * In f32: logits of every position within 1e-4 relative (‖gpu − cpu‖ / ‖cpu‖) for the 37 reference ids and a
 * ragged prompt (9 tokens; neither a multiple of any tile); the same greedy tokens through device decode steps
 * (model.step: sampled on the device, fed to the next step without the host) from 1- and 9-token prompts;
 * scoreSequence's mean NLL within 1e-4 relative. The f16 and bf16 checkpoints are compared with the CPU
 * computing from the same widened words. Also: a decode step records without submitting (one submit per step,
 * at the read), and generate() streams the CPU's tokens. The rope and dtype variants of Llama run a lighter set
 * (lavapipe runs the kernels on the host's cores: the sizes keep the whole file near 15 s there). Exits 2 when
 * no WebGPU adapter can be had.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { cpuOps } from "../../../src/engine/backends/cpu/index.ts";
import { createWebGpuOps, type WebGpuOps } from "../../../src/engine/backends/webgpu/webgpu-ops.ts";
import { loadCheckpoint } from "../../../src/engine/checkpoint/load-checkpoint.ts";
import { generate } from "../../../src/engine/generate.ts";
import type { CausalLM } from "../../../src/engine/models/causal-lm.ts";
import { createModel } from "../../../src/engine/models/registry.ts";
import { scoreSequence } from "../../../src/engine/score.ts";
import { seededRandom } from "../../../src/engine/seeded-random.ts";
import { createStopMatcher } from "../../../src/engine/stop-sequences.ts";
import { allLogits, greedy, relErr } from "../support/model-checks.ts";

const FIXTURES = join(import.meta.dirname!, "../../fixtures/reference");
/** Every check on these; the rest (rope and dtype variants of one graph) run logits, NLL and one greedy decode. */
const FULL = ["mamba", "mamba2", "llama", "bamba", "jamba"];
const ARCHS = [...FULL, "llama-partial-rotary", "llama-rope-llama3", "llama-f16", "llama-bf16"];
const DECODE = 8;

let gpu: WebGpuOps;
let packed: WebGpuOps;
try {
  gpu = await createWebGpuOps();
  packed = await createWebGpuOps({ f16: false });
} catch (e) {
  console.error(`no WebGPU: ${(e as Error).message}`);
  process.exit(2);
}
console.error(`adapter: ${gpu.adapterName}, native f16: ${gpu.nativeF16}`);
const outcomes: { ok: boolean }[] = [];

function emit(arch: string, name: string, worst: number): void {
  const o = { op: arch, name, worst, ok: worst <= 1 };
  outcomes.push(o);
  console.log(JSON.stringify(o));
}

/** Queue submits made while `body` runs. */
async function submitsDuring(ops: WebGpuOps, body: () => unknown): Promise<number> {
  const queue = ops.context.device.queue;
  const submit = queue.submit;
  let count = 0;
  queue.submit = (buffers) => {
    count += 1;
    submit.call(queue, buffers);
  };
  try {
    await body();
  } finally {
    queue.submit = submit;
  }
  return count;
}

for (const arch of ARCHS) {
  const dir = join(FIXTURES, arch);
  const { config, tensors, tokenizer } = await loadCheckpoint(dir);
  const ref = JSON.parse(await readFile(join(dir, "reference.json"), "utf8")) as { input_ids: number[]; logits: number[][] };
  const cpu = createModel({ config, tensors }, cpuOps);
  const mine = createModel({ config, tensors }, gpu);
  const V = cpu.facts.vocabSize;
  const want = await allLogits(cpu, ref.input_ids);
  const got = await allLogits(mine, ref.input_ids);
  emit(arch, `logits vs CPU, ${ref.input_ids.length} reference ids`, relErr(got, want) / 1e-4);
  if (!arch.endsWith("f16")) emit(arch, "logits vs HF", relErr(got, ref.logits.flat()) / 1e-4);
  if (arch === "llama-f16") {
    const other = createModel({ config, tensors }, packed);
    emit(arch, "logits vs CPU, f16 as packed words (no shader-f16)", relErr(await allLogits(other, ref.input_ids), want) / 1e-4);
  }
  const nllGpu = (await scoreSequence(mine, ref.input_ids, String, { chunkSize: 16 })).meanNll;
  const nllCpu = (await scoreSequence(cpu, ref.input_ids, String, { chunkSize: 16 })).meanNll;
  emit(arch, "scoreSequence mean NLL vs CPU (chunks of 16)", Math.abs(nllGpu - nllCpu) / Math.abs(nllCpu) / 1e-4);
  const rand = seededRandom(7);
  for (const n of FULL.includes(arch) ? [1, 9] : [9]) {
    const prompt = Array.from({ length: n }, () => Math.floor(rand() * V));
    if (n > 1) emit(arch, `logits vs CPU, ${n}-token prompt`, relErr(await allLogits(mine, prompt), await allLogits(cpu, prompt)) / 1e-4);
    const [a, b] = [await greedy(mine, prompt, DECODE), await greedy(cpu, prompt, DECODE)];
    if (a.join() !== b.join()) console.error(`${arch}: greedy ${a} vs ${b}`);
    emit(arch, `greedy decode (model.step), ${n}-token prompt, ${DECODE} steps`, a.join() === b.join() ? 0 : Infinity);
  }
  if (!FULL.includes(arch)) continue;
  // a decode step records into the open pass: nothing is submitted until the token is read
  const state = mine.newState(8);
  gpu.configureSampler(state.next.sampler, { temperature: 0 });
  mine.sample(mine.forward([1, 2, 3], state), state);
  await gpu.read(state.next.token);
  const during = await submitsDuring(gpu, () => mine.step(state));
  const reading = await submitsDuring(gpu, () => gpu.read(state.next.token));
  if (during !== 0 || reading !== 1) console.error(`${arch}: ${during} submits in a step, ${reading} at its read`);
  emit(arch, "a decode step submits nothing; its read is one submit (the step and the copy)", during === 0 && reading === 1 ? 0 : Infinity);
  if (arch === "jamba" || arch === "llama") {
    const run = async (model: CausalLM) => {
      const opts = { maxTokens: 8, sampling: { temperature: 0 }, stop: createStopMatcher([]), ignoreEos: true };
      for await (const ev of generate(model, tokenizer, ref.input_ids.slice(0, 9), opts)) if (ev.type === "done") return ev.tokenIds;
      return [];
    };
    const [a, b] = [await run(mine), await run(cpu)];
    emit(arch, "generate() streams the CPU's greedy tokens", a.length === 8 && a.join() === b.join() ? 0 : Infinity);
  }
}
process.exit(outcomes.every((o) => o.ok) ? 0 : 1);
