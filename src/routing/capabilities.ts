/**
 * Optional features of OpenAI's API that a model may or may not serve. A request that uses one never goes to
 * a model whose card lacks it: an upstream that does not implement a field tends to drop it and answer
 * anyway (plain text where JSON was asked for, no tool call), which the client cannot tell from a real answer.
 */
import { z } from "zod";

/** Every capability a card can declare, in the order reasons list them. */
export const CAPABILITIES = ["tools", "json_mode", "json_schema", "image_input", "logprobs"] as const;
export const CapabilitySchema = z.enum(CAPABILITIES);
export type Capability = z.infer<typeof CapabilitySchema>;

/** What a model without each capability lacks, and what in a request uses it, in words. */
const WORDS: Record<Capability, { lacks: string; usedBy: string }> = {
  tools: { lacks: "no tool calling", usedBy: "tools or tool_choice" },
  json_mode: { lacks: "no JSON mode", usedBy: 'response_format "json_object"' },
  json_schema: { lacks: "no structured output", usedBy: 'response_format "json_schema"' },
  image_input: { lacks: "no image input", usedBy: "image_url content parts" },
  logprobs: { lacks: "no logprobs", usedBy: "logprobs or top_logprobs" },
};

/**
 * One reason per capability the request needs and the card lacks, each starting with the capability's name
 * as the hard-constraint reasons start with their flag's. Empty when the card has every one.
 */
export function capabilityViolations(card: { capabilities: readonly Capability[] }, needs: readonly Capability[]): string[] {
  return CAPABILITIES.filter((c) => needs.includes(c) && !card.capabilities.includes(c)).map(
    (c) => `${c}: ${WORDS[c].lacks} (the request uses ${WORDS[c].usedBy})`,
  );
}

/** The needs that none of `cards` has, in CAPABILITIES order: what no flag or fallback can work around. */
export function unmetCapabilities(cards: readonly { capabilities: readonly Capability[] }[], needs: readonly Capability[]): Capability[] {
  return CAPABILITIES.filter((c) => needs.includes(c) && !cards.some((card) => card.capabilities.includes(c)));
}

/** e.g. "no model supports tools, which the request uses (tools or tool_choice)" */
export function describeUnmet(capability: Capability, among: "model" | "listed model"): string {
  return `no ${among} supports ${capability}, which the request uses (${WORDS[capability].usedBy})`;
}
