/**
 * WebGPU decode with k steps between token reads (Ops.stepsPerRead) against a read per step, side by side in one
 * run, on the available adapter (lavapipe on CPU-only machines):
 *
 *   deno run -A bench/webgpu-lookahead.ts [--model llama] [--prompt 16] [--decode 96] [--rounds 5] [--k 1,2,4,8,16,32]
 *                                         [--write docs/benchmarks.md]
 *
 * Each round times measureThroughput (the loop generate() runs: DecodeBatches) once per k, in turn, so every k
 * shares the machine alike; the table gives the median over rounds of decode ms/token (a batch's time divided by
 * its tokens, the median batch) and its ratio to k = 1. --model names a reference fixture (tests/fixtures/reference,
 * tiny: the runtime's wait, not the kernels, dominates a step) or is a checkpoint directory (a path, e.g. a 1B
 * checkpoint on a GPU machine). A benchmark: it asserts nothing about time, but fails if any k decodes other
 * tokens than k = 1. Default k: 1 and the backend's stepsPerRead.
 */
import { cpus } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { createWebGpuOps } from "../src/engine/backends/webgpu/webgpu-ops.ts";
import { loadCheckpoint } from "../src/engine/checkpoint/load-checkpoint.ts";
import { generate } from "../src/engine/generate.ts";
import { measureThroughput } from "../src/engine/measure-throughput.ts";
import { createModel } from "../src/engine/models/registry.ts";
import { createStopMatcher } from "../src/engine/stop-sequences.ts";
import { writeSection } from "./markdown-section.ts";

const { values } = parseArgs({
  options: {
    model: { type: "string", default: "llama" },
    prompt: { type: "string", default: "16" },
    decode: { type: "string", default: "96" },
    rounds: { type: "string", default: "5" },
    k: { type: "string" },
    write: { type: "string" },
  },
});
const PROMPT = Number(values.prompt);
const DECODE = Number(values.decode);
const ROUNDS = Number(values.rounds);

const ops = await createWebGpuOps();
const chosen = ops.stepsPerRead;
const KS = values.k ? values.k.split(",").map(Number) : [...new Set([1, chosen])];
// a reference fixture by name, or any checkpoint directory (a path)
const dir = values.model.includes("/") ? values.model : join(import.meta.dirname!, "../tests/fixtures/reference", values.model);
const ckpt = await loadCheckpoint(dir);
const model = createModel(ckpt, ops);
console.error(`adapter: ${ops.adapterName}; ${values.model}: ${model.facts.layers} layers, d_model ${model.facts.dModel}; k = ${KS.join(", ")}`);

/** The greedy tokens generate() gives with k steps per read. */
async function tokensWith(k: number): Promise<number[]> {
  const opts = { maxTokens: 40, sampling: { temperature: 0 }, stop: createStopMatcher([]), ignoreEos: true, stepsPerRead: k };
  for await (const ev of generate(model, ckpt.tokenizer, [1, 2, 3, 4, 5], opts)) if (ev.type === "done") return ev.tokenIds;
  return [];
}
const want = (await tokensWith(1)).join();
for (const k of KS) if ((await tokensWith(k)).join() !== want) throw new Error(`k = ${k} decodes other tokens than k = 1`);

for (const k of KS) await measureThroughput(model, PROMPT, 2 * k, { stepsPerRead: k }); // warm-up: pipelines, pool slots
const times = new Map<number, number[]>(KS.map((k) => [k, []]));
for (let r = 0; r < ROUNDS; r++) {
  for (const k of KS) times.get(k)!.push((await measureThroughput(model, PROMPT, DECODE, { stepsPerRead: k })).decodeMsPerTok);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
const baseK = KS.includes(1) ? 1 : KS[0]!;
const base = median(times.get(baseK)!);
const fmt = (x: number, digits: number) => x.toFixed(digits);
const lines = [
  `| steps per read (k) | decode ms/token | tokens/s | tokens/s vs k = ${baseK} |`,
  "|---:|---:|---:|---:|",
  ...KS.map((k) => {
    const ms = median(times.get(k)!);
    return `| ${k}${k === chosen ? " (the backend's)" : ""} | ${fmt(ms, 2)} | ${fmt(1000 / ms, 0)} | ${fmt(base / ms, 2)}× |`;
  }),
];
const command = `deno run -A bench/webgpu-lookahead.ts --model ${values.model} --prompt ${PROMPT} --decode ${DECODE} --rounds ${ROUNDS}${values.k ? ` --k ${values.k}` : ""}`;
const ratio = base / median(times.get(chosen) ?? times.get(KS.at(-1)!)!);
console.log(`${lines.join("\n")}\n\nk = ${chosen} against k = ${baseK}: ${fmt(ratio, 2)}× the tokens/s. Command: ${command}`);
if (values.write) {
  const body = [
    "## WebGPU decode: steps per read",
    "",
    `Measured ${new Date().toISOString().slice(0, 10)} on ${ops.adapterName} (${cpus()[0]?.model ?? "unknown CPU"}, ${cpus().length} cores), Deno ${process.versions.deno ?? "?"}.`,
    `Every wait for the device costs ~11 ms in Deno's WebGPU (shared/STACK.md), so the decode loop keeps k steps in flight`,
    `between reads (sampling on the device, each step's token copied into a ring read once: src/engine/decode-batches.ts).`,
    `Greedy decode of ${DECODE} tokens after a ${PROMPT}-token prompt on the \`${values.model}\` checkpoint`,
    `(${model.facts.layers} layers, d_model ${model.facts.dModel}); median of ${ROUNDS} rounds, the k interleaved; every k decodes the tokens k = 1 does.`,
    "",
    "```sh",
    command,
    "```",
    "",
    ...lines,
    "",
    `k = ${chosen} (the WebGPU backend's stepsPerRead) against k = ${baseK}: **${fmt(ratio, 2)}×** the decode tokens/s.`,
  ].join("\n");
  writeSection(values.write, "webgpu-lookahead", body);
}
ops.context.destroy();
