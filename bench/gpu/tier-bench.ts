/**
 * The tier's own side of the GPU bench (bench/gpu/run.sh runs it on the H200, after hf_bench.py made the
 * checkpoints): every model on a GPU backend, batch 1, bf16 weights as stored.
 *   deno run -A bench/gpu/tier-bench.ts --models <dir,dir,…> --backend cuda --out ours.json [--ttft]
 * decode ms/token (median of 64 device steps, each read back as the tier does) after 512- and 8k-token prompts;
 * prefill tokens/s at 1k, 4k, 8k and 32k (through the first sampled token); the mean NLL of 2048 fixed ids and
 * the argmax after each (the HF references are hf_bench.py's); with --ttft, time to first streamed
 * token over HTTP from `tier serve` (src/tier/main.ts) on the same backend, with a 1k-token prompt (a word-level
 * tokenizer's: hf_bench.py's checkpoints), from a
 * client in the same run.
 */
import { writeFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import { selectBackend, type BackendChoice } from "../../src/engine/backends/select-backend.ts";
import { loadModelHost } from "../../src/engine/model-host.ts";
import { benchmarkPromptIds, measureThroughput } from "../../src/engine/measure-throughput.ts";
import type { CausalLM } from "../../src/engine/models/causal-lm.ts";
import { scoreSequence } from "../../src/engine/score.ts";

declare const Deno: {
  execPath(): string;
  Command: new (cmd: string, opts: { args: string[]; stdout: "piped"; stderr: "inherit" }) => {
    spawn(): { stdout: ReadableStream<Uint8Array>; kill(signal?: string): void; status: Promise<unknown> };
  };
};

const { values } = parseArgs({
  options: {
    models: { type: "string" },
    backend: { type: "string", default: "cuda" },
    out: { type: "string" },
    ttft: { type: "boolean", default: false },
    "skip-nll": { type: "boolean", default: false },
    "ttft-tokens": { type: "string", default: "1024" },
    decode: { type: "string", default: "512,8192" },
    prefill: { type: "string", default: "1024,4096,8192,32768" },
  },
});
const dirs = (values.models ?? "").split(",").filter(Boolean);
const backend = await selectBackend(values.backend as BackendChoice);
console.log(`backend ${backend.description}`);
const results: Record<string, unknown>[] = [];
const save = () => (values.out ? writeFile(values.out, JSON.stringify({ backend: backend.description, results }, null, 2)) : Promise.resolve());

/** The argmax token after every position of `ids` (hf_bench.py records HF's, for the top-1 agreement). */
async function topTokens(model: CausalLM, ids: readonly number[]): Promise<number[]> {
  const state = model.newState(ids.length);
  const v = model.facts.vocabSize;
  const out: number[] = [];
  for (let start = 0; start < ids.length; start += 256) {
    const logits = await model.ops.read(model.forward(ids.slice(start, start + 256), state, { allLogits: true }));
    for (let row = 0; row * v < logits.length; row++) {
      let best = 0;
      for (let j = 1; j < v; j++) if (logits[row * v + j]! > logits[row * v + best]!) best = j;
      out.push(best);
    }
  }
  return out;
}

for (const dir of dirs) {
  const t0 = performance.now();
  const host = await loadModelHost(dir, backend.ops);
  const row: Record<string, unknown> = { model: host.id, family: host.card.family, params: host.card.params, dtype: host.serving.dtype, load_s: (performance.now() - t0) / 1000 };
  await measureThroughput(host.model, 64, 4); // warm-up: kernels, cuBLAS, the arena
  // the mean NLL of the ids hf_bench.py scores in f32 with HF: our bf16 engine is held to within 2e-2 of it
  if (!values["skip-nll"]) {
    const ids = benchmarkPromptIds(2048, host.model.facts.vocabSize);
    row.nll_2048 = (await scoreSequence(host.model, ids, String)).meanNll;
    row.top1_2048 = await topTokens(host.model, ids.slice(0, -1));
    console.log(`${host.id} mean NLL of the 2048 bench ids: ${(row.nll_2048 as number).toFixed(5)}`);
  }
  for (const n of values.decode!.split(",").map(Number)) {
    const t = await measureThroughput(host.model, n, 64);
    row[`decode_ms_${n}`] = t.decodeMsPerTok;
    console.log(`${host.id} decode after ${n}: ${t.decodeMsPerTok.toFixed(3)} ms/token`);
  }
  for (const n of values.prefill!.split(",").map(Number)) {
    if (n > host.card.contextLength) continue;
    const t = await measureThroughput(host.model, n, 1);
    row[`prefill_tok_s_${n}`] = t.prefillTokPerS;
    console.log(`${host.id} prefill ${n}: ${t.prefillTokPerS.toFixed(0)} tokens/s`);
  }
  results.push(row);
  await save();
}

if (values.ttft) {
  const proc = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--unstable-no-legacy-abort", "src/tier/main.ts", "--backend", values.backend!, "--models", dirs.join(","), "--port", "0", "--kv-tokens", "40000"],
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const reader = (proc.stdout as ReadableStream<BufferSource>).pipeThrough(new TextDecoderStream()).getReader();
  let url = "";
  for (let buf = ""; !url; ) {
    const { value, done } = await reader.read();
    if (done) throw new Error("the tier exited before listening");
    buf += value;
    url = /listening on (http:\/\/\S+)/.exec(buf)?.[1] ?? "";
  }
  // hf_bench.py's checkpoints have a word-level tokenizer: "t<i>" is token i, so this prompt is exactly n tokens
  const prompt = Array.from({ length: Number(values["ttft-tokens"]) }, (_, i) => `t${((i * 7919) % 1000) + 10}`).join(" ");
  for (const row of results) {
    const times: number[] = [];
    let tokens = 0;
    for (let i = 0; i < 4; i++) {
      const t = performance.now();
      const res = await fetch(`${url}/v1/completions`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ model: row.model, prompt, max_tokens: 16, temperature: 0, stream: true, stream_options: { include_usage: true }, ignore_eos: true }),
      });
      if (!res.ok) throw new Error(`${row.model}: the tier answered ${res.status}: ${await res.text()}`);
      const body = (res.body as ReadableStream<BufferSource>).pipeThrough(new TextDecoderStream()).getReader();
      let first = 0;
      let text = "";
      for (;;) {
        const { value, done } = await body.read();
        if (done) break;
        text += value;
        if (!first && value.includes("\"text\"")) first = performance.now() - t;
      }
      tokens = Number(/"prompt_tokens":(\d+)/.exec(text)?.[1] ?? 0);
      times.push(first);
    }
    times.sort((a, b) => a - b);
    row.ttft_ms = times[1]; // of 4, after the first warmed the model's graphs
    row.ttft_prompt_tokens = tokens;
    console.log(`${row.model} TTFT over HTTP: ${times[1]!.toFixed(1)} ms (${tokens} prompt tokens)`);
  }
  proc.kill("SIGTERM");
  await save();
}
