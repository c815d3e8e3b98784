import { z } from "zod";
import { CapabilitySchema } from "./capabilities.ts";

/** Architecture family: what decides how a model's cost grows with the prompt. */
export const FamilySchema = z.enum(["ssm", "hybrid", "transformer"]);
export type Family = z.infer<typeof FamilySchema>;

/** Measured throughput of one model on its upstream; turns FLOP estimates into milliseconds. */
export const CalibrationSchema = z.object({
  prefillTokPerS: z.number().positive(),
  decodeTokPerS: z.number().positive(),
  /** prompt length (tokens) the figures were measured at */
  measuredAtTokens: z.number().int().positive(),
});
export type Calibration = z.infer<typeof CalibrationSchema>;

/**
 * The card's fields without the cross-field check. zod forbids `.pick`, `.partial` and `.omit` on a refined
 * object, so derive partial shapes from this one and validate whole cards with ModelCardSchema.
 */
export const ModelCardFieldsSchema = z.object({
  id: z.string().min(1).max(128).regex(/^[A-Za-z0-9._:/-]+$/),
  family: FamilySchema,
  /** HF `architectures[0]`, e.g. "MambaForCausalLM" */
  architecture: z.string().min(1),
  /** total parameters: what is resident in memory */
  params: z.number().int().positive(),
  /**
   * parameters that run per token, for a mixture of experts (shared weights plus the top-k routed experts);
   * absent = params (dense). Compute and per-token weight reads follow this; resident memory follows params.
   */
  activeParams: z.number().int().positive().optional(),
  layers: z.number().int().positive(),
  /** layers with attention (all of them for a Transformer, 0 for a pure SSM) */
  attentionLayers: z.number().int().nonnegative(),
  dModel: z.number().int().positive(),
  /** SSM inner width (expand · d_model); 0 when there is no SSM layer */
  dInner: z.number().int().nonnegative(),
  dState: z.number().int().nonnegative(),
  kvHeads: z.number().int().nonnegative(),
  headDim: z.number().int().nonnegative(),
  contextLength: z.number().int().positive(),
  /** ISO date, YYYY-MM-DD */
  releasedAt: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  /** bytes per weight/state element as served (2 for f16/bf16, 4 for f32) */
  bytesPerParam: z.number().positive(),
  /** USD per million tokens */
  priceInputPerMTok: z.number().nonnegative(),
  priceOutputPerMTok: z.number().nonnegative(),
  calibration: CalibrationSchema.nullable(),
  /** prior expected quality in [0,1], used when no learned router covers the model */
  qualityPrior: z.number().min(0).max(1),
  /**
   * the optional API features its upstream serves for it (src/routing/capabilities.ts); absent = none, so a
   * card that says nothing never gets a request it might silently half-answer
   */
  capabilities: z
    .array(CapabilitySchema)
    .refine((caps) => new Set(caps).size === caps.length, "each capability at most once")
    .default([]),
});

/**
 * The architecture card of one library model: everything the cost model needs.
 * The one source of truth for this shape (D1 rows, /v1/models, tier registration).
 */
export const ModelCardSchema = ModelCardFieldsSchema.superRefine((card, ctx) => {
  if (card.activeParams !== undefined && card.activeParams > card.params) {
    ctx.addIssue({
      code: "custom",
      path: ["activeParams"],
      message: `activeParams (${card.activeParams}) must not exceed params (${card.params}): a token runs at most every weight`,
    });
  }
});
export type ModelCard = z.infer<typeof ModelCardSchema>;

/** Parameters that run per token: activeParams for a mixture of experts, params for a dense model. */
export function activeParamsOf(card: ModelCard): number {
  return card.activeParams ?? card.params;
}
