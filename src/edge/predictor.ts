import { priorPredictor, type QualityPredictor } from "../routing/quality-predictor.ts";
import type { Bindings } from "./app-env.ts";

/**
 * The one seam through which the edge gets its quality predictor. Today: each model's prior from its card.
 * The learned router plugs in here (loading the active router_versions row for this env).
 */
export async function getPredictor(_env: Bindings): Promise<QualityPredictor> {
  return priorPredictor;
}
