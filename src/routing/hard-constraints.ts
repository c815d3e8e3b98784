import type { CostEstimate, PromptSize } from "./cost-model.ts";
import type { Flags } from "./flags.ts";
import type { ModelCard } from "./model-card.ts";
import { formatMs, formatParams, formatTokens, formatUsd } from "./quantity-format.ts";

/**
 * Why a model may not serve this request, one reason per violated constraint, each starting with the flag
 * it breaks ("context" when the request does not fit the model's window). Empty when the model is feasible.
 */
export function constraintViolations(
  card: ModelCard,
  estimate: CostEstimate,
  flags: Flags,
  prompt: PromptSize,
): string[] {
  const reasons: string[] = [];
  if (flags.allow && !flags.allow.includes(card.id)) reasons.push(`allow: "${card.id}" is not on the allow list`);
  if (flags.deny?.includes(card.id)) reasons.push(`deny: "${card.id}" is on the deny list`);
  if (flags.families && !flags.families.includes(card.family)) {
    reasons.push(`families: family ${card.family} is not one of ${flags.families.join("|")}`);
  }
  if (flags.max_params !== undefined && card.params > flags.max_params) {
    reasons.push(`max_params: ${formatParams(card.params)} params > ${formatParams(flags.max_params)}`);
  }
  if (flags.min_context !== undefined && card.contextLength < flags.min_context) {
    reasons.push(`min_context: context ${card.contextLength} < ${flags.min_context} tokens`);
  }
  const needed = prompt.promptTokens + prompt.maxTokens;
  if (card.contextLength < needed) {
    reasons.push(
      `context: window ${card.contextLength} < ${needed} tokens needed ` +
        `(prompt ${formatTokens(prompt.promptTokens)} + max_tokens ${formatTokens(prompt.maxTokens)})`,
    );
  }
  if (flags.max_latency_ms !== undefined && estimate.latencyMs > flags.max_latency_ms) {
    reasons.push(`max_latency_ms: estimated ${formatMs(estimate.latencyMs)} > ${formatMs(flags.max_latency_ms)}`);
  }
  if (flags.max_cost !== undefined && estimate.costUsd > flags.max_cost) {
    reasons.push(`max_cost: estimated ${formatUsd(estimate.costUsd)} > ${formatUsd(flags.max_cost)}`);
  }
  return reasons;
}
