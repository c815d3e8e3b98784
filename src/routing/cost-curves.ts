/**
 * How a model's latency and memory grow with the prompt, sampled at a ladder of lengths: what the console
 * plots so the SSM-vs-attention difference can be seen. Pure: the cost model applied point by point.
 */
import { z } from "zod";
import { estimateCost } from "./cost-model.ts";
import type { ModelCard } from "./model-card.ts";

/** Prompt lengths the curves are sampled at by default: 1k → 128k, doubling. */
export const CURVE_LENGTHS: readonly number[] = [1024, 2048, 4096, 8192, 16_384, 32_768, 65_536, 131_072];

export const CurvePointSchema = z.object({
  prompt_tokens: z.number().int().positive(),
  latency_ms: z.number().nonnegative(),
  /** KV cache plus SSM state at prompt_tokens + max_tokens */
  memory_bytes: z.number().nonnegative(),
  cost_usd: z.number().nonnegative(),
  /** false past the model's context window: the point is what the cost model says, not something it serves */
  within_context: z.boolean(),
});

export const CostCurveSchema = z.object({
  id: z.string(),
  family: z.enum(["ssm", "hybrid", "transformer"]),
  weight_bytes: z.number().nonnegative(),
  points: z.array(CurvePointSchema),
});
export type CostCurve = z.infer<typeof CostCurveSchema>;

/** One curve per card, each sampled at `lengths` with `maxTokens` generated. */
export function costCurves(cards: readonly ModelCard[], lengths: readonly number[], maxTokens: number): CostCurve[] {
  return cards.map((card) => ({
    id: card.id,
    family: card.family,
    weight_bytes: card.params * card.bytesPerParam,
    points: lengths.map((n) => {
      const e = estimateCost(card, { promptTokens: n, maxTokens });
      return {
        prompt_tokens: n,
        latency_ms: e.latencyMs,
        memory_bytes: e.memoryBytes,
        cost_usd: e.costUsd,
        within_context: n + maxTokens <= card.contextLength,
      };
    }),
  }));
}
