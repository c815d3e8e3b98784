import { z } from "zod";
import { CostEstimateSchema } from "./cost-model.ts";
import { FamilySchema } from "./model-card.ts";

/** One value per penalty term (size, recency, latency, cost, memory). */
export const PenaltyVectorSchema = z.object({
  size: z.number(),
  recency: z.number(),
  latency: z.number(),
  cost: z.number(),
  memory: z.number(),
});

/** A feasible model with every term of its score. */
export const CandidateSchema = z.object({
  id: z.string(),
  /** 1 = chosen */
  rank: z.number().int().positive(),
  family: FamilySchema,
  /** predicted quality in [0,1] */
  quality: z.number().min(0).max(1),
  /** 1 − quality */
  loss: z.number().min(0).max(1),
  /** each penalty min-max normalised to [0,1] across the feasible set */
  penalties: PenaltyVectorSchema,
  /** λ_k · penalty_k */
  weighted: PenaltyVectorSchema,
  /** λ_quality · loss + Σ_k λ_k · penalty_k; lowest wins */
  score: z.number(),
  estimate: CostEstimateSchema,
});
export type Candidate = z.infer<typeof CandidateSchema>;

/** A model the hard constraints ruled out, with one reason per violated constraint. */
export const ExclusionSchema = z.object({
  id: z.string(),
  reasons: z.array(z.string()).min(1),
});
export type Exclusion = z.infer<typeof ExclusionSchema>;

/** The routing decision for one request: what won, why, and every term of every candidate. */
export const DecisionSchema = z.object({
  /** the winning model id; null when no model meets the hard constraints */
  chosen: z.string().nullable(),
  /** the objective in words, e.g. "score = 1·loss + 0.5·latency" */
  objective: z.string(),
  /** feasible models, best first */
  candidates: z.array(CandidateSchema),
  excluded: z.array(ExclusionSchema),
  /** non-dominated feasible ids over (loss, each active penalty), or (loss, latency) when none is active */
  pareto: z.array(z.string()),
  reasons: z.array(z.string()),
});
export type Decision = z.infer<typeof DecisionSchema>;
