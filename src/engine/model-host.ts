import { readFile, stat } from "node:fs/promises";
import { basename, join } from "node:path";
import { type ModelCard, ModelCardFieldsSchema, ModelCardSchema } from "../routing/model-card.ts";
import { loadCheckpoint } from "./checkpoint/load-checkpoint.ts";
import type { TextTokenizer } from "./checkpoint/tokenizer.ts";
import { measureThroughput } from "./measure-throughput.ts";
import type { CausalLM } from "./models/causal-lm.ts";
import { createModel } from "./models/registry.ts";
import type { Ops } from "./ops.ts";

/** One servable model: the graph, its tokenizer and chat template, and the architecture card the router needs. */
export interface ModelHost {
  id: string;
  dir: string;
  model: CausalLM;
  tokenizer: TextTokenizer;
  chatTemplate: string | null;
  card: ModelCard;
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
 * Loads a Hugging Face model directory onto `ops`: checkpoint, graph, tokenizer and card. The id is the
 * directory name unless switchyard-card.json names it. Served in f32 by the CPU backend (bytesPerParam 4);
 * self-hosted, so prices default to 0; without a stated date the card uses config.json's modification date.
 * @example
 *   const host = await loadModelHost(".switchyard/models/demo-mamba", cpuOps);
 */
export async function loadModelHost(dir: string, ops: Ops): Promise<ModelHost> {
  const checkpoint = await loadCheckpoint(dir);
  const model = createModel({ config: checkpoint.config, tensors: checkpoint.tensors }, ops);
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
    bytesPerParam: 4,
    priceInputPerMTok: 0,
    priceOutputPerMTok: 0,
    calibration: null,
    qualityPrior: 0.5,
    ...overrides,
  });
  return { id: card.id, dir, model, tokenizer: checkpoint.tokenizer, chatTemplate: checkpoint.chatTemplate, card };
}

/**
 * The host's card with its calibration measured here and now: prefill and decode tokens/s at `promptTokens`
 * (after a short warm-up), which the edge's cost model turns into milliseconds for this model on this machine.
 */
export function calibratedCard(host: ModelHost, promptTokens: number): ModelCard {
  measureThroughput(host.model, Math.min(64, promptTokens), 4); // warm-up: JIT and first allocations
  const t = measureThroughput(host.model, promptTokens, 16);
  const calibration = { prefillTokPerS: t.prefillTokPerS, decodeTokPerS: t.decodeTokPerS, measuredAtTokens: promptTokens };
  return ModelCardSchema.parse({ ...host.card, calibration });
}
