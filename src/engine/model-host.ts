import { readFile, stat } from "node:fs/promises";
import { basename, join } from "node:path";
import { type ModelCard, ModelCardFieldsSchema, ModelCardSchema } from "../routing/model-card.ts";
import { loadCheckpoint } from "./checkpoint/load-checkpoint.ts";
import type { TextTokenizer } from "./checkpoint/tokenizer.ts";
import { measureThroughput } from "./measure-throughput.ts";
import type { CausalLM } from "./models/causal-lm.ts";
import { ModelConfigError } from "./models/config-reader.ts";
import { createModel } from "./models/registry.ts";
import { ModelWeightsError } from "./models/weight-loader.ts";
import type { BackendName, Ops } from "./ops.ts";
import type { TensorStore } from "./checkpoint/tensor-store.ts";

/** Where and how a model is computed: what /v1/models and /metrics report beside the card. */
export interface Serving {
  backend: BackendName;
  /** the dtype its matrices are read in: f32 on the CPU, the stored f16/bf16 on GPU backends */
  dtype: "f32" | "f16" | "bf16";
  /** device bytes its weights take (0 on the CPU) */
  weightBytes: number;
}

/** One servable model: the graph, its tokenizer and chat template, and the architecture card the router needs. */
export interface ModelHost {
  id: string;
  dir: string;
  model: CausalLM;
  tokenizer: TextTokenizer;
  chatTemplate: string | null;
  card: ModelCard;
  serving: Serving;
}

/** A model whose weights do not fit in the device memory left: the message gives both byte counts. */
export class DeviceMemoryError extends Error {
  override name = "DeviceMemoryError";
}

const DTYPE_BYTES = { F32: 4, F16: 2, BF16: 2 } as const;

/**
 * How a backend will hold a checkpoint: the dtype most of its weight bytes are stored in (what GPU backends keep
 * matrices in), and the bytes on the device (an upper bound: small vectors are widened to f32, counted so).
 */
function servingOf(store: TensorStore, ops: Ops): Serving {
  const bytes = { F32: 0, F16: 0, BF16: 0 };
  let device = 0;
  for (const name of store.names()) {
    const t = store.getStored(name);
    const n = t.values.length;
    bytes[t.dtype] += n * DTYPE_BYTES[t.dtype];
    device += n * Math.max(DTYPE_BYTES[t.dtype], t.shape.length < 2 ? 4 : 0);
  }
  const stored = (Object.keys(bytes) as (keyof typeof bytes)[]).reduce((a, b) => (bytes[b] > bytes[a] ? b : a));
  const dtype = ops.name === "cpu" ? "f32" : stored === "F32" ? "f32" : stored === "F16" ? "f16" : "bf16";
  return { backend: ops.name, dtype, weightBytes: ops.name === "cpu" ? 0 : device };
}

/**
 * Card fields a checkpoint cannot tell (release date, prices, prior quality); a model dir may set them in an
 * optional `switchyard-card.json`, checked against ModelCardSchema.
 */
const CardOverridesSchema = ModelCardFieldsSchema.pick({
  id: true,
  releasedAt: true,
  priceInputPerMTok: true,
  priceOutputPerMTok: true,
  qualityPrior: true,
  calibration: true,
}).partial();

async function readOverrides(dir: string): Promise<Partial<ModelCard>> {
  const file = join(dir, "switchyard-card.json");
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch {
    return {};
  }
  const parsed = CardOverridesSchema.safeParse(JSON.parse(text));
  if (!parsed.success) throw new Error(`${file}: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
  return parsed.data;
}

/**
 * Runs `build`, putting the model directory in front of a config or weights error: the graph knows only
 * "config.json" and tensor names, and a tier serving several models must say which one is broken.
 */
function inModelDir<T>(dir: string, build: () => T): T {
  try {
    return build();
  } catch (err) {
    if (err instanceof ModelConfigError) throw new ModelConfigError(`${dir}: ${err.message}`, { cause: err });
    if (err instanceof ModelWeightsError) throw new ModelWeightsError(`${dir}: ${err.message}`, { cause: err });
    throw err;
  }
}

/**
 * Loads a Hugging Face model directory onto `ops`: checkpoint, graph, tokenizer and card. The id is the
 * directory name unless switchyard-card.json names it. The card's bytesPerParam follows the dtype the backend
 * computes from (4 for f32; 2 for f16/bf16 on GPU backends). A model whose weights do not fit in the device
 * memory left is refused before any upload (DeviceMemoryError), and so is one holding a NaN or Inf weight
 * (CheckpointError naming the file and the tensor). Config and weight errors name the directory. Self-hosted, so prices default to 0; without a
 * stated date the card uses config.json's modification date.
 * @example
 *   const host = await loadModelHost(".switchyard/models/demo-mamba", cpuOps);
 */
export async function loadModelHost(dir: string, ops: Ops): Promise<ModelHost> {
  const checkpoint = await loadCheckpoint(dir);
  const serving = servingOf(checkpoint.tensors, ops);
  const memory = ops.memory();
  if (memory && serving.weightBytes > memory.free) {
    throw new DeviceMemoryError(
      `${dir}: the weights need ${serving.weightBytes} bytes of ${ops.name} device memory; ${memory.free} of ${memory.total} are free`,
    );
  }
  const model = inModelDir(dir, () => createModel({ config: checkpoint.config, tensors: checkpoint.tensors }, ops));
  const overrides = await readOverrides(dir);
  const modified = (await stat(join(dir, "config.json"))).mtime.toISOString().slice(0, 10);
  const f = model.facts;
  const card = ModelCardSchema.parse({
    id: basename(dir),
    family: model.family,
    architecture: model.architecture,
    params: f.params,
    ...(f.activeParams === undefined ? {} : { activeParams: f.activeParams }),
    layers: f.layers,
    attentionLayers: f.attentionLayers,
    dModel: f.dModel,
    dInner: f.dInner,
    dState: f.dState,
    kvHeads: f.kvHeads,
    headDim: f.headDim,
    contextLength: f.contextLength,
    releasedAt: modified,
    bytesPerParam: serving.dtype === "f32" ? 4 : 2,
    priceInputPerMTok: 0,
    priceOutputPerMTok: 0,
    calibration: null,
    qualityPrior: 0.5,
    ...overrides,
  });
  return { id: card.id, dir, model, tokenizer: checkpoint.tokenizer, chatTemplate: checkpoint.chatTemplate, card, serving };
}

/**
 * The host's card with its calibration measured here and now: prefill and decode tokens/s at `promptTokens`
 * (after a short warm-up), which the edge's cost model turns into milliseconds for this model on this machine.
 */
export async function calibratedCard(host: ModelHost, promptTokens: number): Promise<ModelCard> {
  await measureThroughput(host.model, Math.min(64, promptTokens), 4); // warm-up: JIT and first allocations
  const t = await measureThroughput(host.model, promptTokens, 16);
  const calibration = { prefillTokPerS: t.prefillTokPerS, decodeTokPerS: t.decodeTokPerS, measuredAtTokens: promptTokens };
  return ModelCardSchema.parse({ ...host.card, calibration });
}
