/**
 * Architecture-aware cost of serving one request on one model, from its card alone.
 *
 * Glossary (DESIGN.md, "The Tryage objective, concretely"):
 *   P       params (total, resident)    Pₐ  activeParams (run per token; = P unless a mixture of experts)
 *   n       prompt tokens               m   max (generated) tokens
 *   d       dModel                      Lₐ  attention layers       Lₛ SSM layers (layers − Lₐ)
 *   n_kv    kvHeads                     dₕ  headDim                b  bytesPerParam
 *   dᵢ      dInner (SSM width)          N   dState                 k  D_CONV
 *
 * Transformer layers: prefill 2·Pₐ·n + 2·Lₐ·n²·d, decode/token 2·Pₐ + 4·Lₐ·ctx·d,
 *   KV bytes 2·Lₐ·ctx·n_kv·dₕ·b.
 * SSM layers: prefill 2·Pₐ·n + scan, decode/token 2·Pₐ + scan,
 *   state bytes Lₛ·(dᵢ·N + dᵢ·(k−1))·b, constant in ctx.
 * Weights: P·b resident; a decode step reads Pₐ·b of them (only the routed experts of an MoE layer run).
 * A hybrid is the per-layer mix; a pure family is the mix with one of Lₐ, Lₛ at zero.
 */
import { z } from "zod";
import { activeParamsOf, type ModelCard } from "./model-card.ts";

/** Conv kernel width of Mamba/Mamba-2 blocks (`d_conv` = 4 in every released checkpoint); the card omits it. */
export const D_CONV = 4;
/** Selective-scan FLOPs per (token, dInner, dState) element, as counted in the Mamba paper (≈ 9·B·L·D·N). */
export const SCAN_FLOPS_PER_ELEMENT = 9;

/**
 * Effective throughput of an uncalibrated model's device: one datacenter GPU (H100/H200 class) at a realistic
 * utilisation — about 30 % of 990 dense bf16 TFLOP/s and 70 % of 3.35 TB/s HBM. Used only when the card has
 * no measured tokens/s; calibration replaces the absolute speed but keeps how cost grows with length.
 */
export const DEFAULT_DEVICE = { flopsPerS: 300e12, bytesPerS: 2.4e12 } as const;

/** What one request costs on one model. FLOPs and bytes are estimates; latency and price follow from them. */
export const CostEstimateSchema = z.object({
  prefillFlops: z.number().nonnegative(),
  /** decode FLOPs for the first generated token (context = prompt); later tokens cost more on attention */
  decodeFlopsPerToken: z.number().nonnegative(),
  /** decode FLOPs summed over all maxTokens generated tokens */
  decodeFlops: z.number().nonnegative(),
  /** KV cache plus SSM state at promptTokens + maxTokens */
  memoryBytes: z.number().nonnegative(),
  /** weights resident in memory: all params, every expert included whichever ones a token is routed to */
  weightBytes: z.number().nonnegative(),
  latencyMs: z.number().nonnegative(),
  costUsd: z.number().nonnegative(),
});
export type CostEstimate = z.infer<typeof CostEstimateSchema>;

/** Token counts of one request: the prompt as given and the most tokens it may generate. */
export interface PromptSize {
  promptTokens: number;
  maxTokens: number;
}

/**
 * Estimates compute, memory, latency and price of a request on a model.
 * @throws RangeError when a token count is negative or not an integer.
 * @example estimateCost(card, { promptTokens: 12_000, maxTokens: 256 }).latencyMs
 */
export function estimateCost(card: ModelCard, prompt: PromptSize): CostEstimate {
  const { promptTokens: n, maxTokens: m } = prompt;
  checkTokens("promptTokens", n);
  checkTokens("maxTokens", m);
  const shape = layerShape(card);
  const work = workOf(card, shape, n, m);
  const pace = paceOf(card, shape);
  return {
    prefillFlops: work.prefillFlops,
    decodeFlopsPerToken: decodeFlopsAt(card, shape, n),
    decodeFlops: work.decodeFlops,
    memoryBytes: memoryBytesAt(shape, n + m),
    weightBytes: card.params * card.bytesPerParam,
    latencyMs: (work.prefillS * pace.prefill + work.decodeS * pace.decode) * 1000,
    costUsd: (card.priceInputPerMTok * n + card.priceOutputPerMTok * m) / 1e6,
  };
}

/** Cheap token count for text when no tokenizer is at hand: about 4 characters a token, at least 1. */
export function estimatePromptTokens(text: string): number {
  return Math.max(1, Math.ceil(text.length / 4));
}

interface LayerShape {
  attnLayers: number;
  ssmLayers: number;
  /** KV-cache bytes added per token of context */
  kvBytesPerToken: number;
  /** SSM state bytes, whatever the context */
  stateBytes: number;
  /** selective-scan FLOPs per token */
  scanFlopsPerToken: number;
}

function layerShape(card: ModelCard): LayerShape {
  const attnLayers = card.family === "ssm" ? 0 : card.attentionLayers;
  const ssmLayers = card.family === "transformer" ? 0 : Math.max(0, card.layers - card.attentionLayers);
  const b = card.bytesPerParam;
  return {
    attnLayers,
    ssmLayers,
    kvBytesPerToken: 2 * attnLayers * card.kvHeads * card.headDim * b,
    stateBytes: ssmLayers * (card.dInner * card.dState + card.dInner * (D_CONV - 1)) * b,
    scanFlopsPerToken: SCAN_FLOPS_PER_ELEMENT * ssmLayers * card.dInner * card.dState,
  };
}

function decodeFlopsAt(card: ModelCard, s: LayerShape, ctx: number): number {
  return 2 * activeParamsOf(card) + 4 * s.attnLayers * ctx * card.dModel + s.scanFlopsPerToken;
}

function memoryBytesAt(s: LayerShape, ctx: number): number {
  return s.kvBytesPerToken * ctx + s.stateBytes;
}

interface Work {
  prefillFlops: number;
  decodeFlops: number;
  /** seconds on DEFAULT_DEVICE */
  prefillS: number;
  decodeS: number;
}

/**
 * Work of a request, and its time on DEFAULT_DEVICE. Prefill is compute-bound; decode is the slower of compute
 * and reading weights + KV/state once per token (a roofline over the whole decode, closed form over ctx = n…n+m−1).
 */
function workOf(card: ModelCard, s: LayerShape, n: number, m: number): Work {
  const pa = activeParamsOf(card);
  const prefillFlops = 2 * pa * n + 2 * s.attnLayers * n * n * card.dModel + s.scanFlopsPerToken * n;
  const ctxSum = m * n + (m * (m - 1)) / 2;
  const decodeFlops = m * (2 * pa + s.scanFlopsPerToken) + 4 * s.attnLayers * card.dModel * ctxSum;
  const decodeBytes = m * (pa * card.bytesPerParam + s.stateBytes) + s.kvBytesPerToken * ctxSum;
  return {
    prefillFlops,
    decodeFlops,
    prefillS: prefillFlops / DEFAULT_DEVICE.flopsPerS,
    decodeS: Math.max(decodeFlops / DEFAULT_DEVICE.flopsPerS, decodeBytes / DEFAULT_DEVICE.bytesPerS),
  };
}

/**
 * How much slower (>1) or faster (<1) this model's upstream is than DEFAULT_DEVICE, from its calibration:
 * the measured time of prefilling c tokens, and of decoding one token at context c, over the default estimate
 * of the same work. Growth with length stays architectural, so a Transformer still slows as n grows.
 */
function paceOf(card: ModelCard, s: LayerShape): { prefill: number; decode: number } {
  const cal = card.calibration;
  if (!cal) return { prefill: 1, decode: 1 };
  const c = cal.measuredAtTokens;
  const prefillRef = workOf(card, s, c, 0).prefillS;
  const decodeRef = workOf(card, s, c, 1).decodeS;
  return {
    prefill: c / cal.prefillTokPerS / prefillRef,
    decode: 1 / cal.decodeTokPerS / decodeRef,
  };
}

function checkTokens(name: string, value: number): void {
  if (!Number.isInteger(value) || value < 0) {
    throw new RangeError(`${name} must be an integer ≥ 0, got ${value}`);
  }
}
