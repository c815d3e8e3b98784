/**
 * CPU prefill and decode throughput of the tier's engine per architecture, at growing prompt lengths: the SSM's
 * per-token decode cost stays flat while the Transformer's grows with the KV cache it attends over.
 *
 *   npx tsx bench/tier-throughput.ts [--lengths 1024,4096,16384] [--decode 32] [--d-model 64] [--layers 2]
 *                                    [--write docs/benchmarks.md]
 *
 * Models: the three demo architectures (src/engine/demo: demo-mamba SSM, demo-bamba hybrid, demo-llama
 * Transformer) with the demo's own configs and random init, scaled to one shared d_model and depth so their
 * costs compare and a 16k-token prefill of the Transformer fits in a couple of minutes on this CPU backend
 * (single-threaded TypeScript; attention prefill is O(n²)). At the demo's own size (d_model 256, 4–6 layers)
 * the Transformer's 16k prefill alone takes several minutes; pass --d-model 256 --layers 4 to measure that.
 * Prompts are fixed pseudo-random ids; decode is greedy, one token per forward call, `--decode` tokens right after
 * each prefill. A benchmark, not a test: it asserts nothing about time.
 */
import { cpus } from "node:os";
import { parseArgs } from "node:util";
import { cpuOps } from "../src/engine/backends/cpu/index.ts";
import { demoSpecs } from "../src/engine/demo/demo-configs.ts";
import { buildDemoTokenizer } from "../src/engine/demo/demo-tokenizer.ts";
import { demoWeights } from "../src/engine/demo/demo-weights.ts";
import { measureThroughput } from "../src/engine/measure-throughput.ts";
import type { CausalLM, WeightStore } from "../src/engine/models/causal-lm.ts";
import { createModel } from "../src/engine/models/registry.ts";
import { type HostTensor, storedF32 } from "../src/engine/tensor.ts";
import { writeSection } from "./markdown-section.ts";

const { values } = parseArgs({
  options: {
    lengths: { type: "string", default: "1024,4096,16384" },
    decode: { type: "string", default: "32" },
    "d-model": { type: "string", default: "64" },
    layers: { type: "string", default: "2" },
    write: { type: "string" },
  },
});
const LENGTHS = values.lengths.split(",").map(Number);
const DECODE = Number(values.decode);
const D_MODEL = Number(values["d-model"]);
const LAYERS = Number(values.layers);
for (const [flag, v] of [["--decode", DECODE], ["--d-model", D_MODEL], ["--layers", LAYERS], ...LENGTHS.map((n) => ["--lengths", n] as const)] as const) {
  if (!Number.isInteger(v) || v < 1) throw new Error(`${flag} takes positive integers, got ${v}`);
}
if (D_MODEL % 32 !== 0 || LAYERS < 2) throw new Error("--d-model must be a multiple of 32 and --layers at least 2 (the hybrid needs an SSM and an attention layer)");
const CONTEXT = Math.max(...LENGTHS) + DECODE + 64;
/** Deno runs this file too (e.g. on the GPU machine, which has no Node). */
const deno = (globalThis as { Deno?: { version: { deno: string } } }).Deno;
const runtime = deno ? `Deno ${deno.version.deno}` : `Node ${process.version}`;
const runner = deno ? "deno run -A" : "npx tsx";

/**
 * The demo config at bench scale: d_model and depth shared by all three, widths that follow from them as in the
 * demo (expand 2, SwiGLU ≈ 2.75·d), heads of 32, and one attention layer in the hybrid's last position.
 */
function benchConfig(config: Record<string, unknown>): Record<string, unknown> {
  const d = D_MODEL;
  const heads = d / 32;
  const c: Record<string, unknown> = { ...config, hidden_size: d, num_hidden_layers: LAYERS };
  switch ((config.architectures as string[])[0]) {
    case "MambaForCausalLM":
      return { ...c, intermediate_size: 2 * d, time_step_rank: Math.ceil(d / 16) };
    case "BambaForCausalLM":
      return {
        ...c, intermediate_size: 2 * d, mamba_n_heads: (2 * d) / 16, mamba_d_head: 16, num_attention_heads: heads,
        num_key_value_heads: Math.max(1, heads / 2), attn_layer_indices: [LAYERS - 1], max_position_embeddings: CONTEXT,
      };
    default:
      return {
        ...c, intermediate_size: Math.round((2.75 * d) / 16) * 16, head_dim: 32, num_attention_heads: heads,
        num_key_value_heads: Math.max(1, heads / 2), max_position_embeddings: CONTEXT,
      };
  }
}

/** In-memory weights in the TensorStore contract (shape-checked get), so the bench writes no files. */
function memoryStore(weights: Record<string, { tensor: HostTensor }>): WeightStore {
  return {
    names: () => Object.keys(weights),
    has: (name) => name in weights,
    get(name, expectShape) {
      const t = weights[name]?.tensor;
      if (!t) throw new Error(`bench weights: no tensor ${name}`);
      if (expectShape && expectShape.join() !== t.shape.join()) throw new Error(`bench weights: ${name} is [${t.shape}], expected [${expectShape}]`);
      return t;
    },
    getStored(name, expectShape) {
      return storedF32(this.get(name, expectShape));
    },
  };
}

interface Row {
  model: string;
  family: string;
  prompt: number;
  prefillTokPerS: number;
  decodeTokPerS: number;
  decodeMsPerTok: number;
}

async function measure(model: CausalLM, name: string, n: number): Promise<Row> {
  return { model: name, family: model.family, prompt: n, ...(await measureThroughput(model, n, DECODE)) };
}

const fmt = (x: number, digits = 0) => x.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits });

function table(rows: Row[], facts: Map<string, CausalLM["facts"]>): string {
  const base = new Map(rows.filter((r) => r.prompt === LENGTHS[0]).map((r) => [r.model, r.decodeMsPerTok]));
  const ssm = new Map(rows.filter((r) => r.model === "demo-mamba").map((r) => [r.prompt, r.decodeMsPerTok]));
  const lines = [
    `| model | family | prompt tokens | prefill tok/s | decode tok/s | decode ms/token | decode cost vs ${fmt(LENGTHS[0] ?? 0)} | decode cost vs demo-mamba |`,
    "|---|---|---:|---:|---:|---:|---:|---:|",
    ...rows.map((r) =>
      [
        r.model,
        r.family,
        fmt(r.prompt),
        fmt(r.prefillTokPerS),
        fmt(r.decodeTokPerS),
        fmt(r.decodeMsPerTok, 2),
        `${fmt(r.decodeMsPerTok / (base.get(r.model) ?? Number.NaN), 2)}×`,
        `${fmt(r.decodeMsPerTok / (ssm.get(r.prompt) ?? Number.NaN), 2)}×`,
      ].join(" | "),
    ).map((l) => `| ${l} |`),
  ];
  const shapes = [...facts.entries()].map(
    ([m, f]) => `${m}: ${f.layers} layers (${f.attentionLayers} attention), d_model ${f.dModel}, d_state ${f.dState}, ${f.kvHeads} kv heads × ${f.headDim}, ${fmt(f.params)} params, vocab ${f.vocabSize}`,
  );
  return [...lines, "", ...shapes.map((s) => `- ${s}`)].join("\n");
}

const rows: Row[] = [];
const facts = new Map<string, CausalLM["facts"]>();
const started = performance.now();
for (const spec of demoSpecs(buildDemoTokenizer())) {
  const config = benchConfig(spec.config);
  const model = createModel({ config, tensors: memoryStore(demoWeights(config, spec.seed)) }, cpuOps);
  facts.set(spec.name, model.facts);
  for (let i = 0; i < 2; i++) measure(model, spec.name, 512); // warm-up: let the JIT settle before anything is timed
  for (const n of LENGTHS) {
    const row = await measure(model, spec.name, n);
    rows.push(row);
    console.error(`${spec.name} ${n}: prefill ${fmt(row.prefillTokPerS)} tok/s, decode ${fmt(row.decodeTokPerS)} tok/s`);
  }
}
const minutes = (performance.now() - started) / 60_000;
const command = `${runner} bench/tier-throughput.ts --lengths ${LENGTHS.join(",")} --decode ${DECODE} --d-model ${D_MODEL} --layers ${LAYERS}`;
const report = table(rows, facts);
console.log(`\n${report}\n\n${fmt(minutes, 1)} min in all. Command: ${command}`);
if (values.write) {
  const cpu = `${cpus()[0]?.model ?? "unknown CPU"} (${cpus().length} cores)`;
  const body = [
    "## Tier CPU throughput",
    "",
    `Measured ${new Date().toISOString().slice(0, 10)} on ${cpu}, ${runtime}, single-threaded CPU backend; ${fmt(minutes, 1)} min in all.`,
    "",
    "```sh",
    command,
    "```",
    "",
    `Greedy decode of ${DECODE} tokens right after each prefill (decode figures are the median step); prompts are fixed pseudo-random ids.`,
    "",
    report,
  ].join("\n");
  writeSection(values.write, "tier-throughput", body);
}
