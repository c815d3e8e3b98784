/** The pure routing core: flags, cost model, Tryage decision, Pareto front. No I/O anywhere below. */
export * from "./model-card.ts";
export { CAPABILITIES, CapabilitySchema, unmetCapabilities, type Capability } from "./capabilities.ts";
export { listedCards } from "./model-list.ts";
export {
  FlagsSchema,
  FlagsPatchSchema,
  FLAG_NAMES,
  FLAGS_HEADER,
  PENALTY_KEYS,
  parseFlagsHeader,
  parseFlagsBody,
  resolveFlags,
  FlagError,
  flagErrorFromZod,
  type Flags,
  type FlagsPatch,
  type FlagName,
  type PenaltyKey,
} from "./flags.ts";
export {
  estimateCost,
  estimatePromptTokens,
  CostEstimateSchema,
  DEFAULT_DEVICE,
  D_CONV,
  SCAN_FLOPS_PER_ELEMENT,
  type CostEstimate,
  type PromptSize,
} from "./cost-model.ts";
export { paretoFront, dominates, type ObjectivePoint } from "./pareto-front.ts";
export { priorPredictor, type QualityPredictor } from "./quality-predictor.ts";
export { decide, activePenalties, describeObjective, type DecideInput } from "./decide.ts";
export {
  DecisionSchema,
  CandidateSchema,
  ExclusionSchema,
  PenaltyVectorSchema,
  type Decision,
  type Candidate,
  type Exclusion,
} from "./decision-schema.ts";
