/**
 * generate() on the WebGPU backend with k decode steps per read (Ops.stepsPerRead: tokens gathered on the device
 * by copyRow, read once a batch) against generate() on the CPU backend, which reads every step. Prints one JSON
 * line per check: { op: arch, name, worst, ok } with worst 0 (the same events) or Infinity.
 *
 *   deno run -A tests/kernels/webgpu/check-generate.ts
 *
 * Every check compares the whole event stream — each text event, then the summary (token ids, finish reason,
 * usage counts) — for: greedy decoding over a max_tokens that is no multiple of k; seeded sampling, against the
 * WebGPU backend reading every step (its sampler's stream is not the CPU's: same seed, other draws); an end-of-sequence
 * token inside a batch; a stop sequence inside a batch; max_tokens below k; a context that leaves fewer tokens
 * than k (Llama). Also: the pause is awaited once before each read after the first, and k steps with their copies
 * are one submit (at the read). On the tiny reference fixtures (Llama: attention, Mamba-2: SSM); near 10 s on
 * lavapipe. Exits 2 when no WebGPU adapter can be had.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { cpuOps } from "../../../src/engine/backends/cpu/index.ts";
import { createWebGpuOps, type WebGpuOps } from "../../../src/engine/backends/webgpu/webgpu-ops.ts";
import { loadCheckpoint } from "../../../src/engine/checkpoint/load-checkpoint.ts";
import { DecodeBatches } from "../../../src/engine/decode-batches.ts";
import { type Detokenizer, type GenerateOptions, type GenerationEvent, generate } from "../../../src/engine/generate.ts";
import type { CausalLM } from "../../../src/engine/models/causal-lm.ts";
import { createModel } from "../../../src/engine/models/registry.ts";
import { createStopMatcher } from "../../../src/engine/stop-sequences.ts";

const FIXTURES = join(import.meta.dirname!, "../../fixtures/reference");
const TOKENS = 21; // batches of 1 (prefill's token), 8, 8 and 4 at k = 8

let gpu: WebGpuOps;
try {
  gpu = await createWebGpuOps();
} catch (e) {
  console.error(`no WebGPU: ${(e as Error).message}`);
  process.exit(2);
}
const K = gpu.stepsPerRead;
console.error(`adapter: ${gpu.adapterName}, stepsPerRead ${K}`);
const outcomes: { ok: boolean }[] = [];

function emit(arch: string, name: string, ok: boolean, detail = ""): void {
  if (!ok && detail) console.error(`${arch} ${name}:\n${detail}`);
  const o = { op: arch, name, worst: ok ? 0 : Infinity, ok };
  outcomes.push(o);
  console.log(JSON.stringify(o));
}

interface Run {
  events: GenerationEvent[];
  pauses: number;
}

/** Runs generate() to its end, with a fresh stop matcher over `stops`. */
async function run(model: CausalLM, tokenizer: Detokenizer, prompt: readonly number[], opts: Partial<GenerateOptions>, stops: string[] = []): Promise<Run> {
  const r: Run = { events: [], pauses: 0 };
  const options: GenerateOptions = {
    maxTokens: TOKENS,
    sampling: { temperature: 0 },
    stop: createStopMatcher(stops),
    pause: async () => void (r.pauses += 1),
    ...opts,
  };
  for await (const ev of generate(model, tokenizer, prompt, options)) r.events.push(ev);
  return r;
}

const done = (r: Run) => r.events.at(-1) as Extract<GenerationEvent, { type: "done" }>;
const text = (r: Run) => r.events.map((e) => (e.type === "text" ? e.text : "")).join("");

/**
 * Runs on `reference` (the CPU, reading every step; or the GPU at k = 1) and on the GPU with k per read, and
 * emits whether the events agree.
 */
async function same(arch: string, name: string, reference: CausalLM, mine: CausalLM, tokenizer: Detokenizer, prompt: readonly number[], opts: Partial<GenerateOptions>, stops?: string[]): Promise<[Run, Run]> {
  const want = await run(reference, tokenizer, prompt, { ...opts, stepsPerRead: 1 }, stops);
  const got = await run(mine, tokenizer, prompt, { ...opts, stepsPerRead: opts.stepsPerRead ?? K }, stops);
  const [a, b] = [JSON.stringify(got.events), JSON.stringify(want.events)];
  emit(arch, name, a === b, `k per read ${a}\nreference  ${b}`);
  return [want, got];
}

/** Whether decode token i sits strictly inside a batch of k (batches: {0}, {1…k}, {k+1…2k}, …). */
const insideBatch = (i: number, k: number) => i > 1 && (i - 1) % k !== 0 && i % k !== 0;

for (const arch of ["llama", "mamba2"]) {
  const dir = join(FIXTURES, arch);
  const { config, tensors, tokenizer } = await loadCheckpoint(dir);
  const ref = JSON.parse(await readFile(join(dir, "reference.json"), "utf8")) as { input_ids: number[] };
  const cpu = createModel({ config, tensors }, cpuOps);
  const mine = createModel({ config, tensors }, gpu);
  const prompt = ref.input_ids.slice(0, 9);
  const free = { ignoreEos: true };

  const [greedy] = await same(arch, `greedy, ${TOKENS} tokens (no multiple of k = ${K})`, cpu, mine, tokenizer, prompt, free);
  await same(arch, `greedy, ${TOKENS} tokens at k = 3`, cpu, mine, tokenizer, prompt, { ...free, stepsPerRead: 3 });
  await same(arch, `seeded sampling (temperature 1, top-k 40, seed 5), ${TOKENS} tokens, as at k = 1`, mine, mine, tokenizer, prompt, {
    ...free,
    sampling: { temperature: 1, topK: 40, seed: 5 },
  });

  // an EOS token whose first appearance is inside a batch: the tokens after it in the batch are dropped
  const ids = done(greedy).tokenIds;
  const at = ids.findIndex((id, i) => i >= 4 && insideBatch(i, K) && ids.indexOf(id) === i);
  if (at < 0) emit(arch, "end-of-sequence token inside a batch", false, `no token of ${ids} first appears inside a batch`);
  else {
    const eosAt: Detokenizer = { decode: tokenizer.decode.bind(tokenizer), eosTokenIds: [ids[at]!], vocabSize: tokenizer.vocabSize };
    const [want] = await same(arch, `end-of-sequence token inside a batch (token ${at})`, cpu, mine, eosAt, prompt, {});
    if (done(want).completionTokens !== at) emit(arch, "the CPU run ends at that EOS", false, JSON.stringify(done(want)));
  }

  // a stop sequence that completes inside a batch: the last characters of the text a token there adds (whole
  // characters: not a byte-level token's U+FFFD)
  const added = (i: number) => {
    const opts = { skipSpecialTokens: true };
    const [before, through] = [tokenizer.decode(ids.slice(0, i), opts), tokenizer.decode(ids.slice(0, i + 1), opts)];
    return through.startsWith(before) ? through.slice(before.length) : "";
  };
  const cut = ids.findIndex((_, i) => i >= 4 && insideBatch(i, K) && /^[^\uFFFD]+$/.test(added(i)));
  if (cut < 0) emit(arch, "stop sequence inside a batch", false, `no token of ${ids} adds whole characters inside a batch`);
  else {
    const stop = added(cut).slice(-3);
    const [want] = await same(arch, `stop sequence ${JSON.stringify(stop)} inside a batch`, cpu, mine, tokenizer, prompt, free, [stop]);
    const stopped = done(want);
    if (stopped.finishReason !== "stop" || !insideBatch(stopped.completionTokens - 1, K) || !text(greedy).startsWith(text(want))) {
      emit(arch, "the CPU run stops inside a batch", false, `${JSON.stringify(stop)}: ${JSON.stringify(stopped)}`);
    }
  }

  await same(arch, `max_tokens 5 < k = ${K}`, cpu, mine, tokenizer, prompt, { ...free, maxTokens: 5 });
  if (arch === "llama") {
    const context = cpu.facts.contextLength;
    const long = Array.from({ length: context - 3 }, (_, i) => (i * 7 + 10) % cpu.facts.vocabSize);
    await same(arch, `a context leaving 3 tokens (< k), max_tokens 50`, cpu, mine, tokenizer, long, { ...free, maxTokens: 50 });
  }

  const paced = await run(mine, tokenizer, prompt, { ...free, stepsPerRead: 8 });
  emit(arch, "the pause is awaited before each read after the first (21 tokens, k = 8: 3 times)", paced.pauses === 3, `${paced.pauses} pauses`);

  // k steps with their copies into the ring record without a submit; the read is the one submit
  const state = mine.newState(prompt.length + 1 + 8);
  gpu.configureSampler(state.next.sampler, { temperature: 0 });
  mine.sample(mine.forward(prompt, state), state);
  const batches = new DecodeBatches(mine, state, 8);
  await batches.next(1);
  const queue = gpu.context.device.queue;
  const submit = queue.submit;
  let submits = 0;
  queue.submit = (buffers) => {
    submits += 1;
    submit.call(queue, buffers);
  };
  const batch = await batches.next(8).finally(() => (queue.submit = submit));
  const ok = submits === 1 && batch.join() === ids.slice(1, 9).join();
  emit(arch, "8 steps and their copies are one submit, at the read, and give the greedy tokens", ok, `${submits} submits, ${batch}`);
}
process.exit(outcomes.every((o) => o.ok) ? 0 : 1);
